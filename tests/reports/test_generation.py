"""Generating a report: versions, a second delivery of the same task, failures on the row, retries."""

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.db import OperationalError
from django.utils import timezone, translation
from docx import Document

from accounts.models import AuditEvent
from reports import services, tasks
from reports.bulletins import compose as compose_module
from reports.models import GeneratedReport, ReportKind, ReportState
from supervision.models import StatusSnapshot
from targets.choices import ReportStatus

from ..factories import ProgressReportFactory

MAY = date(2025, 5, 1)


@pytest.fixture
def requested(county, indicator, supervisor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = services.report_request(region=county, kind=ReportKind.MONTHLY, month=MAY, by=supervisor)
    assert len(callbacks) == 1  # the task is enqueued only once the row is committed
    return report


@pytest.mark.django_db
def test_a_request_is_a_pending_audited_row(requested, supervisor):
    assert (requested.status, requested.version, requested.requested_by) == (ReportState.PENDING, 1, supervisor)
    assert (requested.period_start, requested.period_end) == (MAY, date(2025, 5, 31))
    event = AuditEvent.objects.get(action="report.request")
    assert event.username == supervisor.username and event.object_id == str(requested.pk)


@pytest.mark.django_db
def test_generating_twice_leaves_one_finished_report(requested):
    done = services.report_generate(report_id=requested.pk)
    again = services.report_generate(report_id=requested.pk)  # a redelivered message
    assert done.status == again.status == ReportState.DONE
    assert again.finished_at == done.finished_at and again.docx.name == done.docx.name
    assert again.attempts == 1
    assert GeneratedReport.objects.count() == 1
    assert AuditEvent.objects.filter(action="report.generate").count() == 1


@pytest.mark.django_db
def test_a_run_cut_off_while_running_is_finished_by_the_next_delivery(requested):
    GeneratedReport.objects.filter(pk=requested.pk).update(status=ReportState.RUNNING, attempts=1)
    report = services.report_generate(report_id=requested.pk)
    assert (report.status, report.attempts) == (ReportState.DONE, 2)


@pytest.fixture
def completed_in_may(indicator, dept, dept_reporter):
    """The department's May report of 1,200, submitted on 20 May: the indicator is done in May."""
    return ProgressReportFactory(
        indicator=indicator,
        unit=dept,
        period_start=MAY,
        value=Decimal("1200"),
        status=ReportStatus.SUBMITTED,
        submitted_by=dept_reporter,
        submitted_at="2025-05-20T10:00:00+08:00",
        created_by=dept_reporter,
    )


@pytest.mark.django_db
def test_the_bulletin_freezes_its_month_when_no_snapshot_exists(requested, completed_in_may):
    assert not StatusSnapshot.objects.exists()
    report = services.report_generate(report_id=requested.pk)
    assert StatusSnapshot.objects.get(as_of=date(2025, 5, 31), unit__isnull=True).status == "done"
    done_row = report.content["blocks"][2]["rows"][0]  # the lights table: done first
    assert done_row[1] == 1


@pytest.mark.django_db
def test_a_newly_completed_indicator_reads_with_its_unit_of_measure_in_word(requested, indicator, completed_in_may):
    """完成值 1,200 alone does not say 1,200 what: the table of newly completed targets carries 计量单位."""
    report = services.report_generate(report_id=requested.pk)
    with report.docx.open("rb") as f:
        document = Document(BytesIO(f.read()))
    keys = [b["key"] for b in report.content["blocks"] if b["type"] == "table"]
    rows = [[c.text for c in r.cells] for r in document.tables[keys.index("newly_done")].rows]
    assert rows == [
        ["任务", "指标", "完成值", "计量单位"],
        [f"{indicator.target.seq}. 农村改厕", "改建卫生厕所", "1,200", "座"],
    ]


@pytest.mark.django_db
def test_an_error_is_recorded_on_the_row_with_its_reason(requested, monkeypatch):
    def broken(**kwargs):
        raise ValueError("section tree has a loop")

    monkeypatch.setattr("reports.services.compose", broken)
    assert tasks.generate_report.apply(args=[requested.pk]).get() == "failed"
    requested.refresh_from_db()
    assert requested.status == ReportState.FAILED
    assert requested.failure_reason == "ValueError: section tree has a loop"
    assert AuditEvent.objects.filter(action="report.fail", outcome="failure").exists()


@pytest.fixture
def retries_followed_in_process():
    """Eager apply() re-runs a retried task at once; with propagation on, the inner Retry would escape."""
    from config.celery import app

    before = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = before


@pytest.mark.django_db
def test_transient_errors_are_retried_and_a_later_success_stands(requested, monkeypatch, retries_followed_in_process):
    calls = []
    real = services.report_generate

    def flaky(*, report_id):
        calls.append(report_id)
        if len(calls) < 3:
            raise OperationalError("server closed the connection unexpectedly")
        return real(report_id=report_id)

    monkeypatch.setattr("reports.tasks.services.report_generate", flaky)
    result = tasks.generate_report.apply(args=[requested.pk])
    assert result.get() == ReportState.DONE
    assert len(calls) == 3


@pytest.mark.django_db
def test_a_transient_error_that_outlasts_the_retries_fails_the_row(requested, monkeypatch, retries_followed_in_process):
    calls = []

    def down(*, report_id):
        calls.append(report_id)
        raise OperationalError("could not connect to server")

    monkeypatch.setattr("reports.tasks.services.report_generate", down)
    result = tasks.generate_report.apply(args=[requested.pk])
    assert result.failed() and isinstance(result.result, OperationalError)
    requested.refresh_from_db()
    assert requested.status == ReportState.FAILED and "could not connect" in requested.failure_reason
    assert len(calls) == 1 + tasks.MAX_RETRIES


@pytest.mark.parametrize("task", [tasks.generate_report, tasks.export_job_run_task])
def test_each_retry_waits_up_to_twice_as_long_capped_at_ten_minutes(task, monkeypatch):
    """Celery's own backoff: retry n waits a jittered time of at most min(600, 10 * 2**n) seconds."""
    from celery.exceptions import Retry

    waits, drawn = [], []

    def retry_recorded(*, exc, countdown, **options):  # instead of queuing the retry
        waits.append(countdown)
        return Retry(exc=exc)

    def down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    # The jitter draws the wait from 0 up to the doubled one; here it draws the longest.
    monkeypatch.setattr("celery.utils.time.random.randrange", lambda n: drawn.append(n) or n - 1)
    monkeypatch.setattr("reports.tasks.services.report_generate", down)
    monkeypatch.setattr("reports.tasks.export_job_run", down)
    monkeypatch.setattr(task, "retry", retry_recorded)
    for retries in range(7):
        task.push_request(retries=retries)
        try:
            with pytest.raises(Retry):
                task.run(1)
        finally:
            task.pop_request()
    assert waits == [10, 20, 40, 80, 160, 320, 600]
    assert drawn == [wait + 1 for wait in waits]


@pytest.mark.django_db
def test_each_request_for_the_same_period_is_the_next_version(requested, county, supervisor):
    GeneratedReport.objects.filter(pk=requested.pk).update(status=ReportState.DONE)
    later = timezone.now() + services.REQUEST_AGAIN_AFTER + timedelta(seconds=1)  # not a double click
    with time_machine.travel(later):
        second = services.report_request(region=county, kind=ReportKind.MONTHLY, month=date(2025, 5, 17), by=supervisor)
    other_kind = services.report_request(region=county, kind=ReportKind.QUARTERLY, month=MAY, by=supervisor)
    assert (second.version, other_kind.version) == (2, 1)
    assert other_kind.period_start == date(2025, 3, 1)


def test_compose_titles_carry_the_period_and_the_number_uses_chinese_brackets():
    assert compose_module.doc_number(ReportKind.MONTHLY, "洞头区", date(2025, 5, 31), 5).endswith("〔2025〕5号")


@pytest.mark.parametrize(
    ("kind", "start", "end", "name"),
    [
        (ReportKind.MONTHLY, date(2026, 11, 1), date(2026, 11, 30), "旬邑县-2026年11月-月通报-v1.docx"),
        (ReportKind.QUARTERLY, date(2026, 9, 1), date(2026, 11, 30), "旬邑县-2026年9月—11月-季调度报告-v1.docx"),
        (ReportKind.HALF_YEAR, date(2026, 1, 1), date(2026, 6, 30), "旬邑县-2026年上半年-半年点评-v1.docx"),
        (ReportKind.YEAR_END, date(2026, 1, 1), date(2026, 12, 31), "旬邑县-2026年-年终总结-v1.docx"),
        (ReportKind.YEAR_END, date(2026, 1, 1), date(2026, 11, 30), "旬邑县-2026年1月—11月-年终总结-v1.docx"),
    ],
)
def test_download_names_say_the_region_period_and_kind(kind, start, end, name):
    with translation.override("zh-hans"):
        assert (
            compose_module.file_name(
                kind=kind, region_name="旬邑县", period_start=start, period_end=end, version=1, ext="docx"
            )
            == name
        )


@pytest.mark.django_db
def test_only_the_office_of_the_region_asks_for_its_report(county, dept_reporter):
    from django.core.exceptions import PermissionDenied

    from accounts.models import Role
    from regions.models import RegionLevel

    from ..factories import RegionFactory, UserFactory

    elsewhere = RegionFactory(code="610429000000", name="旬邑县", level=RegionLevel.COUNTY)
    for user in (
        dept_reporter,
        UserFactory(username="lingdao", role=Role.LEADER, region=county),
        UserFactory(username="xunyi", role=Role.SUPERVISOR, region=elsewhere),
    ):
        with pytest.raises(PermissionDenied):
            services.report_request(region=county, kind=ReportKind.MONTHLY, month=MAY, by=user)
    assert not GeneratedReport.objects.exists()
    # A schedule (no person) still asks.
    assert services.report_request(region=county, kind=ReportKind.MONTHLY, month=MAY, enqueue=False).version == 1
