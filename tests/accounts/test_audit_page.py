"""The auditor reads and exports the audit log; nobody else sees it."""

from datetime import timedelta
from io import BytesIO

import pytest
import time_machine
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import AuditEvent, Role
from accounts.services import audit_record

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(county):
    return UserFactory(username="shenji", role=Role.AUDITOR, region=county)


@pytest.fixture
def events(supervisor, dept_reporter):
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=10), tick=False):
        audit_record(
            action="report.submit",
            by=dept_reporter,
            object_type="targets.ProgressReport",
            object_id="7",
            object_repr="农村改厕 2025-05",
            new={"status": "submitted"},
        )
    audit_record(
        action="report.approve",
        by=supervisor,
        object_type="targets.ProgressReport",
        object_id="7",
        object_repr="农村改厕 2025-05",
        old={"status": "submitted"},
        new={"status": "approved"},
    )
    audit_record(
        action="auth.login_failed", outcome="failure", username='=HYPERLINK("http://x")', object_type="accounts.User"
    )
    return now


def shown_ids(response):
    import re

    return {int(x) for x in re.findall(rb'data-event="(\d+)"', response.content)}


def test_auditor_filters_by_user_action_object_date_and_outcome(client, auditor, events):
    client.force_login(auditor)
    everything = shown_ids(client.get("/accounts/audit/"))
    assert everything == set(AuditEvent.objects.values_list("id", flat=True)) and len(everything) == 4  # + log-in
    by_user = AuditEvent.objects.filter(username="nongye").values_list("id", flat=True)
    assert shown_ids(client.get("/accounts/audit/", {"user": "nongye"})) == set(by_user)
    approve = AuditEvent.objects.get(action="report.approve").id
    assert shown_ids(client.get("/accounts/audit/", {"action": "report.approve"})) == {approve}
    assert len(shown_ids(client.get("/accounts/audit/", {"object": "农村改厕"}))) == 2
    assert shown_ids(client.get("/accounts/audit/", {"outcome": "failure"})) == set(
        AuditEvent.objects.filter(outcome="failure").values_list("id", flat=True)
    )
    today = timezone.localdate().isoformat()
    recent = shown_ids(client.get("/accounts/audit/", {"date_from": today, "date_to": today}))
    assert AuditEvent.objects.get(action="report.submit").id not in recent and approve in recent
    bad = client.get("/accounts/audit/", {"date_from": "2025-13-45"})
    assert bad.status_code == 200 and b'data-filter-error="date_from"' in bad.content


def test_export_is_a_real_workbook_with_formula_text_kept_as_text(client, auditor, events):
    client.force_login(auditor)
    response = client.get("/accounts/audit/export.xlsx", {"action": "auth.login_failed"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2))
    users = [row[1] for row in rows]
    assert len(rows) == 1
    assert users[0].value == '=HYPERLINK("http://x")' and users[0].data_type == "s"
    # Its properties name the auditor's region and the sheet, as every core.xlsx workbook does, not "openpyxl".
    properties = load_workbook(BytesIO(response.content)).properties
    assert (properties.creator, properties.title, properties.language) == ("洞头区", "审计日志", "zh-CN")
    exported = AuditEvent.objects.get(action="audit.exported")
    assert exported.username == "shenji" and exported.new["rows"] == 1


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SUPERVISOR, Role.LEADER, Role.REPORTER])
def test_only_the_auditor_reads_the_audit_log(client, county, dept, role, events):
    extra = {"unit": dept} if role == Role.REPORTER else {"region": county}
    if role == Role.ADMIN:
        extra.update(is_staff=True, is_superuser=True)
    client.force_login(UserFactory(role=role, **extra))
    assert client.get("/accounts/audit/").status_code == 403
    assert client.get("/accounts/audit/export.xlsx").status_code == 403


def test_auditor_cannot_post_to_the_audit_pages(client, auditor, events):
    client.force_login(auditor)
    assert client.post("/accounts/audit/").status_code == 403
    assert client.delete("/accounts/audit/export.xlsx").status_code == 403
