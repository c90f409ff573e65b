from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from core.versions import ConflictError
from targets import services
from targets.choices import ReportStatus


@pytest.fixture
def draft(indicator, dept, dept_reporter):
    # The whole test stays on this day: later the May period locks (Plan.lock_after_days).
    with time_machine.travel("2025-06-10 10:00 +0800"):
        yield services.progress_report_create(
            indicator=indicator, unit=dept, period="2025-05", value=Decimal("400"), by=dept_reporter
        )


def test_a_stale_version_is_refused_with_what_changed(draft, dept_reporter):
    services.progress_report_update(report=draft, by=dept_reporter, expected_version=1, value=Decimal("420"))
    with pytest.raises(ConflictError) as conflict:
        services.progress_report_update(report=draft, by=dept_reporter, expected_version=1, value=Decimal("999"))
    assert conflict.value.changes["value"] == "420.0000"
    draft.refresh_from_db()
    assert draft.value == Decimal("420")


def test_a_second_report_of_the_same_period_created_at_the_same_moment_gets_the_same_refusal(
    draft, indicator, dept, dept_reporter, monkeypatch
):
    """Two people of one unit creating May's report at once: the second passed the check before the first
    committed, so the database's unique constraint refuses it; the answer is the sentence, not a 500."""
    with time_machine.travel("2025-06-10 10:05 +0800"):
        later = services.progress_report_create  # the refusal of a moment later, for comparison
        with pytest.raises(ValidationError) as moment_later:
            later(indicator=indicator, unit=dept, period="2025-05", value=Decimal("410"), by=dept_reporter)
        monkeypatch.setattr("targets.services.reports._report_exists", lambda *args: False)
        with pytest.raises(ValidationError) as same_moment:
            services.progress_report_create(
                indicator=indicator, unit=dept, period="2025-05", value=Decimal("410"), by=dept_reporter
            )
    assert same_moment.value.message_dict == moment_later.value.message_dict
    assert "已有" in same_moment.value.message_dict["period"][0]
    assert AuditEvent.objects.filter(action="report.create").count() == 1


def test_nobody_reviews_their_own_submission(draft, dept_reporter):
    services.progress_report_submit(report=draft, by=dept_reporter)
    with pytest.raises(PermissionDenied):
        services.progress_report_review(report=draft, by=dept_reporter, approve=True)


def test_returning_needs_a_reason_and_reopening_needs_one_too(draft, dept_reporter, supervisor):
    services.progress_report_submit(report=draft, by=dept_reporter)
    with pytest.raises(ValidationError):
        services.progress_report_review(report=draft, by=supervisor, approve=False, comment="  ")
    approved = services.progress_report_review(report=draft, by=supervisor, approve=True)
    assert approved.status == ReportStatus.APPROVED
    with pytest.raises(ValidationError):
        services.progress_report_reopen(report=approved, by=supervisor, reason="")
    reopened = services.progress_report_reopen(report=approved, by=supervisor, reason="数据口径有误")
    assert reopened.status == ReportStatus.RETURNED


def test_every_step_is_audited_with_old_and_new_values(draft, dept_reporter, supervisor):
    services.progress_report_submit(report=draft, by=dept_reporter)
    services.progress_report_review(report=draft, by=supervisor, approve=True)
    actions = list(AuditEvent.objects.filter(object_id=str(draft.pk)).order_by("id").values_list("action", flat=True))
    assert actions == ["report.create", "report.submit", "report.approve"]
    approve = AuditEvent.objects.get(action="report.approve")
    assert approve.old["status"] == "submitted" and approve.new["status"] == "approved"
    assert approve.username == "duchashi"


def test_the_office_cannot_enter_or_submit_a_units_report(indicator, dept, supervisor, draft):
    with pytest.raises(PermissionDenied):
        services.progress_report_create(
            indicator=indicator, unit=dept, period="2025-04", value=Decimal("300"), by=supervisor
        )
    with pytest.raises(PermissionDenied):
        services.progress_report_submit(report=draft, by=supervisor)
    draft.refresh_from_db()
    assert draft.status == ReportStatus.DRAFT


