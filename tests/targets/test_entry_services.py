"""The report services with the checks of the monthly cycle: values, lock, 补报, evidence, versions, notices."""

import hashlib
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AuditEvent, Notification
from targets import services
from targets.choices import ReportStatus
from targets.models import Allocation, Evidence, ReportVersion

from ..factories import IndicatorFactory, PlanFactory, ProgressReportFactory, TargetFactory, UserFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.EVIDENCE_ROOT


@pytest.fixture
def june10():
    with time_machine.travel("2025-06-10 10:00 +0800"):
        yield


def create(indicator, unit, by, value, period="2025-05", **extra):
    return services.progress_report_create(
        indicator=indicator, unit=unit, period=period, value=Decimal(value), by=by, **extra
    )


def approved(indicator, unit, by, period_start, value):
    return ProgressReportFactory(
        indicator=indicator,
        unit=unit,
        period_start=period_start,
        value=Decimal(value),
        status=ReportStatus.APPROVED,
        submitted_by=by,
        created_by=by,
        submitted_at="2025-05-20T10:00:00+08:00",
    )


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


def test_negative_value_is_refused_next_to_the_value(june10, indicator, dept, dept_reporter):
    with pytest.raises(ValidationError) as exc:
        create(indicator, dept, dept_reporter, "-5")
    assert "value" in errors_of(exc)


def test_a_future_period_is_refused(june10, indicator, dept, dept_reporter):
    with pytest.raises(ValidationError) as exc:
        create(indicator, dept, dept_reporter, "5", period="2025-07")
    assert "period" in errors_of(exc)


def test_lower_than_last_approved_needs_an_explanation_which_is_kept(june10, indicator, dept, dept_reporter):
    approved(indicator, dept, dept_reporter, date(2025, 4, 1), "400")
    with pytest.raises(ValidationError) as exc:
        create(indicator, dept, dept_reporter, "380")
    assert set(errors_of(exc)) == {"explanation"}
    report = create(indicator, dept, dept_reporter, "380", explanation="4月数据重复统计20座,已核减")
    assert report.explanation.startswith("4月数据")


def test_beyond_twice_the_target_needs_a_confirmation(june10, indicator, dept, dept_reporter):
    with pytest.raises(ValidationError) as exc:
        create(indicator, dept, dept_reporter, "2500")
    assert set(errors_of(exc)) == {"confirmed"}
    report = create(indicator, dept, dept_reporter, "2500", confirmed=True)
    assert report.outlier_confirmed is True


def test_far_outside_the_past_range_needs_a_confirmation(june10, indicator, dept, dept_reporter):
    for month, value in [(1, "50"), (2, "100"), (3, "150"), (4, "200")]:
        approved(indicator, dept, dept_reporter, date(2025, month, 1), value)
    assert create(indicator, dept, dept_reporter, "260").outlier_confirmed is False
    other = IndicatorFactory(target=indicator.target)
    for month, value in [(1, "50"), (2, "100"), (3, "150"), (4, "200")]:
        approved(other, dept, dept_reporter, date(2025, month, 1), value)
    with pytest.raises(ValidationError) as exc:
        create(other, dept, dept_reporter, "1100")
    assert set(errors_of(exc)) == {"confirmed"}


def test_an_allocated_township_is_judged_against_its_own_share(june10, indicator, town_unit, town_reporter):
    Allocation.objects.create(indicator=indicator, unit=town_unit, target_value=Decimal("100"))
    with pytest.raises(ValidationError) as exc:
        create(indicator, town_unit, town_reporter, "250")  # more than twice its share, far below the county's
    assert set(errors_of(exc)) == {"confirmed"}


def test_a_late_submission_is_accepted_and_marked_late(indicator, dept, dept_reporter):
    with time_machine.travel("2025-06-10 10:00 +0800"):
        report = create(indicator, dept, dept_reporter, "400")
        report = services.progress_report_submit(report=report, by=dept_reporter)
    assert report.status == ReportStatus.SUBMITTED and report.is_late


