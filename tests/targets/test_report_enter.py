"""targets.services.report_enter, the one entry of a period that the entry form and the progress workbook call."""

from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AuditEvent
from core.versions import ConflictError
from targets import services
from targets.choices import ReportStatus
from targets.models import Evidence, ProgressReport

from ..factories import UserFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.EVIDENCE_ROOT


@pytest.fixture(autouse=True)
def june10():
    with time_machine.travel("2025-06-10 10:00 +0800"):
        yield


def enter(indicator, unit, by, value="400", version=None, **extra):
    return services.report_enter(
        by=by, indicator=indicator, unit=unit, period="2025-05", version=version, value=Decimal(value), **extra
    )


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_reporter_of_another_unit_is_refused_and_nothing_is_written(indicator, dept, stranger):
    with pytest.raises(PermissionDenied):
        enter(indicator, dept, stranger, evidence=[SimpleUploadedFile("a.png", PNG)], submit=True)
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_refused_evidence_file_leaves_no_report_no_stored_file_and_no_audit_event(
    indicator, dept, dept_reporter, evidence_root
):
    uploads = [SimpleUploadedFile("a.png", PNG), SimpleUploadedFile("photo.jpg", b"MZ not a photo")]
    with pytest.raises(ValidationError) as refused:
        enter(indicator, dept, dept_reporter, evidence=uploads, submit=True)
    assert "evidence" in refused.value.message_dict
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()
    # The first file had been written to the file store before the second was refused.
    assert stored_files(evidence_root) == []
    assert not AuditEvent.objects.exists()


def test_entering_with_a_file_and_submitting_leaves_one_audit_event_per_step(indicator, dept, dept_reporter):
    report = enter(indicator, dept, dept_reporter, evidence=[SimpleUploadedFile("a.png", PNG)], submit=True)
    assert report.status == ReportStatus.SUBMITTED and report.evidence.count() == 1
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["report.create", "evidence.add", "report.submit"]


def test_a_draft_is_changed_from_the_version_read_and_a_stale_version_is_refused(indicator, dept, dept_reporter):
    draft = enter(indicator, dept, dept_reporter)
    changed = enter(indicator, dept, dept_reporter, value="420", version=draft.version, narrative="核实后")
    assert changed.pk == draft.pk and changed.value == Decimal("420") and changed.narrative == "核实后"
    with pytest.raises(ConflictError):
        enter(indicator, dept, dept_reporter, value="999", version=draft.version)
    assert ProgressReport.objects.get().value == Decimal("420")


def test_a_client_that_saw_no_report_is_shown_the_one_a_colleague_saved(indicator, dept, dept_reporter):
    colleague = UserFactory(username="nongye2", role="reporter", unit=dept)
    theirs = enter(indicator, dept, colleague, value="410")
    with pytest.raises(ConflictError) as caught:
        enter(indicator, dept, dept_reporter, value="333")
    assert caught.value.current == theirs and caught.value.changes["value"] == "410.0000"
    assert "已有" in str(caught.value)
    assert ProgressReport.objects.get().value == Decimal("410")


def test_a_colleague_creating_the_report_between_the_read_and_the_insert_is_a_conflict_too(
    indicator, dept, dept_reporter, monkeypatch
):
    colleague = UserFactory(username="nongye2", role="reporter", unit=dept)
    create = services.progress_report_create

    def colleague_first(**fields):
        create(**fields | {"by": colleague, "value": Decimal("410")})
        return create(**fields)

    monkeypatch.setattr("targets.services.entry.progress_report_create", colleague_first)
    with pytest.raises(ConflictError) as caught:
        enter(indicator, dept, dept_reporter, value="333", submit=True)
    assert caught.value.current.value == Decimal("410") and caught.value.current.created_by == colleague


def test_a_version_of_a_report_that_is_not_there_is_not_found(indicator, dept, dept_reporter):
    with pytest.raises(ProgressReport.DoesNotExist):
        enter(indicator, dept, dept_reporter, version=3)


def test_submitting_straight_after_saving_the_draft_records_no_edit(indicator, dept, dept_reporter):
    """报送 right after 保存草稿: the form sends the same fields again, as it stands (400 as typed, the
    stored 400.0000); the history gets no empty "版本 2 · 已修改", the audit log no edit."""
    from targets.models import ReportVersion
    from targets.selectors.entry import report_history

    fields = {"narrative": "完成400座", "problems": "", "next_steps": "", "explanation": ""}
    draft = enter(indicator, dept, dept_reporter, **fields)
    report = enter(indicator, dept, dept_reporter, version=draft.version, submit=True, **fields)
    assert report.status == ReportStatus.SUBMITTED and report.version == draft.version + 1
    versions = list(ReportVersion.objects.filter(report=report).order_by("version").values_list("version", "action"))
    assert versions == [(1, "create"), (2, "submit")]
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "report.create",
        "report.submit",
    ]
    assert [(h.version, h.action) for h in report_history(report) if h.kind == "version"] == versions


def test_a_changed_field_is_still_an_edit_before_the_submission(indicator, dept, dept_reporter):
    from targets.models import ReportVersion

    draft = enter(indicator, dept, dept_reporter, narrative="完成400座")
    enter(indicator, dept, dept_reporter, version=draft.version, submit=True, narrative="完成400座，已验收")
    actions = list(ReportVersion.objects.order_by("version").values_list("action", flat=True))
    assert actions == ["create", "update", "submit"]


def test_the_history_leaves_out_an_edit_already_recorded_that_changed_nothing(indicator, dept, dept_reporter):
    from targets.models import ReportVersion
    from targets.selectors.entry import report_history

    report = enter(indicator, dept, dept_reporter, narrative="完成400座")
    first = ReportVersion.objects.get(report=report)
    ReportVersion.objects.create(report=report, version=2, action="update", data=first.data, by=dept_reporter)
    assert [(h.version, h.action) for h in report_history(report) if h.kind == "version"] == [(1, "create")]
