"""The reports API: ask (202), poll, download; scoped like the pages."""

from datetime import date

import pytest

from accounts.models import AuditEvent, Role
from reports import services
from reports.models import GeneratedReport, ReportKind

from ..conftest import api_as
from ..factories import RegionFactory, UserFactory


@pytest.mark.django_db
def test_the_office_asks_polls_and_downloads(supervisor, county, indicator, django_capture_on_commit_callbacks):
    client = api_as(supervisor)
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(
            "/api/reports/", {"region": county.pk, "kind": "monthly", "month": "2025-05"}, format="json"
        )
    assert response.status_code == 202 and len(queued) == 1
    body = response.json()
    assert (body["status"], body["version"], body["files"]) == ("pending", 1, {"docx": None, "xlsx": None})
    assert response["Location"] == f"/api/reports/{body['id']}/"
    services.report_generate(report_id=body["id"])
    polled = client.get(response["Location"]).json()
    assert polled["status"] == "done" and polled["period_end"] == "2025-05-31"
    download = client.get(polled["files"]["xlsx"])
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"
    assert AuditEvent.objects.filter(action="report.download", new={"format": "xlsx"}).exists()


@pytest.mark.django_db
def test_a_bad_request_names_the_field(supervisor, county, plan):
    response = api_as(supervisor).post(
        "/api/reports/",
        {"region": county.pk, "kind": "weekly", "month": "May"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"kind", "month"}
    assert not GeneratedReport.objects.exists()


@pytest.mark.django_db
def test_reporters_cannot_ask_and_other_regions_are_not_found(dept_reporter, supervisor, county, indicator):
    assert (
        api_as(dept_reporter)
        .post("/api/reports/", {"region": county.pk, "kind": "monthly", "month": "2025-05"}, format="json")
        .status_code
        == 403
    )
    report = services.report_request(region=county, kind=ReportKind.MONTHLY, month=date(2025, 5, 1), by=supervisor)
    assert api_as(dept_reporter).get("/api/reports/").json()["count"] == 0
    elsewhere = UserFactory(role=Role.SUPERVISOR, region=RegionFactory(code="610429000000", name="旬邑县"))
    assert api_as(elsewhere).get(f"/api/reports/{report.pk}/").status_code == 404
    refused = api_as(elsewhere).post(
        "/api/reports/", {"region": county.pk, "kind": "monthly", "month": "2025-05"}, format="json"
    )
    assert refused.status_code == 400 and "region" in refused.json()["fields"]
