"""Income records: the draft / submitted / approved / returned cycle, who may write, versions and audit."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from core.versions import ConflictError
from villages.models import RecordStatus
from villages.services import (
    income_record_create,
    income_record_reopen,
    income_record_review,
    income_record_submit,
    income_record_update,
    village_profile_update,
)


def draft(village, by, **extra):
    fields = {"year": 2024, "total_income": "56.30", "operating_income": "31.25"} | extra
    return income_record_create(village=village, by=by, **fields)


def test_a_township_reporter_enters_submits_and_the_office_approves(villages, town_reporter, supervisor):
    record = draft(villages["a"], town_reporter)
    assert record.status == RecordStatus.DRAFT and record.total_income == Decimal("56.30")
    record = income_record_submit(record=record, by=town_reporter, expected_version=record.version)
    record = income_record_review(record=record, by=supervisor, approve=True)
    assert record.status == RecordStatus.APPROVED and record.reviewed_by == supervisor
    actions = list(AuditEvent.objects.filter(object_id=str(record.pk)).order_by("id").values_list("action", flat=True))
    assert actions == ["income.create", "income.submit", "income.approve"]


def test_the_office_reopens_an_approved_record_with_a_reason_and_the_township_submits_again(
    villages, town_reporter, supervisor
):
    record = draft(villages["a"], town_reporter)
    record = income_record_submit(record=record, by=town_reporter)
    with pytest.raises(ValidationError):  # only an approved record is reopened
        income_record_reopen(record=record, by=supervisor, reason="数据有误")
    record = income_record_review(record=record, by=supervisor, approve=True)
    with pytest.raises(ValidationError) as caught:
        income_record_reopen(record=record, by=supervisor, reason="  ")
    assert "reason" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        income_record_reopen(record=record, by=town_reporter, reason="想改")
    with pytest.raises(ConflictError):
        income_record_reopen(record=record, by=supervisor, reason="数据有误", expected_version=record.version - 1)
    record = income_record_reopen(
        record=record, by=supervisor, reason="经营性收入有误", expected_version=record.version
    )
    assert record.status == RecordStatus.RETURNED and record.review_comment == "经营性收入有误"
    event = AuditEvent.objects.get(action="income.reopen")
    assert event.username == supervisor.username and event.old["status"] == RecordStatus.APPROVED
    assert event.new == {"status": RecordStatus.RETURNED, "version": record.version, "review_comment": "经营性收入有误"}
    record = income_record_update(
        record=record, by=town_reporter, expected_version=record.version, operating_income="30"
    )
    record = income_record_submit(record=record, by=town_reporter)
    assert record.status == RecordStatus.SUBMITTED


def test_a_township_reporter_cannot_write_another_townships_village(villages, town_reporter, other_town_reporter):
    with pytest.raises(PermissionDenied):
        draft(villages["d"], town_reporter)
    record = draft(villages["d"], other_town_reporter)
    with pytest.raises(PermissionDenied):
        income_record_update(record=record, by=town_reporter, expected_version=1, total_income="1")
    with pytest.raises(PermissionDenied):
        income_record_submit(record=record, by=town_reporter)


def test_a_department_reporter_cannot_enter_income(villages, dept_reporter):
    with pytest.raises(PermissionDenied):
        draft(villages["a"], dept_reporter)


def test_operating_income_cannot_exceed_total(villages, town_reporter):
    with pytest.raises(ValidationError) as caught:
        draft(villages["a"], town_reporter, operating_income="60")
    assert "operating_income" in caught.value.message_dict


@pytest.mark.parametrize("amount", ["-1", "1.234", "abc", "NaN"])
def test_amounts_are_checked(villages, town_reporter, amount):
    with pytest.raises(ValidationError):
        draft(villages["a"], town_reporter, total_income=amount)


def test_one_record_per_village_and_period(villages, town_reporter):
    draft(villages["a"], town_reporter)
    draft(villages["a"], town_reporter, quarter=3)
    with pytest.raises(ValidationError):
        draft(villages["a"], town_reporter)


def test_a_stale_version_is_refused_and_nothing_is_overwritten(villages, town_reporter):
    record = draft(villages["a"], town_reporter)
    income_record_update(record=record, by=town_reporter, expected_version=1, total_income="70")
    with pytest.raises(ConflictError) as caught:
        income_record_update(record=record, by=town_reporter, expected_version=1, total_income="80")
    assert caught.value.changes["total_income"] == "70.00"
    record.refresh_from_db()
    assert record.total_income == Decimal("70.00") and record.version == 2


def test_a_submitted_record_cannot_be_edited_until_returned(villages, town_reporter, supervisor):
    record = income_record_submit(record=draft(villages["a"], town_reporter), by=town_reporter)
    with pytest.raises(ValidationError):
        income_record_update(record=record, by=town_reporter, expected_version=record.version, total_income="1")
    with pytest.raises(ValidationError):
        income_record_review(record=record, by=supervisor, approve=False, comment=" ")
    record = income_record_review(record=record, by=supervisor, approve=False, comment="经营性收入与台账不符")
    assert record.status == RecordStatus.RETURNED
    record = income_record_update(
        record=record, by=town_reporter, expected_version=record.version, operating_income="20"
    )
    assert record.operating_income == Decimal("20.00")


def test_only_the_supervision_office_of_the_county_reviews(villages, town_reporter, dept_reporter):
    record = income_record_submit(record=draft(villages["a"], town_reporter), by=town_reporter)
    with pytest.raises(PermissionDenied):
        income_record_review(record=record, by=town_reporter, approve=True)
    with pytest.raises(PermissionDenied):
        income_record_review(record=record, by=dept_reporter, approve=True)


def test_a_profile_is_kept_with_a_flexible_set_of_flags_and_audited(villages, town_reporter):
    profile = village_profile_update(
        village=villages["a"],
        by=town_reporter,
        expected_version=1,
        flags=["易地搬迁安置村", " 示范村", "示范村"],
        households=320,
        population=1010,
    )
    assert profile.flags == sorted(["示范村", "易地搬迁安置村"]) and profile.version == 2
    assert AuditEvent.objects.filter(action="village.profile", object_id=str(profile.pk)).exists()
    with pytest.raises(ConflictError):
        village_profile_update(village=villages["a"], by=town_reporter, expected_version=1, households=1)


def test_the_responsible_reporter_must_belong_to_the_villages_township(
    villages, town_reporter, other_town_reporter, supervisor
):
    with pytest.raises(ValidationError):
        village_profile_update(village=villages["a"], by=supervisor, reporter=other_town_reporter)
    profile = village_profile_update(village=villages["a"], by=supervisor, reporter=town_reporter)
    assert profile.reporter == town_reporter
