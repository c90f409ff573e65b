"""The embedded default (SQLite, `make run`'s settings) under a crowd, against a real server process.

The red-team pass saw 100 simultaneous failed log-ins give 15 × 500 ("database is locked" in
audit_record, each a debug page with the POSTed password) and 15 failures neither audited nor
counted, and racing PATCHes answered 503 instead of 412. Here the server `make run` starts, on a
SQLite file with DEBUG off, takes the same bursts from distinct loopback addresses.
"""

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEED = """
import django; django.setup()
from datetime import date, timedelta
from decimal import Decimal
from django.utils import timezone
from tests.factories import IndicatorFactory, PlanFactory, ProgressReportFactory, TargetFactory, UnitFactory, UserFactory
from accounts.models import Role
unit = UnitFactory()
reporter = UserFactory(username="crowd-reporter", role=Role.REPORTER, unit=unit)
reporter.set_password("Crowd-pass-2025"); reporter.save()
for n in range(8):
    UserFactory(username=f"crowd-{n}", role=Role.REPORTER, unit=unit, password="Crowd-pass-2025")
plan = PlanFactory(region=unit.county, end_date=date(2035, 12, 31), lock_after_days=3650)
target = TargetFactory(plan=plan); target.lead_units.add(unit)
indicator = IndicatorFactory(target=target, deadline=date(2035, 12, 31))
last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
report = ProgressReportFactory(indicator=indicator, unit=unit, created_by=reporter, value=Decimal("1"),
                               period_start=last_month)
print(report.pk)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory, migrated_sqlite):
    """A runserver process on its own SQLite file with the embedded default's settings and DEBUG off."""
    folder = tmp_path_factory.mktemp("crowd")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "DJANGO_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "tests.security.crowd_settings",
        "DJANGO_EVIDENCE_ROOT": str(folder / "ev"),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_CACHE_URL", None), env.pop("CELERY_BROKER_URL", None)
    shutil.copy(migrated_sqlite, folder / "db.sqlite3")  # what `manage.py migrate` would make there
    seeded = subprocess.run([sys.executable, "-c", SEED], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    port = free_port()
    # The same server and arguments as `make run` (RUN_SERVER in the Makefile).
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "8",
            "--worker-class",
            "gthread",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(folder / "server.log", "w"),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.3)
    yield {"port": port, "env": env, "report": int(seeded.stdout.split()[-1])}
    process.terminate()
    process.wait(timeout=30)


class Browser:
    """One client on its own loopback address, keeping its cookies."""

    def __init__(self, port, n):
        self.port, self.source, self.cookies = port, f"127.0.0.{2 + n % 250}", {}

    def request(self, method, path, body=b"", headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60, source_address=(self.source, 0))
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection.request(method, path, body=body, headers={"Cookie": cookie, **(headers or {})})
        response = connection.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";")[0].split("=", 1)
            self.cookies[name] = value
        content = response.read()
        connection.close()
        return response.status, content

    def login_form(self):
        status, content = self.request("GET", "/accounts/login/")
        assert status == 200
        return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1).decode()

    def login(self, username, password, token):
        body = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token}).encode()
        return self.request(
            "POST",
            "/accounts/login/",
            body,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{self.port}/"},
        )


def burst(n, prepare, act):
    """Prepare n clients one by one, then let them all act at the same instant; (status, body) each."""
    ready = [prepare(i) for i in range(n)]
    barrier, results = threading.Barrier(n), [None] * n

    errors = []

    def run(i):
        try:
            barrier.wait(timeout=60)
            results[i] = act(i, ready[i])
        except Exception as exc:  # noqa: BLE001 - a client that could not finish fails the test below
            errors.append(repr(exc))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors[:3]
    return results


def shell(server, code) -> str:
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env=server["env"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def test_100_simultaneous_failed_log_ins_give_no_500_and_every_one_is_audited(server):
    def prepare(i):
        browser = Browser(server["port"], i)
        return browser, browser.login_form()

    results = burst(100, prepare, lambda i, r: r[0].login(f"guess{i % 10}", "wrong-password-1", r[1]))
    statuses = [status for status, _ in results]
    assert 500 not in statuses and all(status in (200, 403, 429) for status in statuses), statuses
    assert not any(b"Traceback" in body or b"wrong-password-1" in body for _, body in results)
    counted = shell(
        server,
        "from accounts.models import AuditEvent\n"
        "print(AuditEvent.objects.filter(action='auth.login_failed').count())\n"
        "from accounts.audit_chain import verify_chain\nprint(verify_chain()[1])",
    )
    assert counted.split("\n") == ["100", "None"]


def test_eight_people_logging_in_at_once_six_times_each_all_get_in(server):
    def prepare(i):
        return Browser(server["port"], 200 + i)

    def act(i, browser):
        statuses = []
        for _ in range(6):
            browser.cookies.clear()
            statuses.append(browser.login(f"crowd-{i}", "Crowd-pass-2025", browser.login_form())[0])
        return statuses

    results = burst(8, prepare, act)
    assert [s for statuses in results for s in statuses] == [302] * 48


def test_30_racing_patches_on_sqlite_give_one_200_and_412s_never_503(server):
    browser = Browser(server["port"], 240)
    assert browser.login("crowd-reporter", "Crowd-pass-2025", browser.login_form())[0] == 302
    url = f"/api/progress-reports/{server['report']}/"
    status, _ = browser.request("GET", url)
    assert status == 200
    headers = {
        "Content-Type": "application/json",
        "If-Match": '"1"',
        "X-CSRFToken": browser.cookies["csrftoken"],
        "Referer": f"http://127.0.0.1:{server['port']}/",
    }
    results = burst(
        30, lambda i: None, lambda i, _: browser.request("PATCH", url, json.dumps({"value": 100 + i}).encode(), headers)
    )
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [412] * 29, statuses


def test_a_bad_url_under_make_run_shows_the_products_404_in_chinese_and_its_styles_load(server):
    browser = Browser(server["port"], 241)
    status, content = browser.request("GET", "/no/such/page/")
    page = content.decode()
    assert status == 404 and "此页面不存在" in page
    assert "URLconf" not in page and "Traceback" not in page and "DEBUG" not in page
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page).group(1)
    assert browser.request("GET", stylesheet)[0] == 200
