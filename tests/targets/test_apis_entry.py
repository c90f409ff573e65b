"""The API around a progress report: evidence, comments, versions, late-entry grants; scoping answers 404."""

import hashlib
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AuditEvent
from targets import services
from targets.choices import ReportStatus
from targets.models import Evidence, LateEntryGrant

from ..conftest import api_as
from ..factories import ProgressReportFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture(autouse=True)
def setup(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    with time_machine.travel("2025-06-10 10:00 +0800"):
        yield


@pytest.fixture
def draft(indicator, dept, dept_reporter):
    return services.progress_report_create(
        indicator=indicator, unit=dept, period="2025-05", value=Decimal("400"), by=dept_reporter
    )


def test_a_reporter_uploads_evidence_and_downloads_it_with_its_checksum(draft, dept_reporter):
    client = api_as(dept_reporter)
    response = client.post(
        "/api/evidence/", {"report": draft.pk, "file": SimpleUploadedFile("现场.png", PNG)}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["sha256"] == hashlib.sha256(PNG).hexdigest() and body["content_type"] == "image/png"
    download = client.get(f"/api/evidence/{body['id']}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert AuditEvent.objects.get(action="evidence.download").new["evidence"] == body["id"]
    assert client.get(f"/api/evidence/?report={draft.pk}").json()["count"] == 1


def test_a_disguised_file_is_refused_with_a_field_error(draft, dept_reporter):
    response = api_as(dept_reporter).post(
        "/api/evidence/", {"report": draft.pk, "file": SimpleUploadedFile("photo.jpg", b"%PDF-1.4")}, format="multipart"
    )
    assert response.status_code == 400 and "evidence" in response.json()["fields"]
    assert not Evidence.objects.exists()


def test_another_units_reporter_gets_404_for_evidence_comments_and_versions(draft, dept_reporter, stranger):
    evidence = services.evidence_add(report=draft, by=dept_reporter, upload=SimpleUploadedFile("a.png", PNG))
    client = api_as(stranger)
    assert client.get(f"/api/evidence/{evidence.pk}/").status_code == 404
    assert client.get(f"/api/evidence/{evidence.pk}/download/").status_code == 404
    assert client.get("/api/evidence/").json()["count"] == 0
    assert client.get("/api/report-versions/").json()["count"] == 0
    # Another unit's report in a body is an object that does not exist (400), as a missing id is.
    response = client.post(
        "/api/evidence/", {"report": draft.pk, "file": SimpleUploadedFile("b.png", PNG)}, format="multipart"
    )
    assert response.status_code == 400 and "report" in response.json()["fields"]
    assert client.post("/api/report-comments/", {"report": draft.pk, "text": "x"}, format="json").status_code == 400
    assert Evidence.objects.count() == 1 and not draft.comments.exists()


def test_comments_and_versions_through_the_api(draft, dept_reporter, supervisor):
    response = api_as(supervisor).post(
        "/api/report-comments/", {"report": draft.pk, "text": "请补充照片"}, format="json"
    )
    assert response.status_code == 201 and response.json()["author"] == "duchashi"
    comments = api_as(dept_reporter).get(f"/api/report-comments/?report={draft.pk}").json()["results"]
    assert [c["text"] for c in comments] == ["请补充照片"]
    versions = api_as(dept_reporter).get(f"/api/report-versions/?report={draft.pk}").json()["results"]
    assert [(v["version"], v["action"], v["by"]) for v in versions] == [(1, "create", "nongye")]


def test_the_office_grants_late_entry_and_a_reporter_cannot(indicator, dept, dept_reporter, supervisor):
    payload = {
        "plan": indicator.target.plan_id,
        "unit": dept.pk,
        "period": "2025-04",
        "until": "2025-06-30",
        "reason": "人员调整",
    }
    assert api_as(dept_reporter).post("/api/late-entry-grants/", payload, format="json").status_code == 403
    response = api_as(supervisor).post("/api/late-entry-grants/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["period_start"] == "2025-04-01"
    assert AuditEvent.objects.filter(action="late_entry.grant").count() == 1
    assert api_as(dept_reporter).get("/api/late-entry-grants/").json()["count"] == 1
    bad = api_as(supervisor).post("/api/late-entry-grants/", payload | {"period": "April"}, format="json")
    assert bad.status_code == 400 and "period" in bad.json()["fields"]
    assert LateEntryGrant.objects.count() == 1
    assert date(2025, 4, 1) == LateEntryGrant.objects.get().period_start


def test_an_api_client_explains_a_lower_value_and_confirms_an_unusual_one(indicator, dept, dept_reporter):
    """The 400 names the field to send; sending it lets the figure through, as the entry form does."""
    ProgressReportFactory(
        indicator=indicator,
        unit=dept,
        created_by=dept_reporter,
        period_start=date(2025, 4, 1),
        value=400,
        status=ReportStatus.APPROVED,
    )
    client = api_as(dept_reporter)
    lower = {"indicator": indicator.pk, "period": "2025-05", "value": "390"}
    refused = client.post("/api/progress-reports/", lower, format="json")
    assert refused.status_code == 400 and "explanation" in refused.json()["fields"]
    created = client.post("/api/progress-reports/", lower | {"explanation": "复核后剔除重复统计的10亩"}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["explanation"] == "复核后剔除重复统计的10亩" and "confirmed" not in created.json()
    report_url, version = f"/api/progress-reports/{created.json()['id']}/", created.json()["version"]
    unusual = {"value": str(indicator.target_value * 3)}
    refused = client.patch(report_url, unusual, format="json", HTTP_IF_MATCH=f'"{version}"')
    assert refused.status_code == 400 and "confirmed" in refused.json()["fields"]
    changed = client.patch(report_url, unusual | {"confirmed": True}, format="json", HTTP_IF_MATCH=f'"{version}"')
    assert changed.status_code == 200, changed.json()
    event = AuditEvent.objects.filter(action="report.update", object_id=str(created.json()["id"])).get()
    assert event.new["outlier_confirmed"] is True