def test_a_locked_period_is_refused_until_a_late_entry_grant(indicator, dept, dept_reporter, supervisor):
    plan = indicator.target.plan
    with time_machine.travel("2025-06-15 10:00 +0800"):  # May locks on 15 June (20 days after the 25th)
        with pytest.raises(ValidationError) as exc:
            create(indicator, dept, dept_reporter, "400")
        assert "period" in errors_of(exc)
        grant = services.late_entry_grant_create(
            plan=plan,
            unit=dept,
            period="2025-05",
            until=date(2025, 6, 20),
            reason="系统故障未能按时填报",
            by=supervisor,
        )
        report = create(indicator, dept, dept_reporter, "400")
        report = services.progress_report_submit(report=report, by=dept_reporter)
    assert report.is_late
    event = AuditEvent.objects.get(action="late_entry.grant")
    assert event.new["unit"] == dept.pk and event.new["period_start"] == "2025-05-01"
    assert event.username == supervisor.username and event.object_id == str(grant.pk)
    assert Notification.objects.filter(user=dept_reporter, kind="late_entry.granted").exists()
    with time_machine.travel("2025-06-21 10:00 +0800"):  # the grant has expired
        with pytest.raises(ValidationError):
            create(IndicatorFactory(target=indicator.target), dept, dept_reporter, "1")


def test_a_grant_for_one_indicator_does_not_open_the_others(indicator, dept, dept_reporter, supervisor):
    other = IndicatorFactory(target=indicator.target)
    with time_machine.travel("2025-06-15 10:00 +0800"):
        services.late_entry_grant_create(
            plan=indicator.target.plan,
            unit=dept,
            period="2025-05",
            indicator=indicator,
            until=date(2025, 6, 30),
            reason="补报",
            by=supervisor,
        )
        create(indicator, dept, dept_reporter, "400")
        with pytest.raises(ValidationError):
            create(other, dept, dept_reporter, "400")


def test_a_returned_report_can_be_corrected_after_the_lock(indicator, dept, dept_reporter, supervisor):
    with time_machine.travel("2025-06-10 10:00 +0800"):
        report = services.progress_report_submit(report=create(indicator, dept, dept_reporter, "400"), by=dept_reporter)
    with time_machine.travel("2025-06-20 10:00 +0800"):
        report = services.progress_report_review(report=report, by=supervisor, approve=False, comment="请核实")
        report = services.progress_report_update(
            report=report, by=dept_reporter, expected_version=report.version, value=Decimal("410")
        )
        assert services.progress_report_submit(report=report, by=dept_reporter).status == ReportStatus.SUBMITTED


def test_only_the_supervision_office_grants_late_entry(indicator, dept, dept_reporter):
    with pytest.raises(PermissionDenied):
        services.late_entry_grant_create(
            plan=indicator.target.plan,
            unit=dept,
            period="2025-05",
            until=date(2099, 1, 1),
            reason="x",
            by=dept_reporter,
        )


def test_a_grant_needs_a_reason_and_a_future_end(june10, indicator, dept, supervisor):
    with pytest.raises(ValidationError) as exc:
        services.late_entry_grant_create(
            plan=indicator.target.plan, unit=dept, period="2025-05", until=date(2025, 6, 1), reason=" ", by=supervisor
        )
    assert set(errors_of(exc)) == {"reason", "until"}


def test_evidence_is_stored_with_its_checksum_and_audited(june10, indicator, dept, dept_reporter, evidence_root):
    report = create(indicator, dept, dept_reporter, "400")
    upload = SimpleUploadedFile("现场照片.png", PNG, content_type="application/octet-stream")
    evidence = services.evidence_add(report=report, by=dept_reporter, upload=upload)
    assert evidence.sha256 == hashlib.sha256(PNG).hexdigest()
    assert evidence.content_type == "image/png" and evidence.size == len(PNG)
    assert evidence.original_name == "现场照片.png"
    with evidence.file.open("rb") as handle:
        assert handle.read() == PNG
    assert str(evidence_root) in evidence.file.path
    assert AuditEvent.objects.get(action="evidence.add").new["sha256"] == evidence.sha256


def test_evidence_of_the_wrong_type_is_refused(june10, indicator, dept, dept_reporter):
    report = create(indicator, dept, dept_reporter, "400")
    with pytest.raises(ValidationError) as exc:
        services.evidence_add(
            report=report, by=dept_reporter, upload=SimpleUploadedFile("photo.jpg", b"%PDF-1.4 really a pdf")
        )
    assert "evidence" in errors_of(exc)
    assert not Evidence.objects.exists()


