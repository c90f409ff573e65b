"""The offline progress round trip with real workbooks: download, fill in, upload, errors marked."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from accounts.models import AuditEvent
from targets.choices import ReportStatus
from targets.models import ProgressReport

from ..factories import IndicatorFactory, ProgressReportFactory, TargetFactory
from .tables import upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def june():
    with time_machine.travel(date(2025, 6, 10), tick=False):
        yield


@pytest.fixture
def owed(plan, target, indicator, dept, dept_reporter, other_unit):
    ProgressReportFactory(
        indicator=indicator,
        unit=dept,
        period_start=date(2025, 4, 1),
        value=Decimal(300),
        status=ReportStatus.APPROVED,
        created_by=dept_reporter,
    )
    second = IndicatorFactory(target=target, name="改造户厕", unit="户", target_value=Decimal(50), order=1)
    elsewhere = TargetFactory(plan=plan, name="学校建设", seq=target.seq + 1)
    elsewhere.lead_units.add(other_unit)
    IndicatorFactory(target=elsewhere, name="新建学校", unit="所")
    return [indicator, second]


def download(client, user, period="2025-05"):
    client.force_login(user)
    response = client.get(reverse("excel-progress-template"), {"period": period})
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def send(client, workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return client.post(reverse("excel-progress"), {"file": upload(buffer.getvalue(), "填报.xlsx")})


def test_the_workbook_lists_the_units_indicators_with_last_values_and_due_dates(client, dept, dept_reporter, owed):
    workbook = download(client, dept_reporter)
    sheet = workbook["填报"]
    # Its properties name the unit and the sheet's title, not the library ("openpyxl").
    properties = workbook.properties
    assert (properties.creator, properties.title, properties.language) == (
        dept.name,
        f"{dept.name} 2025-05 目标任务进度填报表",
        "zh-CN",
    )
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert [r[0] for r in rows] == [owed[0].pk, owed[1].pk]
    assert rows[0][3:8] == ["改建卫生厕所", "座", 1200, 300, rows[0][7]]
    assert rows[0][7].date() == date(2025, 5, 25)
    assert rows[1][6] is None
    assert sheet.protection.sheet
    assert sheet["I4"].protection.locked is False and sheet["L5"].protection.locked is False
    assert sheet["A4"].protection.locked and sheet["F4"].protection.locked
    # Both are counts (座, 户): Excel takes whole numbers only, as the upload does.
    [validation] = sheet.data_validations.dataValidation
    assert validation.type == "whole" and str(validation.sqref) == "I4 I5"
    event = AuditEvent.objects.get(action="progress.template")
    assert event.username == dept_reporter.username and event.new == {"period": "2025-05"}


def test_names_that_start_with_a_formula_sign_come_out_as_text(client, dept, dept_reporter, owed):
    dept.name = "=1+2"
    dept.save()
    owed[0].name = '=HYPERLINK("http://x/")'
    owed[0].save()
    sheet = download(client, dept_reporter)["填报"]
    title, name = sheet["A1"], sheet["D4"]
    assert title.value.startswith("=1+2 2025-05") and title.data_type == "s"
    assert name.value == '=HYPERLINK("http://x/")' and name.data_type == "s" and name.quotePrefix


def test_an_upload_saves_drafts_through_the_services_and_again_changes_nothing(client, dept_reporter, owed):
    workbook = download(client, dept_reporter)
    sheet = workbook["填报"]
    sheet["I4"], sheet["J4"], sheet["K4"] = 600, "=完成一半", "资金未到位"
    sheet["J4"].data_type = "s"  # typed as text, as Excel stores it after a leading quote mark
    response = send(client, workbook)
    assert response.status_code == 200 and b'data-created="1"' in response.content
    report = ProgressReport.objects.get(indicator=owed[0], period_start=date(2025, 5, 1))
    assert (report.value, report.narrative, report.status) == (600, "=完成一半", ReportStatus.DRAFT)
    assert AuditEvent.objects.filter(action="report.create", object_id=str(report.pk)).exists()

    again = send(client, workbook)
    assert b'data-unchanged="1"' in again.content and b'data-updated="0"' in again.content
    report.refresh_from_db()
    assert report.version == 1 and ProgressReport.objects.count() == 2

    sheet["I4"] = 650
    assert b'data-updated="1"' in send(client, workbook).content
    report.refresh_from_db()
    assert (report.value, report.version) == (650, 2)
    assert download(client, dept_reporter)["填报"]["I4"].value == 650


def test_every_error_is_named_by_row_and_column_and_nothing_is_written(client, dept_reporter, owed):
    workbook = download(client, dept_reporter)
    sheet = workbook["填报"]
    sheet["I4"] = "六百"
    sheet["I5"], sheet["A5"] = 10, 999999
    sheet["J6"] = "写了进展却没有数"
    sheet["A6"] = owed[1].pk
    response = send(client, workbook)
    assert response.status_code == 400
    cells = {c: f'data-error-cell="{c}"'.encode() in response.content for c in ("I4", "A5", "I6")}
    assert cells == {"I4": True, "A5": True, "I6": True}
    assert not ProgressReport.objects.filter(period_start=date(2025, 5, 1)).exists()
    marked_url = reverse("excel-progress-marked", args=[response.context["marked_token"]])
    marked = openpyxl.load_workbook(io.BytesIO(client.get(marked_url).content))["填报"]
    assert marked["I4"].fill.fgColor.rgb == "00FF9999" and "六百" in marked["I4"].comment.text
    assert marked["A5"].comment is not None and marked["B4"].comment is None


def test_one_bad_row_keeps_the_good_rows_out_too(client, dept_reporter, owed):
    workbook = download(client, dept_reporter)
    sheet = workbook["填报"]
    sheet["I4"], sheet["I5"] = 600, -3
    assert send(client, workbook).status_code == 400
    assert not ProgressReport.objects.filter(period_start=date(2025, 5, 1)).exists()


def test_a_submitted_report_is_not_overwritten_from_a_workbook(client, dept_reporter, owed, dept):
    ProgressReportFactory(
        indicator=owed[0],
        unit=dept,
        period_start=date(2025, 5, 1),
        value=Decimal(500),
        status=ReportStatus.SUBMITTED,
        created_by=dept_reporter,
    )
    workbook = download(client, dept_reporter)
    workbook["填报"]["I4"] = 700
    response = send(client, workbook)
    assert response.status_code == 400 and b'data-error-cell="I4"' in response.content
    assert ProgressReport.objects.get(indicator=owed[0], period_start=date(2025, 5, 1)).value == 500


def test_another_units_workbook_is_refused(client, dept_reporter, stranger, owed):
    workbook = download(client, dept_reporter)
    client.force_login(stranger)
    response = send(client, workbook)
    assert response.status_code == 400 and b'data-error="upload"' in response.content


def test_a_workbook_not_from_the_platform_gets_a_plain_message(client, dept_reporter, owed):
    client.force_login(dept_reporter)
    response = send(client, openpyxl.Workbook())
    assert response.status_code == 400 and b'data-error="upload"' in response.content
