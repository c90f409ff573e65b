"""Reports made before the sign-off flow existed read 未走签发流程 (migration 0012), not 待签发, and nobody is asked
to sign them: on the list, the report's page and the API."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import translation

from accounts.models import Role
from reports import services
from reports.models import GeneratedReport, ReportKind, SignoffState

from ..conftest import api_as
from ..factories import UserFactory

BEFORE = [("reports", "0011_report_heartbeat")]
AFTER = [("reports", "0012_reports_before_signoff")]


@pytest.fixture
def leader(county):
    return UserFactory(username="lingdao", role=Role.LEADER, region=county)


@pytest.fixture
def old_report(county, indicator, supervisor):
    report = services.report_request(region=county, kind=ReportKind.MONTHLY, month=date(2025, 5, 1), by=supervisor)
    report = services.report_generate(report_id=report.pk)
    GeneratedReport.objects.filter(pk=report.pk).update(signoff=SignoffState.PREDATES)
    report.refresh_from_db()
    return report


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_marks_the_reports_asked_for_before_signoff_existed_and_no_others(county, supervisor):
    apps = _migrate(BEFORE)
    Report = apps.get_model("reports", "GeneratedReport")
    signoff_applied = MigrationRecorder.Migration.objects.get(app="reports", name="0010_report_signoff").applied
    made = {}
    for n, (name, signoff, age) in enumerate(
        (("old", "awaiting", 2), ("old_signed", "signed", 2), ("new", "awaiting", -2), ("new_returned", "returned", -2))
    ):
        row = Report.objects.create(
            region_id=county.pk, kind="monthly", period_start=date(2025, 5, 1), period_end=date(2025, 5, 31),
            version=n + 1, status="done", signoff=signoff,
        )  # fmt: skip
        Report.objects.filter(pk=row.pk).update(created_at=signoff_applied - timedelta(days=age))
        made[name] = row.pk
    _migrate(AFTER)
    states = dict(GeneratedReport.objects.values_list("pk", "signoff"))
    assert {name: states[pk] for name, pk in made.items()} == {
        "old": "predates",
        "old_signed": "signed",
        "new": "awaiting",
        "new_returned": "returned",
    }
    _migrate(BEFORE)
    assert GeneratedReport.objects.filter(signoff="predates").count() == 0
    _migrate(AFTER)


@pytest.mark.django_db
def test_a_report_before_signoff_reads_so_everywhere_and_is_not_offered_for_signing(client, old_report, leader):
    client.force_login(leader)
    page = client.get(f"/reports/bulletins/{old_report.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-signoff="predates"' in page and "未走签发流程" in page and 'id="signoff-form"' not in page
    listing = client.get("/reports/bulletins/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<span data-signoff="predates">未走签发流程</span>' in listing and "待签发" not in listing
    assert api_as(leader).get(f"/api/reports/{old_report.pk}/").json()["signoff"] == "predates"
    assert api_as(leader).post(f"/api/reports/{old_report.pk}/sign/", {}, format="json").status_code == 400
    with translation.override("zh-hans"), pytest.raises(ValidationError, match="签发流程"):
        services.report_sign(report=old_report, by=leader)
    old_report.refresh_from_db()
    assert old_report.signoff == SignoffState.PREDATES and old_report.signed_by is None
