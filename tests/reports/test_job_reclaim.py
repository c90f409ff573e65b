"""A worker that dies mid-job leaves its row running; beat takes it back after its lease and, after
JOB_MAX_ATTEMPTS starts, marks it failed with a reason a person reads (Chinese)."""

import os
import threading
import time
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
import time_machine

from accounts.models import AuditEvent
from reports import jobs
from reports.beat import JOBS
from reports.excel.jobs import export_job_run
from reports.models import ExportJob, GeneratedReport, ReportKind, ReportState
from reports.tasks import reclaim_stalled_jobs

pytestmark = pytest.mark.django_db
T0 = datetime(2025, 6, 30, 2, 0, tzinfo=dt_timezone.utc)


@pytest.fixture(autouse=True)
def lease(settings):
    settings.JOB_LEASE_SECONDS = 600
    settings.JOB_MAX_ATTEMPTS = 3


@pytest.fixture
def eager():
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def running_export(plan, user, *, attempts=1, heartbeat=T0):
    return ExportJob.objects.create(
        kind=ExportJob.Kind.LEDGER,
        plan=plan,
        params={"as_of": "2025-06-30"},
        created_by=user,
        status=ExportJob.Status.RUNNING,
        started_at=heartbeat,
        heartbeat_at=heartbeat,
        attempts=attempts,
    )


def running_report(region, *, version, attempts=1, started=T0):
    return GeneratedReport.objects.create(
        region=region,
        kind=ReportKind.MONTHLY,
        period_start=date(2025, 5, 1),
        period_end=date(2025, 5, 31),
        version=version,
        status=ReportState.RUNNING,
        started_at=started,
        attempts=attempts,
    )


def test_a_running_export_within_its_lease_is_left_to_its_worker(plan, supervisor):
    job = running_export(plan, supervisor)
    with time_machine.travel(T0 + timedelta(seconds=599), tick=False):
        assert reclaim_stalled_jobs() == {"retried": 0, "failed": 0}
    job.refresh_from_db()
    assert job.status == ExportJob.Status.RUNNING


def test_a_silent_export_goes_back_to_pending(plan, supervisor):
    job = running_export(plan, supervisor)
    with time_machine.travel(T0 + timedelta(seconds=601), tick=False):
        assert jobs.jobs_reclaim() == jobs.Reclaimed(exports=[job.pk])
    job.refresh_from_db()
    assert job.status == ExportJob.Status.PENDING
    assert AuditEvent.objects.filter(action="export.retry", object_id=str(job.pk)).exists()


def test_the_beat_task_queues_a_silent_export_again_and_it_finishes(plan, supervisor, eager):
    job = running_export(plan, supervisor)
    with time_machine.travel(T0 + timedelta(seconds=601), tick=False):
        assert reclaim_stalled_jobs() == {"retried": 1, "failed": 0}  # the task runs in-process
    job.refresh_from_db()
    assert (job.status, job.attempts) == (ExportJob.Status.DONE, 2), job.error
    assert job.file.name.endswith(".xlsx")


def test_a_redelivered_export_whose_worker_died_is_claimed_and_finished(plan, supervisor, eager):
    """acks_late hands the dead worker's message on: its one claim takes a running row past its lease."""
    from reports.tasks import export_job_run_task

    job = running_export(plan, supervisor)
    with time_machine.travel(T0 + timedelta(seconds=601), tick=False):
        assert export_job_run_task.delay(job.pk).get() == ExportJob.Status.DONE
    job.refresh_from_db()
    assert (job.status, job.attempts, job.rows_done) == (ExportJob.Status.DONE, 2, job.rows_total)
    assert job.file.name.endswith(".xlsx")


def test_a_second_delivery_leaves_an_export_within_its_lease_to_its_worker(plan, supervisor, eager):
    from reports.tasks import export_job_run_task

    job = running_export(plan, supervisor)
    with time_machine.travel(T0 + timedelta(seconds=599), tick=False):
        assert export_job_run_task.delay(job.pk).get() == ExportJob.Status.RUNNING
    job.refresh_from_db()
    assert (job.status, job.attempts, job.file.name) == (ExportJob.Status.RUNNING, 1, "")


