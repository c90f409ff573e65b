"""The one review cycle (targets.review): its steps as data, and each refusal, for reports and income records."""

from datetime import datetime
from datetime import timezone as dt_timezone

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from targets import review
from targets.choices import ReportStatus as S

from ..factories import ProgressReportFactory

ALL = [S.DRAFT, S.SUBMITTED, S.APPROVED, S.RETURNED]
NOW = datetime(2025, 6, 10, 2, 0, tzinfo=dt_timezone.utc)


@pytest.mark.parametrize(
    "action, allowed",
    [
        (review.SUBMIT, {S.DRAFT, S.RETURNED}),
        (review.APPROVE, {S.SUBMITTED}),
        (review.RETURN, {S.SUBMITTED}),
        (review.REOPEN, {S.APPROVED}),
    ],
)
def test_each_step_is_allowed_only_from_its_statuses(action, allowed):
    assert {status for status in ALL if review.can(status, action)} == allowed


def test_only_a_draft_or_a_returned_record_can_be_changed():
    assert [status for status in ALL if review.is_editable(status)] == [S.DRAFT, S.RETURNED]


def test_no_step_leads_back_to_draft_and_reopening_hands_the_report_back_to_its_unit():
    assert {t.target for t in review.TRANSITIONS.values()} == {S.SUBMITTED, S.APPROVED, S.RETURNED}
    assert review.TRANSITIONS[review.REOPEN].target == S.RETURNED


@pytest.mark.django_db
def test_a_step_stamps_who_and_when_and_bumps_the_version(dept_reporter, supervisor):
    report = ProgressReportFactory(created_by=dept_reporter)
    before = review.review_step(report, review.SUBMIT, by=dept_reporter, wording=review.REPORT_WORDING, now=NOW)
    assert before == {"status": "draft", "version": 1}
    report.refresh_from_db()
    assert (report.status, report.version, report.submitted_by, report.submitted_at) == (
        S.SUBMITTED,
        2,
        dept_reporter,
        NOW,
    )
    review.review_step(
        report, review.RETURN, by=supervisor, wording=review.REPORT_WORDING, reason="  口径不对 ", now=NOW
    )
    report.refresh_from_db()
    assert (report.status, report.reviewed_by, report.review_comment, report.version) == (
        S.RETURNED,
        supervisor,
        "口径不对",
        3,
    )


@pytest.mark.django_db
def test_a_step_the_status_does_not_allow_is_refused_in_chinese_and_nothing_changes(supervisor):
    report = ProgressReportFactory(status=S.DRAFT, created_by=supervisor)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        review.review_step(report, review.APPROVE, by=supervisor, wording=review.REPORT_WORDING)
    assert refused.value.messages == ["只有已报送的填报可以审核。"]
    report.refresh_from_db()
    assert (report.status, report.version) == (S.DRAFT, 1)


@pytest.mark.django_db
def test_nobody_approves_or_returns_their_own_submission(supervisor):
    report = ProgressReportFactory(status=S.SUBMITTED, submitted_by=supervisor, created_by=supervisor)
    for action in (review.APPROVE, review.RETURN):
        with pytest.raises(PermissionDenied):
            review.review_step(report, action, by=supervisor, wording=review.REPORT_WORDING, reason="x")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "action, status, field", [(review.RETURN, S.SUBMITTED, "comment"), (review.REOPEN, S.APPROVED, "reason")]
)
def test_returning_and_reopening_need_a_reason_in_their_field(supervisor, dept_reporter, action, status, field):
    report = ProgressReportFactory(status=status, submitted_by=dept_reporter, created_by=dept_reporter)
    with pytest.raises(ValidationError) as refused:
        review.review_step(report, action, by=supervisor, wording=review.REPORT_WORDING, reason="   ")
    assert list(refused.value.message_dict) == [field]


@pytest.mark.django_db
def test_income_records_go_through_the_same_cycle_in_their_own_words(supervisor):
    from villages.services import INCOME_WORDING

    class Record:  # the ReviewCycle fields review_step reads, without a village behind them
        status, submitted_by_id = S.DRAFT, None

        def get_status_display(self):
            return "草稿"

    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        review.review_step(Record(), review.APPROVE, by=supervisor, wording=INCOME_WORDING)
    assert refused.value.messages == ["只有已报送的记录可以审核。"]
