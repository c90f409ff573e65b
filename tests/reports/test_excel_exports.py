"""Exports reopened and checked: values, merged headers, colours by light, print set-up, formulas kept as text."""

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from core.xlsx import LIGHT_FILLS, write_table
from reports.excel.ledger import ledger_rows
from reports.excel.writers import LEDGER_COLUMNS
from reports.models import ExportJob
from reports.selectors import document_frame_for
from targets.choices import ReportStatus
from targets.models import Indicator
from targets.selectors import indicator_rows

from ..factories import IndicatorFactory, ProgressReportFactory, TargetFactory

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example","点我")'
AS_OF = date(2025, 6, 30)


@pytest.fixture
def reported(plan, target, indicator, dept, dept_reporter, town_unit):
    target.content = "@SUM(1+1)*cmd|' /C calc'!A0"
    target.save()
    target.co_units.add(town_unit)
    ProgressReportFactory(
        indicator=indicator,
        unit=dept,
        period_start=date(2025, 5, 1),
        value=Decimal(600),
        narrative=EVIL,
        problems="+1-2",
        status=ReportStatus.APPROVED,
        submitted_at=timezone.make_aware(datetime(2025, 5, 20)),
        created_by=dept_reporter,
    )
    late = TargetFactory(plan=plan, name="-危险名称", seq=target.seq + 1, all_townships=True)
    late.lead_units.add(dept)
    IndicatorFactory(target=late, name="\t制表符开头", target_value=Decimal(10))
    return indicator


@pytest.fixture
def eager():
    """Run the task in-process even when a broker is configured (the CI's PostgreSQL + Redis pass)."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def export(plan, user, as_of=AS_OF):
    out = io.BytesIO()
    write_table(
        out, title=plan.title + "台账", columns=LEDGER_COLUMNS, rows=ledger_rows(plan=plan, user=user, as_of=as_of)
    )
    return out.getvalue()


def test_the_ledger_has_the_official_layout(plan, supervisor, reported):
    sheet = openpyxl.load_workbook(io.BytesIO(export(plan, supervisor))).active
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert "A1:M1" in merged and sheet["A1"].value == plan.title + "台账"
    assert {"A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:E3", "F2:G2", "H2:K2", "L2:L3", "M2:M3"} <= merged
    assert (sheet["D2"].value, sheet["E2"].value) == ("指标", "计量单位")
    assert [c.value for c in sheet[3]][5:11] == ["牵头单位", "责任单位", "目标值", "完成值", "完成率", "状态"]
    assert sheet["F2"].value == "责任单位" and sheet["H2"].value == "目标完成情况"
    assert sheet.freeze_panes == "C4"
    assert sheet.print_title_rows == "$1:$3"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.sheet_properties.pageSetUpPr.fitToPage


def test_ledger_values_and_light_colours_follow_the_status_rule(plan, supervisor, reported, dept):
    sheet = openpyxl.load_workbook(io.BytesIO(export(plan, supervisor))).active
    first = [c.value for c in sheet[4]]
    assert first[0] == reported.target.seq and first[1] == "农村改厕"
    assert (first[3], first[4]) == (reported.name, reported.unit)
    assert (first[5], first[6]) == ("区农业农村局", "大门镇")
    assert (first[7], first[8], first[9]) == (1200, 600, 0.5)
    assert sheet["H4"].number_format == "#,##0" and sheet["J4"].number_format == "0.0%"
    statuses = indicator_rows(Indicator.objects.filter(target__plan=plan).order_by("target__seq"), AS_OF)
    for row_number, row in zip((4, 5), sorted(statuses.values(), key=lambda r: r.indicator.target.seq)):
        assert sheet[f"K{row_number}"].fill.fgColor.rgb == "00" + LIGHT_FILLS[row.status.status]
    assert sheet["G5"].value == "各街道乡镇"


def test_text_that_looks_like_a_formula_stays_text(plan, supervisor, reported):
    data = export(plan, supervisor)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet["L4"].value == EVIL and sheet["L4"].data_type == "s" and sheet["L4"].quotePrefix
    assert sheet["M4"].value == "+1-2" and sheet["M4"].data_type == "s"
    assert sheet["C4"].value.startswith("@SUM") and sheet["B5"].value == "-危险名称"
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml and b"<f " not in xml


def test_the_ledger_prints_plan_and_report_texts_in_chinese_punctuation(plan, target, supervisor, reported):
    """A plan's text as typed (督促各镇(街道)…,加快) reads as the documents print it; a link stays as typed."""
    target.content = "督促各镇(街道)组织排查,加快推进;详见https://x.gov.cn/a?id=1,2"
    target.save()
    sheet = openpyxl.load_workbook(io.BytesIO(export(plan, supervisor))).active
    assert sheet["C4"].value == "督促各镇（街道）组织排查，加快推进；详见https://x.gov.cn/a?id=1,2"


def test_a_reporter_exports_only_the_targets_of_their_unit(plan, reported, stranger):
    assert ledger_rows(plan=plan, user=stranger, as_of=AS_OF) == []