def test_a_report_meeting_a_passing_error_waits_pending_for_its_retry(county, indicator, supervisor, monkeypatch):
    from django.db import OperationalError

    from reports import services

    def down(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "compose", down)
    report = services.report_request(region=county, kind=ReportKind.MONTHLY, month=date(2025, 5, 1), by=supervisor)
    with pytest.raises(OperationalError):
        services.report_generate(report_id=report.pk)
    report.refresh_from_db()
    assert (report.status, report.attempts, report.failure_reason) == (ReportState.PENDING, 1, "")


def test_an_export_stopped_at_every_start_fails_with_a_chinese_reason(plan, supervisor):
    job = running_export(plan, supervisor, attempts=3)
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        assert jobs.jobs_reclaim() == jobs.Reclaimed(failed=1)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert "3" in job.error and "中断" in job.error
    assert job.finished_at == T0 + timedelta(hours=1)
    assert AuditEvent.objects.get(action="export.fail", object_id=str(job.pk)).outcome == "failure"


def test_progress_is_the_heartbeat_that_keeps_a_long_export_alive(plan, supervisor):
    job = running_export(plan, supervisor)
    with time_machine.travel(T0 + timedelta(seconds=500), tick=False):
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.PENDING)
        export_job_run(job.pk)  # writes its heartbeat as it runs
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING)
    with time_machine.travel(T0 + timedelta(seconds=1000), tick=False):
        assert jobs.jobs_reclaim() == jobs.Reclaimed()


def test_a_report_whose_worker_died_is_queued_again_then_failed(county):
    retried, spent = running_report(county, version=1, attempts=2), running_report(county, version=2, attempts=3)
    with time_machine.travel(T0 + timedelta(minutes=11), tick=False):
        assert jobs.jobs_reclaim() == jobs.Reclaimed(reports=[retried.pk], failed=1)
    retried.refresh_from_db()
    spent.refresh_from_db()
    assert retried.status == ReportState.PENDING
    assert spent.status == ReportState.FAILED and "中断" in spent.failure_reason


def test_the_reclaim_runs_every_five_minutes():
    assert [(j.minute, j.hour) for j in JOBS if j.task == "reports.tasks.reclaim_stalled_jobs"] == [("*/5", "*")]


@pytest.fixture
def retries_followed_in_process():
    """Eager apply() re-runs a retried task at once; with propagation on, the inner Retry would escape."""
    from config.celery import app

    before = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = before


def pending_export(plan, user):
    return ExportJob.objects.create(
        kind=ExportJob.Kind.LEDGER, plan=plan, params={"as_of": "2025-06-30"}, created_by=user
    )


def test_an_export_meeting_a_passing_database_error_is_retried_and_finishes(
    plan, supervisor, monkeypatch, retries_followed_in_process
):
    from django.db import OperationalError

    from reports.excel import jobs as export_jobs
    from reports.tasks import export_job_run_task

    job, calls, real = pending_export(plan, supervisor), [], export_jobs._rows_and_layout

    def flaky(job):
        calls.append(job.pk)
        if len(calls) < 3:
            raise OperationalError("server closed the connection unexpectedly")
        return real(job)

    monkeypatch.setattr(export_jobs, "_rows_and_layout", flaky)
    assert export_job_run_task.apply(args=[job.pk]).get() == ExportJob.Status.DONE
    job.refresh_from_db()
    assert (job.status, job.attempts, len(calls)) == (ExportJob.Status.DONE, 3, 3)


def test_an_export_whose_database_stays_away_fails_with_the_reason(
    plan, supervisor, monkeypatch, retries_followed_in_process
):
    from django.db import OperationalError

    from reports import tasks
    from reports.excel import jobs as export_jobs

    job = pending_export(plan, supervisor)

    def down(job):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(export_jobs, "_rows_and_layout", down)
    assert tasks.export_job_run_task.apply(args=[job.pk]).failed()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and "could not connect" in job.error
    assert job.attempts == 1 + tasks.MAX_RETRIES


