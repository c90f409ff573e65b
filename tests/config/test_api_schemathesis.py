"""Schemathesis against the schema the app serves, with the demo data: no server error, no response
that breaks the schema, on every operation.

It runs in-process on the WSGI app, with a fixed seed and a few examples per operation so both CI
passes stay quick. Each (user, operation) is its own test, so pytest-xdist spreads them over the
workers; the demo data is in once per module and process (tests/conftest.py demo_db, rolled back at the
end), and each test runs in its own savepoint over it, so what one operation writes is gone before the next.
"""

import functools
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

# (user, operations it exercises, examples per operation): the supervision office everywhere, a
# reporter (whose scoping is narrower) with fewer examples, the administrator on the user accounts.
RUNS = [
    ("duchashi", lambda path: not path.startswith("/api/users/"), 10),
    ("nongye", lambda path: True, 4),
    ("sysadmin", lambda path: path.startswith("/api/users/"), 10),
]
# The token endpoint has its own tests; generated passwords would only trip its throttle.
UNEXERCISED = {"/api/auth/token/"}
CHECKS = [
    builtin_checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
]
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def _operations():
    """(path, method) of every operation, from the generator the schema view runs, read when the module
    is collected (no request, no database); test_every_served_operation_is_exercised holds it to the served schema."""
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    return [(path, method.upper()) for path, item in paths.items() for method in item if method in HTTP_METHODS]


OPERATIONS = _operations()
CASES = [
    pytest.param(username, method, path, examples, id=f"{username} {method} {path}")
    for username, wanted, examples in RUNS
    for path, method in OPERATIONS
    if path not in UNEXERCISED and wanted(path)
]


@functools.cache
def _served_schema():
    """The schema as the app serves it at /api/schema/, fetched once per process."""
    return schemathesis.openapi.from_wsgi("/api/schema/", application)


def _token(username):
    # Straight from the model: a call through Django's test client here would reconnect the signal
    # handlers that connection_kept_open disconnected.
    from accounts.tokens import token_issue

    return token_issue(user=User.objects.get(username=username))[1]


def _exercise(operation, headers, examples) -> None:
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

    run()


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
def test_every_served_operation_is_exercised():
    served = [(result.ok().path, result.ok().method.upper()) for result in _served_schema().get_all_operations()]
    assert sorted(served) == sorted(OPERATIONS)
    exercised = {(path, method) for _username, method, path, _examples in (case.values for case in CASES)}
    assert exercised == {(path, method) for path, method in served if path not in UNEXERCISED}


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_db", "connection_kept_open")
@pytest.mark.parametrize(("username", "method", "path", "examples"), CASES)
def test_operation_keeps_to_the_schema_with_the_demo_data(caplog, username, method, path, examples):
    caplog.set_level(logging.ERROR, logger="django.request")  # hundreds of expected 400s and 404s
    headers = {"Authorization": f"Token {_token(username)}", "Accept-Language": "en"}
    _exercise(_served_schema()[path][method], headers, examples)
