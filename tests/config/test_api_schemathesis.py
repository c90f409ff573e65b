"""Schemathesis against the schema the app serves, with the demo data: no server error, no response
that breaks the schema, on every operation.

It runs in-process on the WSGI app (inside the test's transaction, so the demo data it loads is
rolled back), with a fixed seed and a few examples per operation so both CI passes stay quick.
"""

import logging

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import checks as builtin_checks
from schemathesis.specs.openapi import checks as openapi_checks

from accounts.models import User
from config.wsgi import application
from demo.services import demo_load

# (user, operations it exercises, examples per operation): the supervision office everywhere, a
# reporter (whose scoping is narrower) with fewer examples, the administrator on the user accounts.
RUNS = [
    ("duchashi", lambda path: not path.startswith("/api/users/"), 10),
    ("nongye", lambda path: True, 4),
    ("sysadmin", lambda path: path.startswith("/api/users/"), 10),
]
CHECKS = [
    builtin_checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
]


def _token(username):
    # Straight from the model: a call through Django's test client here would reconnect the signal
    # handlers that connection_kept_open disconnected.
    from accounts.tokens import token_issue

    return token_issue(user=User.objects.get(username=username))[1]


def _exercise(operation, headers, examples) -> str | None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        run()
    except Exception as exc:  # collected, so one run reports every failing operation
        return f"{operation.label}: {exc}"
    return None


@pytest.fixture
def connection_kept_open():
    """Keep the test's database connection across the in-process WSGI calls.

    Django's WSGI handler closes "old" connections when a request starts and finishes; inside the
    test's transaction that would close it (on PostgreSQL) and lose the demo data. Django's own
    test client disconnects the same signal handlers for the same reason.
    """
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("connection_kept_open")
def test_every_operation_keeps_to_the_schema_with_the_demo_data(caplog):
    caplog.set_level(logging.ERROR, logger="django.request")  # thousands of expected 400s and 404s
    demo_load()
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    failures = []
    for username, wanted, examples in RUNS:
        headers = {"Authorization": f"Token {_token(username)}", "Accept-Language": "en"}
        for operation in operations:
            if operation.path == "/api/auth/token/" or not wanted(operation.path):
                continue  # the token endpoint has its own tests; generated passwords would only trip its throttle
            failure = _exercise(operation, headers, examples)
            if failure:
                failures.append(f"{username}: {failure}")
    assert not failures, "\n\n".join(failures)