def test_an_export_job_runs_reports_progress_and_downloads_once_checked(
    client, plan, supervisor, reported, stranger, settings, tmp_path, eager, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("excel-export-new"), {"plan": plan.pk, "kind": "ledger", "as_of": AS_OF.isoformat()}
        )
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("excel-export-job", args=[job.pk])
    status = client.get(reverse("excel-export-status", args=[job.pk])).json()
    assert (status["status"], status["percent"], status["rows_total"]) == ("done", 100, 2)
    download = client.get(status["download"])
    assert download.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    sheet = workbook.active
    assert sheet["B4"].value == "农村改厕"
    # Its properties name the office, as the reports' do, not the library (openpyxl's default).
    assert workbook.properties.creator == document_frame_for(plan.region).signature != ""
    assert workbook.properties.title == sheet["A1"].value
    assert AuditEvent.objects.filter(action="export.download", object_id=str(job.pk)).exists()
    client.force_login(stranger)
    assert client.get(status["download"]).status_code == 404


def test_the_period_export_lists_that_periods_reports(
    client, plan, supervisor, reported, settings, tmp_path, eager, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("excel-export-new"), {"plan": plan.pk, "kind": "period_reports", "period": "2025-05"})
    job = ExportJob.objects.get()
    assert job.status == "done", job.error
    sheet = openpyxl.load_workbook(job.file.path).active
    row = [c.value for c in sheet[4]]
    assert row[2:6] == ["改建卫生厕所", "区农业农村局", "2025年5月", 600]
    assert sheet["I4"].value == EVIL and sheet["I4"].data_type == "s"


def test_a_bad_period_is_refused_before_any_job_is_made(client, plan, supervisor):
    client.force_login(supervisor)
    response = client.post(reverse("excel-export-new"), {"plan": plan.pk, "kind": "period_reports", "period": "May"})
    assert response.status_code == 400 and not ExportJob.objects.exists()


def test_a_plan_outside_the_users_view_cannot_be_exported(client, plan, stranger):
    client.force_login(stranger)
    assert client.get(reverse("excel-export-new") + f"?plan={plan.pk}").status_code == 404


def test_every_row_keeps_its_own_light_and_rate_when_many_rows_stream():
    from reports.excel.ledger import LedgerRow

    lights = ["green", "amber", "red", "done", "not_started", "red"]
    rows = [
        LedgerRow(
            seq=i + 1,
            task=f"任务{i}",
            content="",
            indicator=f"指标{i}",
            measure="个",
            lead_units="",
            co_units="",
            target=Decimal(10),
            actual=Decimal(i),
            completion=Decimal(i) / 10 if i != 2 else None,
            light=light,
            progress="",
            problems="",
        )
        for i, light in enumerate(lights)
    ]
    out = io.BytesIO()
    assert write_table(out, title="台账", columns=LEDGER_COLUMNS, rows=rows) == 6
    sheet = openpyxl.load_workbook(out).active
    assert [sheet[f"K{r}"].fill.fgColor.rgb[2:] for r in range(4, 10)] == [LIGHT_FILLS[x] for x in lights]
    assert [sheet[f"J{r}"].value for r in range(4, 10)] == [0, 0.1, None, 0.3, 0.4, 0.5]
    assert [sheet[f"I{r}"].value for r in range(4, 10)] == [0, 1, 2, 3, 4, 5]
    assert sheet["K6"].value == "红灯" and sheet["K4"].value == "绿灯"


def test_a_title_that_looks_like_a_formula_stays_text():
    out = io.BytesIO()
    write_table(out, title="=1+1 台账", columns=LEDGER_COLUMNS, rows=[])
    cell = openpyxl.load_workbook(out).active["A1"]
    assert (cell.value, cell.data_type) == ("=1+1 台账", "s")


def test_a_failing_export_is_recorded_on_the_job(plan, supervisor, reported, monkeypatch, settings, tmp_path):
    from reports.excel import jobs

    settings.MEDIA_ROOT = tmp_path
    job = ExportJob.objects.create(kind="ledger", plan=plan, params={"as_of": "2025-06-30"}, created_by=supervisor)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(jobs, "write_table", broken)
    job = jobs.export_job_run(job.pk)
    assert (job.status, job.error) == ("failed", "OSError: disk full")
    assert jobs.export_job_run(job.pk).status == "failed"  # a redelivered message does not run it again


def test_a_tasks_indicators_share_one_merged_number_and_amounts_keep_two_decimals(plan, supervisor, reported):
    IndicatorFactory(target=reported.target, name="改厕资金", unit="万元", target_value=Decimal("600000"), order=9)
    sheet = openpyxl.load_workbook(io.BytesIO(export(plan, supervisor))).active
    names = [sheet[f"D{r}"].value for r in range(4, 7)]
    money = 4 + names.index("改厕资金")
    assert {str(r) for r in sheet.merged_cells.ranges} >= {"A4:A5"}
    assert (sheet[f"E{money}"].value, sheet[f"H{money}"].value) == ("万元", 600000)
    assert sheet[f"H{money}"].number_format == "#,##0.00"
