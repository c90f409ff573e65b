"""Progress reports and indicators over the API: read-only fields, the review actions, lights in lists."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditEvent
from targets.choices import ReportStatus
from targets.models import ProgressReport

from ..conftest import api_as
from ..factories import IndicatorFactory, ProgressReportFactory, TargetFactory


@pytest.fixture
def report(indicator, dept, dept_reporter):
    return ProgressReportFactory(indicator=indicator, unit=dept, created_by=dept_reporter, value=Decimal("100"))


@pytest.fixture
def submitted(report, dept_reporter):
    ProgressReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.SUBMITTED, submitted_by=dept_reporter, submitted_at="2025-05-20T10:00:00+08:00", version=2
    )
    report.refresh_from_db()
    return report


@time_machine.travel("2025-06-10 10:00 +0800")
@pytest.mark.parametrize(
    "field, value",
    [("status", "approved"), ("version", 9), ("is_late", False), ("unit", "区教育局"), ("reviewed_by", "duchashi")],
)
def test_a_client_cannot_set_a_read_only_field_on_create(dept_reporter, indicator, field, value):
    response = api_as(dept_reporter).post(
        "/api/progress-reports/",
        {"indicator": indicator.pk, "period": "2025-05", "value": 1, field: value},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize(
    "field, value", [("status", "approved"), ("version", 5), ("unit_id", 999), ("review_comment", "ok")]
)
def test_a_client_cannot_change_a_read_only_field_on_update(dept_reporter, report, field, value):
    response = api_as(dept_reporter).patch(
        f"/api/progress-reports/{report.pk}/", {field: value}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 400
    assert field in response.json()["fields"]
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.version == 1


def test_a_report_cannot_move_to_another_indicator(dept_reporter, report, target):
    other = IndicatorFactory(target=target, name="另一个指标")
    response = api_as(dept_reporter).patch(
        f"/api/progress-reports/{report.pk}/", {"indicator": other.pk}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 400 and "indicator" in response.json()["fields"]


def test_the_supervision_office_cannot_edit_a_units_report(supervisor, report):
    response = api_as(supervisor).patch(
        f"/api/progress-reports/{report.pk}/", {"value": 1}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 403


def test_the_office_approves_a_submitted_report(supervisor, submitted):
    response = api_as(supervisor).post(
        f"/api/progress-reports/{submitted.pk}/approve/", {"comment": "好"}, format="json", HTTP_IF_MATCH='"2"'
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "approved" and body["reviewed_by"] == "duchashi" and body["review_comment"] == "好"
    assert response["ETag"] == '"3"'
    assert AuditEvent.objects.filter(action="report.approve", object_id=str(submitted.pk)).exists()


def test_returning_a_report_needs_a_reason(supervisor, submitted):
    client = api_as(supervisor)
    refused = client.post(f"/api/progress-reports/{submitted.pk}/return/", {}, format="json")
    assert refused.status_code == 400 and "comment" in refused.json()["fields"]
    returned = client.post(f"/api/progress-reports/{submitted.pk}/return/", {"comment": "数据口径不对"}, format="json")
    assert returned.status_code == 200 and returned.json()["status"] == "returned"


def test_a_reporter_cannot_approve(dept_reporter, submitted):
    response = api_as(dept_reporter).post(f"/api/progress-reports/{submitted.pk}/approve/", {}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.SUBMITTED


def test_approving_a_draft_is_refused_with_a_reason(supervisor, report):
    response = api_as(supervisor).post(
        f"/api/progress-reports/{report.pk}/approve/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "submitted" in response.json()["message"]


def test_the_office_reopens_an_approved_report_with_a_reason(supervisor, submitted, dept_reporter):
    client = api_as(supervisor)
    client.post(f"/api/progress-reports/{submitted.pk}/approve/", {}, format="json")
    assert client.post(f"/api/progress-reports/{submitted.pk}/reopen/", {}, format="json").status_code == 400
    reopened = client.post(f"/api/progress-reports/{submitted.pk}/reopen/", {"reason": "统计局数据更正"}, format="json")
    assert reopened.status_code == 200
    assert reopened.json()["status"] == "returned"
    assert (
        api_as(dept_reporter)
        .post(f"/api/progress-reports/{submitted.pk}/reopen/", {"reason": "x"}, format="json")
        .status_code
        == 403
    )


def test_a_stale_if_match_on_approve_is_412_and_nothing_changes(supervisor, submitted):
    response = api_as(supervisor).post(
        f"/api/progress-reports/{submitted.pk}/approve/", {}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 412
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.SUBMITTED


def _red_and_green(plan, dept, dept_reporter):
    """Two indicators on 20 June 2025: one far behind (red), one on pace (green)."""
    behind, on_pace = (IndicatorFactory(target=TargetFactory(plan=plan), name=name) for name in ("落后", "正常"))
    for indicator, value in ((behind, "10"), (on_pace, "600")):
        indicator.target.lead_units.add(dept)
        ProgressReportFactory(
            indicator=indicator,
            unit=dept,
            period_start=date(2025, 5, 1),
            value=Decimal(value),
            status=ReportStatus.SUBMITTED,
            submitted_by=dept_reporter,
            submitted_at="2025-05-20T10:00:00+08:00",
            created_by=dept_reporter,
        )
    return behind, on_pace


def test_indicators_list_carries_each_light_on_the_as_of_date(supervisor, plan, dept, dept_reporter):
    behind, on_pace = _red_and_green(plan, dept, dept_reporter)
    rows = api_as(supervisor).get("/api/indicators/?as_of=2025-06-20").json()["results"]
    lights = {row["id"]: row["status"]["status"] for row in rows}
    assert lights == {behind.pk: "red", on_pace.pk: "green"}
    assert all(row["status"]["reasons"] for row in rows)


def test_the_red_indicators_of_a_county(supervisor, plan, county, dept, dept_reporter):
    behind, _ = _red_and_green(plan, dept, dept_reporter)
    response = api_as(supervisor).get(f"/api/indicators/?region={county.code}&status=red&as_of=2025-06-20")
    assert [row["id"] for row in response.json()["results"]] == [behind.pk]
    assert api_as(supervisor).get("/api/indicators/?region=610429000000&status=red").json()["count"] == 0


def test_an_indicator_detail_has_its_light_on_the_as_of_date(supervisor, plan, dept, dept_reporter):
    behind, _ = _red_and_green(plan, dept, dept_reporter)
    client = api_as(supervisor)
    assert client.get(f"/api/indicators/{behind.pk}/?as_of=2025-06-20").json()["status"]["status"] == "red"
    assert client.get(f"/api/indicators/{behind.pk}/?as_of=2024-12-31").json()["status"]["status"] == "not_started"
    assert client.get(f"/api/indicators/{behind.pk}/?as_of=20-06").status_code == 400


def test_listing_lights_takes_the_same_number_of_queries_for_3_or_30_indicators(supervisor, plan, dept, dept_reporter):
    def queries_for_listing():
        with CaptureQueriesContext(connection) as captured:
            assert api_as(supervisor).get("/api/indicators/?as_of=2025-06-20").status_code == 200
        return len(captured)

    for _ in range(3):
        _red_and_green(plan, dept, dept_reporter)
    few = queries_for_listing()
    for _ in range(27):
        _red_and_green(plan, dept, dept_reporter)
    assert queries_for_listing() == few


def test_indicators_filter_by_responsible_unit(supervisor, indicator, other_unit, target, plan):
    shared = IndicatorFactory(target=TargetFactory(plan=plan), name="教育指标")
    shared.target.co_units.add(other_unit)
    client = api_as(supervisor)
    assert [r["id"] for r in client.get(f"/api/indicators/?unit={other_unit.pk}").json()["results"]] == [shared.pk]
    ordered = [r["id"] for r in client.get("/api/indicators/?ordering=-id").json()["results"]]
    assert ordered == sorted(ordered, reverse=True) == [shared.pk, indicator.pk]
