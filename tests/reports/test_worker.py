"""A real Celery worker against Redis and the PostgreSQL test database.

Skipped unless CELERY_BROKER_URL and a postgres DATABASE_URL are set (CI's second pass sets both).
The worker is a subprocess (`celery -A config worker`) pointed at pytest's test database, so these
tests use transaction=True: the worker only sees committed rows.
"""

import os
import signal
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from reports import services
from reports.bulletins.document import table
from reports.excel.jobs import export_job_create
from reports.models import ExportJob, GeneratedReport, ReportKind, ReportState
from reports.tasks import reclaim_stalled_jobs
from targets.choices import ReportStatus

from ..factories import ProgressReportFactory

BROKER = os.environ.get("CELERY_BROKER_URL", "")
DATABASE_URL = os.environ.get("DATABASE_URL", "")
pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(
        not (BROKER and DATABASE_URL.startswith(("postgres://", "postgresql://"))),
        reason="needs CELERY_BROKER_URL and a postgres DATABASE_URL",
    ),
    pytest.mark.django_db(transaction=True),
]
ROOT = Path(__file__).resolve().parents[2]
MAY = date(2025, 5, 1)
# Redis hands a message whose worker died to another worker after this many seconds.
VISIBILITY_TIMEOUT = 3
# The workers' lease on a job, kept by a heartbeat every second: once it has run out after a worker died,
# the job's next delivery (or the reclaim) takes the job back.
LEASE_SECONDS = 4


@pytest.fixture
def worker_env(tmp_path):
    """The worker's environment: this test database, this media folder, a short visibility timeout."""
    url = urlsplit(DATABASE_URL)
    env = dict(os.environ)
    env.update(
        DATABASE_URL=urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"])),
        DATABASE_CONN_MAX_AGE="0",
        DJANGO_MEDIA_ROOT=str(settings.MEDIA_ROOT),
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
        JOB_LEASE_SECONDS=str(LEASE_SECONDS),
        JOB_HEARTBEAT_SECONDS="1",
        PYTHONUNBUFFERED="1",
    )
    from config.celery import app

    app.control.purge()  # messages left by an earlier run must not reach this test's worker
    return env


class Worker:
    """`celery -A config worker`, or with `hold` the same worker stopping mid-report while that file exists."""

    def __init__(self, env, log: Path, name: str, hold: Path | None = None):
        self.log = log
        command = ["-m", "tests.reports.held_worker", str(hold)] if hold else ["-m", "celery", "-A", "config"]
        self.process = subprocess.Popen(
            [
                sys.executable,
                *command,
                "worker",
                "--pool=solo",
                "-n",
                f"{name}@%h",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=info",
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self):
        """SIGKILL: no goodbye, no acknowledgement, the message stays with the broker."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def workers(worker_env, tmp_path):
    started = []

    def start(name, hold=None):
        worker = Worker(worker_env, tmp_path / f"{name}.log", name, hold)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def wait_for(predicate, timeout, what, logs=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    tail = "\n".join(p.read_text(errors="replace")[-3000:] for p in logs if p.exists())
    pytest.fail(f"timed out after {timeout}s waiting for {what}\n{tail}")


def status_of(report):
    report.refresh_from_db()
    return report.status


@pytest.fixture
def region_with_report(county, indicator, dept, dept_reporter):
    ProgressReportFactory(
        indicator=indicator,
        unit=dept,
        period_start=MAY,
        value=Decimal("600"),
        status=ReportStatus.SUBMITTED,
        submitted_by=dept_reporter,
        submitted_at="2025-05-20T10:00:00+08:00",
        created_by=dept_reporter,
    )
    return county


def test_a_real_worker_generates_a_bulletin(region_with_report, workers, tmp_path):
    worker = workers("one")
    report = services.report_request(region=region_with_report, kind=ReportKind.MONTHLY, month=MAY)
    wait_for(lambda: status_of(report) in (ReportState.DONE, ReportState.FAILED), 60, "the bulletin", [worker.log])
    assert report.status == ReportState.DONE, report.failure_reason
    assert report.attempts == 1
    lights = table(report.content, "lights")
    assert lights["rows"][-1][1] == 1  # the one indicator of the county, frozen by the worker
    with report.docx.open("rb") as f:
        assert f.read(2) == b"PK"


def test_a_worker_killed_mid_report_leaves_exactly_one_finished_report(region_with_report, workers, tmp_path):
    hold = tmp_path / "hold"
    hold.touch()
    first = workers("first", hold)
    report = services.report_request(region=region_with_report, kind=ReportKind.MONTHLY, month=MAY)
    reached = Path(f"{hold}.reached")
    wait_for(reached.exists, 60, "the worker to reach the middle of the report", [first.log])
    assert status_of(report) == ReportState.RUNNING
    first.kill()
    hold.unlink()
    time.sleep(max(VISIBILITY_TIMEOUT, LEASE_SECONDS) + 1)  # the message is handed on, the lease has run out
    second = workers("second")
    wait_for(lambda: status_of(report) == ReportState.DONE, 90, "the re-queued report", [first.log, second.log])
    same_period = GeneratedReport.objects.filter(
        region=region_with_report, kind=ReportKind.MONTHLY, period_end=report.period_end
    )
    assert same_period.count() == 1
    assert same_period.filter(status=ReportState.DONE).count() == 1
    assert report.attempts == 2  # the killed run, then the redelivered one


def test_an_export_whose_worker_died_is_reclaimed_and_finished(
    plan, indicator, supervisor, workers, settings, tmp_path
):
    settings.JOB_LEASE_SECONDS = LEASE_SECONDS
    hold = tmp_path / "hold"
    hold.touch()
    first = workers("first", hold)
    job = export_job_create(kind=ExportJob.Kind.LEDGER, plan=plan, params={"as_of": "2025-06-30"}, by=supervisor)
    wait_for(Path(f"{hold}.reached").exists, 60, "the worker to reach the middle of the export", [first.log])
    first.kill()
    hold.unlink()
    job.refresh_from_db()
    assert (job.status, job.attempts) == (ExportJob.Status.RUNNING, 1)
    assert reclaim_stalled_jobs() == {"retried": 0, "failed": 0}  # within its lease: left to its worker
    time.sleep(max(VISIBILITY_TIMEOUT, LEASE_SECONDS) + 1)
    assert reclaim_stalled_jobs() == {"retried": 1, "failed": 0}  # back to pending and queued again
    second = workers("second")
    wait_for(lambda: status_of(job) == ExportJob.Status.DONE, 90, "the reclaimed export", [first.log, second.log])
    assert job.attempts == 2 and job.rows_total == 1  # the killed run, then one more: never two at once
    assert job.file.name.endswith(".xlsx")
