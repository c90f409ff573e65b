"""A staged milestone judged on its own date, with plain values (no database)."""

from datetime import date
from decimal import Decimal as D

from django.utils import translation

from targets.choices import Frequency, Kind
from targets.rules import (
    MILESTONE_MET,
    MILESTONE_MISSED,
    MILESTONE_PENDING,
    IndicatorSpec,
    ReportPoint,
    evaluate_status,
    milestone_judgement,
)

FUND_SPENDING = IndicatorSpec(
    kind=Kind.INCREASE, baseline=D(0), target=D(100), start=date(2026, 1, 1), deadline=date(2026, 12, 31)
)
APRIL, MAY, JUNE = date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1)


def point(period, value, submitted_on):
    return ReportPoint(period_start=period, value=D(value), submitted_on=submitted_on)


def test_milestone_is_judged_on_its_own_periods_report_not_on_a_later_one():
    # 30 % by the end of April: April's report said 20 %, May's says 60 %. Missed, whatever May says.
    series = [point(APRIL, "20", date(2026, 4, 24)), point(MAY, "60", date(2026, 5, 20))]
    result = milestone_judgement(FUND_SPENDING, date(2026, 4, 30), D(30), series, today=date(2026, 6, 26))
    assert (result.state, result.value, result.period) == (MILESTONE_MISSED, D(20), APRIL)


def test_milestone_reached_in_its_period_is_met():
    series = [point(APRIL, "31", date(2026, 4, 24))]
    assert (
        milestone_judgement(FUND_SPENDING, date(2026, 4, 30), D(30), series, date(2026, 5, 26)).state == MILESTONE_MET
    )


def test_a_report_submitted_after_the_period_ended_does_not_rescue_the_milestone():
    series = [point(APRIL, "35", date(2026, 5, 3))]
    result = milestone_judgement(FUND_SPENDING, date(2026, 4, 30), D(30), series, date(2026, 5, 26))
    assert (result.state, result.value) == (MILESTONE_MISSED, None)


def test_a_milestone_is_never_missed_before_its_date():
    # Generated on 2 December, a 31 December milestone is pending, not missed.
    result = milestone_judgement(FUND_SPENDING, date(2026, 12, 31), D(100), [], today=date(2026, 12, 2))
    assert result.state == MILESTONE_PENDING


def test_a_milestone_on_its_date_is_judged_once_its_periods_report_is_due():
    # 20 May milestone, monthly reports due on the 25th: judged from 26 May on the May report so far.
    series = [point(MAY, "55", date(2026, 5, 22))]
    early = milestone_judgement(FUND_SPENDING, date(2026, 5, 20), D(50), series, today=date(2026, 5, 24))
    later = milestone_judgement(FUND_SPENDING, date(2026, 5, 20), D(50), series, today=date(2026, 5, 26))
    assert (early.state, later.state) == (MILESTONE_PENDING, MILESTONE_MET)


def test_a_quarterly_indicator_is_judged_on_the_report_of_the_quarter_containing_the_date():
    quarterly = IndicatorSpec(
        kind=Kind.INCREASE,
        baseline=D(0),
        target=D(100),
        start=date(2026, 1, 1),
        deadline=date(2026, 12, 31),
        frequency=Frequency.QUARTERLY,
    )
    series = [point(APRIL, "52", date(2026, 6, 20))]
    assert milestone_judgement(quarterly, date(2026, 5, 31), D(50), series, date(2026, 6, 1)).state == MILESTONE_PENDING
    assert milestone_judgement(quarterly, date(2026, 5, 31), D(50), series, date(2026, 7, 1)).state == MILESTONE_MET


def test_a_decrease_milestone_is_met_at_or_below_its_value():
    ratio = IndicatorSpec(
        kind=Kind.DECREASE, baseline=D("1.80"), target=D("1.54"), start=date(2026, 1, 1), deadline=date(2026, 12, 31)
    )
    at = [point(JUNE, "1.70", date(2026, 6, 20))]
    above = [point(JUNE, "1.71", date(2026, 6, 20))]
    assert milestone_judgement(ratio, date(2026, 6, 30), D("1.70"), at, date(2026, 7, 26)).state == MILESTONE_MET
    assert milestone_judgement(ratio, date(2026, 6, 30), D("1.70"), above, date(2026, 7, 26)).state == MILESTONE_MISSED


def test_a_period_whose_figure_is_not_complete_counts_as_unreported():
    # A township roll-up with a township missing carries no submission day (rules.rollup).
    series = [point(APRIL, "90", None)]
    result = milestone_judgement(FUND_SPENDING, date(2026, 4, 30), D(30), series, date(2026, 5, 26))
    assert (result.state, result.value) == (MILESTONE_MISSED, None)


def test_reasons_in_chinese_write_dates_quarters_and_punctuation_the_chinese_way():
    quarterly = IndicatorSpec(
        kind=Kind.INCREASE,
        baseline=D(0),
        target=D(100),
        start=date(2026, 1, 1),
        deadline=date(2026, 12, 31),
        frequency=Frequency.QUARTERLY,
    )
    with translation.override("zh-hans"):
        reasons = evaluate_status(quarterly, [], date(2026, 7, 10)).reasons
        late = evaluate_status(FUND_SPENDING, [], date(2027, 1, 5)).reasons
    assert "2026年第二季度进度填报截止于2026年6月25日，至今未报送" in reasons
    assert any(r.startswith("已超过完成时限2026年12月31日，") for r in late)
    assert not any("-Q" in r or "," in r for r in reasons + late)