def test_a_long_report_generation_writes_heartbeats_that_keep_its_lease(county, indicator, supervisor, monkeypatch):
    from reports import services

    real_compose, real_docx = services.compose, services.write_docx
    reclaimed = []
    with time_machine.travel(T0, tick=False) as traveller:

        def slow_compose(**kwargs):
            traveller.shift(timedelta(seconds=400))  # composing a province's report: most of a lease
            return real_compose(**kwargs)

        def slow_docx(content):
            traveller.shift(timedelta(seconds=400))  # 800 s since the start, longer than the lease
            reclaimed.append(jobs.jobs_reclaim())  # beat runs while the worker is still writing
            return real_docx(content)

        monkeypatch.setattr(services, "compose", slow_compose)
        monkeypatch.setattr(services, "write_docx", slow_docx)
        report = services.report_request(region=county, kind=ReportKind.MONTHLY, month=date(2025, 5, 1), by=supervisor)
        done = services.report_generate(report_id=report.pk, render_pdf=False)
    assert reclaimed == [jobs.Reclaimed()]
    assert done.status == ReportState.DONE and done.attempts == 1
    assert done.heartbeat_at == T0 + timedelta(seconds=800)
    assert not AuditEvent.objects.filter(action="report.retry").exists()


def test_a_report_silent_past_its_last_heartbeat_is_taken_back(county):
    report = running_report(county, version=1)
    GeneratedReport.objects.filter(pk=report.pk).update(heartbeat_at=T0 + timedelta(minutes=5))
    with time_machine.travel(T0 + timedelta(minutes=14), tick=False):
        assert jobs.jobs_reclaim() == jobs.Reclaimed()
    with time_machine.travel(T0 + timedelta(minutes=16), tick=False):
        assert jobs.jobs_reclaim() == jobs.Reclaimed(reports=[report.pk])
    assert AuditEvent.objects.get(action="report.retry").new["last_heartbeat"].startswith("2025-06-30T02:05")


@pytest.mark.django_db(transaction=True)  # the keeper writes from its own thread, on its own connection
def test_a_stage_longer_than_the_lease_keeps_it_through_the_keepers_heartbeats(county, monkeypatch, settings):
    settings.JOB_HEARTBEAT_SECONDS = 0.01
    report = running_report(county, version=1)
    real_heartbeat, beaten = jobs.heartbeat, threading.Event()

    def heartbeat_seen(job):  # the real heartbeat; the test waits for one instead of guessing how long
        real_heartbeat(job)
        beaten.set()

    monkeypatch.setattr(jobs, "heartbeat", heartbeat_seen)
    with time_machine.travel(T0 + timedelta(seconds=700), tick=False):  # one stage, longer than the lease
        with jobs.lease_kept(report):
            assert beaten.wait(30)
        assert not any(t.name == f"lease-generatedreport-{report.pk}" for t in threading.enumerate())
        assert jobs.jobs_reclaim() == jobs.Reclaimed()
    report.refresh_from_db()
    assert report.status == ReportState.RUNNING and report.heartbeat_at == T0 + timedelta(seconds=700)
    assert not AuditEvent.objects.filter(action="report.retry").exists()


POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


@pytest.mark.skipif(not POSTGRES, reason="a second connection writing during the generation needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_report_whose_composing_outlasts_the_lease_is_not_taken_back(
    county, indicator, supervisor, monkeypatch, settings
):
    from reports import services

    settings.JOB_HEARTBEAT_SECONDS = 0.01
    real_compose, reclaimed = services.compose, []
    with time_machine.travel(T0, tick=False) as traveller:

        def long_compose(**kwargs):
            traveller.shift(timedelta(seconds=700))  # composing alone takes longer than the 600 s lease
            for _ in range(3000):  # until the keeper has written a heartbeat in this stage
                if GeneratedReport.objects.filter(heartbeat_at__gte=T0 + timedelta(seconds=700)).exists():
                    break
                time.sleep(0.01)
            reclaimed.append(jobs.jobs_reclaim())  # beat runs while the worker is still composing
            return real_compose(**kwargs)

        monkeypatch.setattr(services, "compose", long_compose)
        report = services.report_request(region=county, kind=ReportKind.MONTHLY, month=date(2025, 5, 1), by=supervisor)
        done = services.report_generate(report_id=report.pk, render_pdf=False)
    assert reclaimed == [jobs.Reclaimed()]
    assert done.status == ReportState.DONE and done.attempts == 1
    assert not AuditEvent.objects.filter(action="report.retry").exists()
