"""An export job run by a real Celery worker over the configured broker (Redis in CI)."""

import os
import time
from datetime import date

import pytest

from reports.excel.jobs import export_job_create
from reports.models import ExportJob

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("CELERY_BROKER_URL"), reason="needs CELERY_BROKER_URL (a real broker)"),
]


def _close_connection(**_kwargs):
    """Runs in the worker's thread after each task: its database connection must not outlive the test."""
    from django.db import connection

    connection.close()


def test_a_worker_picks_up_the_job_and_writes_the_file(plan, indicator, supervisor, settings, tmp_path):
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun

    from config.celery import app

    settings.MEDIA_ROOT = tmp_path
    task_postrun.connect(_close_connection, weak=False)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        job = export_job_create(
            kind=ExportJob.Kind.LEDGER, plan=plan, params={"as_of": date(2025, 6, 30).isoformat()}, by=supervisor
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status in (ExportJob.Status.DONE, ExportJob.Status.FAILED):
                break
            time.sleep(0.2)
    task_postrun.disconnect(_close_connection)
    assert job.status == ExportJob.Status.DONE, job.error
    assert job.rows_total == 1 and job.file.name.endswith(".xlsx")
