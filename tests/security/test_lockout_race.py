"""Thirty clients from thirty loopback addresses log in at the same instant, 29 wrong passwords and the
right one last: the lockout holds, on SQLite and on PostgreSQL, for the log-in page and the token
endpoint, and the address lock holds against a burst of names from one address.

A real server in a subprocess (tests/security/live_server.py) with a hasher as slow as a production
one, which writes down every check: the count of checks is what an attacker got to try.
"""

import http.client
import json
import threading
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from django.conf import settings

from ..conftest import ON_POSTGRES, PASSWORD, POSTGRES_ONLY
from ..factories import UserFactory
from .live_server import Server

CLIENTS = 30


def connect(server, source):
    return http.client.HTTPConnection("127.0.0.1", server.port, source_address=(source, 0), timeout=90)


def wait_for_checks(server, wait):
    """The right password leaves once `wait` guesses are at the hash (the window in which the old lockout,
    which counted only finished failures, had counted none of them yet)."""
    deadline = time.monotonic() + 10
    while wait and server.hash_checks() < wait and time.monotonic() < deadline:
        time.sleep(0.01)


def form_login(server, source, username, password, start, wait):
    page = connect(server, source)
    page.request("GET", "/accounts/login/")
    response = page.getresponse()
    response.read()
    page.close()
    csrf = SimpleCookie(response.getheader("Set-Cookie"))["csrftoken"].value
    conn = connect(server, source)  # a fresh connection: the server may close an idle keep-alive one
    start.wait(timeout=60)
    wait_for_checks(server, wait)
    body = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": csrf})
    conn.request(
        "POST",
        "/accounts/login/",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}"},
    )
    response = conn.getresponse()
    response.read()
    logged_in = response.status == 302 and "sessionid=" in (response.getheader("Set-Cookie") or "")
    return response.status, logged_in


def token_login(server, source, username, password, start, wait):
    conn = connect(server, source)
    start.wait(timeout=60)
    wait_for_checks(server, wait)
    conn.request(
        "POST",
        "/api/auth/token/",
        body=json.dumps({"username": username, "password": password}),
        headers={"Content-Type": "application/json"},
    )
    response = conn.getresponse()
    body = response.read().decode()
    return response.status, response.status == 200 and '"token"' in body


def burst(server, attempt, guesses):
    """guesses: (source address, username, password, hash checks to wait for after the common start)."""
    start = threading.Barrier(len(guesses))
    results = [None] * len(guesses)

    def client(i, source, username, password, wait):
        try:
            results[i] = attempt(server, source, username, password, start, wait)
        except Exception as exc:  # noqa: BLE001 - a client that failed is reported by the assertion
            results[i] = (repr(exc), False)

    threads = [threading.Thread(target=client, args=(i, *guess)) for i, guess in enumerate(guesses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def wrong_then_right(username):
    guesses = [(f"127.0.0.{10 + n}", username, f"wrong-Pass-{n}", 0) for n in range(CLIENTS - 1)]
    return guesses + [(f"127.0.0.{10 + CLIENTS}", username, PASSWORD, settings.AXES_FAILURE_LIMIT)]


def assert_the_lockout_held(tmp_path, attempt):
    UserFactory(username="baoliang", role="supervisor")
    with Server(tmp_path) as server:
        results = burst(server, attempt, wrong_then_right("baoliang"))
        checks = server.hash_checks()
    assert all(isinstance(status, int) for status, _ in results), results
    assert results[-1][1] is False, f"the right password logged in inside the burst: {results[-1]}"
    assert not any(logged_in for _, logged_in in results)
    assert checks <= settings.AXES_FAILURE_LIMIT, f"{checks} guesses reached the hash"


def assert_the_address_lock_held(tmp_path, attempt, limit=6):
    for n in range(20):
        UserFactory(username=f"guess{n}", role="supervisor")
    with Server(tmp_path, ADDRESS_FAILURE_LIMIT=str(limit)) as server:
        results = burst(server, attempt, [("127.0.0.77", f"guess{n}", "wrong-Pass-1", 0) for n in range(20)])
        checks = server.hash_checks()
    assert all(isinstance(status, int) for status, _ in results), results
    assert checks <= limit, f"{checks} guesses from one address reached the hash"


on_sqlite = pytest.mark.skipif(ON_POSTGRES, reason="the SQLite pass (make test) runs this one")


@pytest.mark.django_db(transaction=True)
class TestOnSQLite:
    pytestmark = [on_sqlite]

    def test_a_burst_on_the_log_in_page_checks_at_most_the_limit(self, tmp_path):
        assert_the_lockout_held(tmp_path, form_login)

    def test_a_burst_on_the_token_endpoint_checks_at_most_the_limit(self, tmp_path):
        assert_the_lockout_held(tmp_path, token_login)

    def test_a_burst_of_names_from_one_address_checks_at_most_the_address_limit(self, tmp_path):
        assert_the_address_lock_held(tmp_path, form_login)


class TestOnPostgreSQL:
    pytestmark = POSTGRES_ONLY

    def test_a_burst_on_the_log_in_page_checks_at_most_the_limit(self, tmp_path):
        assert_the_lockout_held(tmp_path, form_login)

    def test_a_burst_on_the_token_endpoint_checks_at_most_the_limit(self, tmp_path):
        assert_the_lockout_held(tmp_path, token_login)

    def test_a_burst_of_names_from_one_address_checks_at_most_the_address_limit(self, tmp_path):
        assert_the_address_lock_held(tmp_path, form_login)