def test_a_reporter_of_another_unit_cannot_change_submit_or_add_evidence_to_the_report(draft, stranger):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(PermissionDenied):
        services.progress_report_update(report=draft, by=stranger, expected_version=1, value=Decimal("1"))
    with pytest.raises(PermissionDenied):
        services.progress_report_submit(report=draft, by=stranger)
    with pytest.raises(PermissionDenied):
        services.evidence_add(report=draft, by=stranger, upload=SimpleUploadedFile("a.txt", b"x"))
    draft.refresh_from_db()
    assert (draft.value, draft.status, draft.version) == (Decimal("400"), ReportStatus.DRAFT, 1)


def test_a_reporter_cannot_approve_and_an_office_of_another_county_cannot_review(draft, dept_reporter):
    from accounts.models import Role
    from regions.models import Region, RegionLevel

    from ..factories import UserFactory

    services.progress_report_submit(report=draft, by=dept_reporter)
    elsewhere = Region.objects.create(code="610429000000", name="旬邑县", level=RegionLevel.COUNTY)
    for user in (
        UserFactory(username="u2", role=Role.REPORTER, unit=draft.unit),
        UserFactory(username="xunyi-office", role=Role.SUPERVISOR, region=elsewhere),
    ):
        with pytest.raises(PermissionDenied):
            services.progress_report_review(report=draft, by=user, approve=True)
    draft.refresh_from_db()
    assert draft.status == ReportStatus.SUBMITTED


def test_a_leader_cannot_comment_on_a_units_report(draft, county):
    from accounts.models import Role

    from ..factories import UserFactory

    with pytest.raises(PermissionDenied):
        services.report_comment_add(
            report=draft, by=UserFactory(username="ld", role=Role.LEADER, region=county), text="抓紧"
        )


def test_notices_name_the_period_in_words(draft, dept_reporter, supervisor):
    from django.utils import translation

    from accounts.models import Notification

    with translation.override("zh-hans"):
        services.progress_report_submit(report=draft, by=dept_reporter)
        office_note = Notification.objects.filter(user=supervisor).latest("pk").message
        services.progress_report_review(report=draft, by=supervisor, approve=False, comment="数据有误")
    assert "2025年5月" in office_note and "2025-05" not in office_note, office_note
    message = Notification.objects.filter(user=dept_reporter).latest("pk").message
    assert "2025年5月" in message and "2025-05" not in message, message


def test_the_comment_service_refuses_another_units_reporter_and_an_office_elsewhere(draft, stranger):
    from accounts.models import Role
    from regions.models import Region, RegionLevel
    from targets.models import ReportComment

    from ..factories import UserFactory

    elsewhere = Region.objects.create(code="610429000000", name="旬邑县", level=RegionLevel.COUNTY)
    outsider = UserFactory(username="xunyi-office", role=Role.SUPERVISOR, region=elsewhere)
    for user in (stranger, outsider):
        with pytest.raises(PermissionDenied):
            services.report_comment_add(report=draft, by=user, text="这不是你的报告")
    assert not ReportComment.objects.exists()
    assert not AuditEvent.objects.filter(action="report.comment").exists()


def test_the_evidence_service_opens_a_file_only_for_someone_who_sees_the_report(
    draft, dept_reporter, supervisor, stranger, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    evidence = services.evidence_add(report=draft, by=dept_reporter, upload=SimpleUploadedFile("a.png", png))
    with pytest.raises(PermissionDenied):
        services.evidence_open(evidence=evidence, by=stranger)
    assert not AuditEvent.objects.filter(action="evidence.download").exists()
    with services.evidence_open(evidence=evidence, by=supervisor) as handle:
        assert handle.read() == png
    assert AuditEvent.objects.filter(action="evidence.download", username=supervisor.username).count() == 1