def test_no_evidence_is_added_to_a_submitted_report(june10, indicator, dept, dept_reporter):
    report = services.progress_report_submit(report=create(indicator, dept, dept_reporter, "400"), by=dept_reporter)
    with pytest.raises(ValidationError):
        services.evidence_add(report=report, by=dept_reporter, upload=SimpleUploadedFile("a.png", PNG))


def test_every_save_keeps_a_version_with_who_and_what(june10, indicator, dept, dept_reporter, supervisor):
    report = create(indicator, dept, dept_reporter, "400", narrative="完成400座")
    report = services.progress_report_update(report=report, by=dept_reporter, expected_version=1, value=Decimal("420"))
    report = services.progress_report_submit(report=report, by=dept_reporter)
    report = services.progress_report_review(report=report, by=supervisor, approve=False, comment="缺少照片")
    versions = list(ReportVersion.objects.filter(report=report).order_by("version"))
    assert [(v.version, v.action, v.by.username) for v in versions] == [
        (1, "create", "nongye"),
        (2, "update", "nongye"),
        (3, "submit", "nongye"),
        (4, "return", "duchashi"),
    ]
    assert versions[0].data["value"] == "400.0000" and versions[1].data["value"] == "420.0000"
    assert versions[3].data["review_comment"] == "缺少照片"


def test_the_office_of_the_region_hears_of_a_submission_and_the_unit_of_the_review(
    june10, indicator, dept, dept_reporter, supervisor
):
    elsewhere = UserFactory(
        username="other_office", role="supervisor", region=TargetFactory().plan.region
    )  # another county's office
    report = services.progress_report_submit(report=create(indicator, dept, dept_reporter, "400"), by=dept_reporter)
    note = Notification.objects.get(kind="report.submitted")
    assert note.user == supervisor and note.link == f"/reports/{report.pk}/"
    assert not Notification.objects.filter(user=elsewhere).exists()
    services.progress_report_review(report=report, by=supervisor, approve=False, comment="请补充照片")
    returned = Notification.objects.get(kind="report.returned")
    assert returned.user == dept_reporter and "请补充照片" in returned.message
    report.refresh_from_db()
    report = services.progress_report_submit(report=report, by=dept_reporter)
    services.progress_report_review(report=report, by=supervisor, approve=True)
    assert Notification.objects.filter(user=dept_reporter, kind="report.approved").count() == 1


def test_a_township_plans_report_reaches_the_county_office_and_those_above_not_another_countys(
    june10, township, town_unit, town_reporter, offices
):
    target = TargetFactory(plan=PlanFactory(region=township), name="美丽庭院")
    target.lead_units.add(town_unit)
    report = services.progress_report_submit(
        report=create(IndicatorFactory(target=target), town_unit, town_reporter, "40"), by=town_reporter
    )
    services.report_comment_add(report=report, by=town_reporter, text="照片已上传")
    office = {"duchashi", "office_township", "office_city", "office_province", "office_everywhere"}
    for kind in ("report.submitted", "report.comment"):
        told = set(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))
        assert told == office, kind  # not office_other_county, office_other_township, office_retired


def test_a_reporter_cannot_review(june10, indicator, dept, dept_reporter, town_reporter):
    report = services.progress_report_submit(report=create(indicator, dept, dept_reporter, "400"), by=dept_reporter)
    with pytest.raises(PermissionDenied):
        services.progress_report_review(report=report, by=town_reporter, approve=True)


def test_comments_reach_the_other_side(june10, indicator, dept, dept_reporter, supervisor):
    report = create(indicator, dept, dept_reporter, "400")
    services.report_comment_add(report=report, by=supervisor, text="照片请补充施工前后对比")
    services.report_comment_add(report=report, by=dept_reporter, text="已补充")
    assert Notification.objects.get(kind="report.comment", user=dept_reporter).link == f"/reports/{report.pk}/"
    assert Notification.objects.filter(kind="report.comment", user=supervisor).count() == 1
    assert AuditEvent.objects.filter(action="report.comment").count() == 2
