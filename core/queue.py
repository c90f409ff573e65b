"""Queue a Celery task by its registered name, so a service never imports the tasks module that calls it.

Tasks are thin and import the services they run; a service that hands work to a task (after its
transaction commits) names the task instead of importing it, which keeps the import graph of each app
free of cycles. The task is looked up in the Celery app's registry once the app has imported every
app's tasks module (autodiscovery), so eager runs (no broker: tests, `make run`) behave as before.
"""

from functools import cache

from celery import current_app
from django.db import transaction


@cache
def _discovered() -> None:
    current_app.loader.import_default_modules()  # autodiscovery: every app's tasks.py


def task_named(name: str):
    _discovered()
    return current_app.tasks[name]


def enqueue(name: str, *args) -> None:
    task_named(name).delay(*args)


def enqueue_on_commit(name: str, *args) -> None:
    """Queue the task once the current transaction has committed (at once outside one)."""
    transaction.on_commit(lambda: enqueue(name, *args))
