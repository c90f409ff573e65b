"""The status light and the reporting calendar, tested with plain values (no database)."""

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest
from django.utils import translation

from targets.choices import Frequency, Kind, Light
from targets.rules import (
    IndicatorSpec,
    ReportPoint,
    evaluate_status,
    expected_value,
    owed_period,
    periods_past_due,
    rollup,
)

MONTHLY, QUARTERLY = Frequency.MONTHLY, Frequency.QUARTERLY


@pytest.fixture(autouse=True)
def english():
    # The project's default language is Chinese; the reasons are asserted in their English ids.
    with translation.override("en"):
        yield


def spec(kind=Kind.INCREASE, baseline="0", target="100", start=date(2025, 1, 1), deadline=date(2025, 12, 31), **kw):
    kw["milestones"] = tuple((d, D(v)) for d, v in kw.get("milestones", ()))
    return IndicatorSpec(kind=kind, baseline=D(baseline), target=D(target), start=start, deadline=deadline, **kw)


def report(period, value, submitted_on):
    return ReportPoint(period_start=period, value=D(value), submitted_on=submitted_on)


def monthly_reports(value, months, day=20, year=2025):
    return [report(date(year, m, 1), value, date(year, m, day)) for m in months]


# 45 % of the way is expected at the May checkpoint (a milestone on the due day itself).
PACED = spec(milestones=[(date(2025, 5, 25), "45")])
# 改建卫生厕所2600座, with 1170 expected by the May checkpoint.
TOILETS = spec(target="2600", unit="座", milestones=[(date(2025, 5, 25), "1170")])
# 城乡居民收入比缩小到1.54以内, from 1.60, half way by the June checkpoint.
INCOME_RATIO = spec(Kind.DECREASE, baseline="1.60", target="1.54", milestones=[(date(2025, 6, 25), "1.57")])
# 完成村庄规划编制, reported as percent complete.
VILLAGE_PLAN = spec(Kind.MILESTONE, milestones=[(date(2025, 6, 25), "50")])
# 城镇调查失业率控制在5%以内.
UNEMPLOYMENT = spec(Kind.CEILING, baseline="5", target="5", unit="%")
# 粮播面积稳定在1.18万亩.
GRAIN_AREA = spec(Kind.FLOOR, baseline="1.18", target="1.18", unit="万亩")
LINEAR = spec()
FUND_SPENDING = spec(
    milestones=[(date(2025, 9, 30), "75"), (date(2025, 4, 30), "30"), (date(2025, 6, 30), "50")],
)


@pytest.mark.parametrize(
    "indicator, as_of, periods",
    [
        (LINEAR, date(2025, 1, 25), []),
        (LINEAR, date(2025, 1, 26), [date(2025, 1, 1)]),
        (LINEAR, date(2025, 5, 25), [date(2025, m, 1) for m in range(1, 5)]),
        (LINEAR, date(2025, 5, 26), [date(2025, m, 1) for m in range(1, 6)]),
        (replace(LINEAR, start=date(2025, 1, 15)), date(2025, 2, 26), [date(2025, 2, 1)]),
        (replace(LINEAR, frequency=QUARTERLY), date(2025, 6, 25), [date(2025, 1, 1)]),
        (replace(LINEAR, frequency=QUARTERLY), date(2025, 6, 26), [date(2025, 1, 1), date(2025, 4, 1)]),
        (replace(LINEAR, deadline=date(2025, 3, 31)), date(2025, 12, 1), [date(2025, m, 1) for m in (1, 2, 3)]),
    ],
    ids=[
        "none on the first due day",
        "january the day after its due day",
        "january to april on the may due day",
        "january to may the day after",
        "a period already under way at the start is not owed",
        "quarterly: q2 not yet past due on 25 june",
        "quarterly: q2 past due on 26 june",
        "nothing is owed for periods after the deadline",
    ],
)
def test_periods_past_due_are_those_from_the_start_whose_due_day_has_passed(indicator, as_of, periods):
    assert periods_past_due(indicator, as_of) == periods


# The expected path -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "indicator, day, expected",
    [
        (LINEAR, date(2024, 12, 31), D("0")),
        (LINEAR, date(2025, 1, 1), D("0")),
        (LINEAR, date(2025, 12, 31), D("100")),
        (LINEAR, date(2026, 6, 1), D("100")),
        (spec(deadline=date(2025, 1, 31)), date(2025, 1, 16), D("50")),
        (FUND_SPENDING, date(2025, 4, 30), D("30")),
        (FUND_SPENDING, date(2025, 6, 30), D("50")),
        (FUND_SPENDING, date(2025, 8, 15), D("62.5")),
        (FUND_SPENDING, date(2025, 9, 30), D("75")),
        (INCOME_RATIO, date(2025, 6, 25), D("1.57")),
        (spec(milestones=[(date(2024, 6, 1), "80")], deadline=date(2025, 1, 31)), date(2025, 1, 16), D("50")),
    ],
    ids=[
        "baseline before the start",
        "baseline on the start",
        "target on the deadline",
        "target after the deadline",
        "half way in days is half the distance",
        "exactly on a milestone",
        "exactly on a later milestone given out of order",
        "straight between two milestones",
        "exactly on the last milestone",
        "a decrease passes through its milestone",
        "a milestone before the start does not bend the path",
    ],
)
def test_the_expected_value_runs_straight_between_start_milestones_and_deadline(indicator, day, expected):
    assert expected_value(indicator, day) == expected


# The pace of increase, decrease and milestone indicators -------------------------------------------


@pytest.mark.parametrize(
    "value, status, gap",
    [
        ("45", Light.GREEN, D("0")),
        ("50", Light.GREEN, D("-5")),
        ("35", Light.GREEN, D("10")),
        ("34.9", Light.AMBER, D("10.1")),
        ("25", Light.AMBER, D("20")),
        ("24.9", Light.RED, D("20.1")),
        ("0", Light.RED, D("45")),
        ("100", Light.DONE, D("-55")),
        ("120", Light.DONE, D("-75")),
    ],
)
def test_the_gap_to_the_expected_pace_at_the_last_checkpoint_lights_the_indicator(value, status, gap):
    result = evaluate_status(PACED, [report(date(2025, 5, 1), value, date(2025, 5, 20))], date(2025, 5, 26))
    assert (result.status, result.gap, result.expected, result.checkpoint) == (
        status,
        gap,
        D("0.45"),
        date(2025, 5, 25),
    )


def test_the_thresholds_are_settings_of_the_plan():
    lenient = replace(PACED, red_gap=D("30"))
    result = evaluate_status(lenient, [report(date(2025, 5, 1), "20", date(2025, 5, 20))], date(2025, 5, 26))
    assert result.status == Light.AMBER


def test_a_lagging_increase_says_how_far_behind_it_is():
    result = evaluate_status(TOILETS, [report(date(2025, 5, 1), "780", date(2025, 5, 20))], date(2025, 5, 26))
    assert result.status == Light.AMBER
    assert (result.completion, result.expected, result.gap, result.actual) == (D("0.3"), D("0.45"), D("15"), D("780"))
    assert result.reasons == ("expected 45.0 %, reported 30.0 %, 15.0 points behind",)


@pytest.mark.parametrize(
    "value, status, completion, reason",
    [
        ("1.57", Light.GREEN, D("0.5"), "expected 50.0 %, reported 50.0 %, on pace"),
        ("1.56", Light.GREEN, D("0.6666"), "expected 50.0 %, reported 66.7 %, 16.7 points ahead"),
        ("1.58", Light.AMBER, D("0.3333"), "expected 50.0 %, reported 33.3 %, 16.7 points behind"),
        ("1.62", Light.RED, D("-0.3333"), "expected 50.0 %, reported -33.3 %, 83.3 points behind"),
        ("1.54", Light.DONE, D("1"), "target reached: 100.0 %"),
        ("1.50", Light.DONE, D("1.6666"), "target reached: 166.7 %"),
    ],
    ids=["on pace", "ahead", "behind", "going the wrong way", "exactly reached", "beyond the target"],
)
def test_a_decrease_target_progresses_as_the_value_falls(value, status, completion, reason):
    result = evaluate_status(INCOME_RATIO, [report(date(2025, 6, 1), value, date(2025, 6, 20))], date(2025, 6, 26))
    assert (result.status, result.completion, result.reasons) == (status, completion, (reason,))


@pytest.mark.parametrize(
    "percent, status",
    [("40", Light.GREEN), ("39", Light.AMBER), ("29", Light.RED), ("100", Light.DONE)],
)
def test_a_milestone_task_is_judged_on_its_percent_complete_at_a_checkpoint_on_its_milestone(percent, status):
    result = evaluate_status(VILLAGE_PLAN, [report(date(2025, 6, 1), percent, date(2025, 6, 20))], date(2025, 6, 26))
    assert (result.status, result.expected, result.checkpoint) == (status, D("0.5"), date(2025, 6, 25))


@pytest.mark.parametrize("kind", [Kind.INCREASE, Kind.DECREASE, Kind.MILESTONE])
def test_a_progress_indicator_whose_target_equals_its_baseline_is_refused(kind):
    with pytest.raises(ValueError, match="target different from its baseline"):
        evaluate_status(spec(kind, baseline="5", target="5"), [], date(2025, 6, 1))


@pytest.mark.parametrize(
    "indicator, message",
    [
        (spec(kind="average"), "unknown indicator kind"),
        (spec(deadline=date(2024, 12, 31)), "before start"),
        (spec(frequency="weekly"), "unknown frequency"),
    ],
)
def test_an_inconsistent_indicator_is_refused(indicator, message):
    with pytest.raises(ValueError, match=message):
        evaluate_status(indicator, [], date(2025, 6, 1))


# The order of the clauses ----------------------------------------------------------------------


def test_an_indicator_before_its_start_is_not_started_whatever_was_reported():
    later = spec(start=date(2026, 1, 1), deadline=date(2026, 12, 31))
    result = evaluate_status(later, [report(date(2025, 12, 1), "100", date(2025, 12, 1))], date(2025, 12, 31))
    assert result.status == Light.NOT_STARTED
    assert (result.completion, result.expected, result.gap, result.actual, result.checkpoint) == (None,) * 5
    assert result.reasons == ("not started: starts on 2026-01-01",)


def test_an_indicator_on_its_start_day_has_no_checkpoint_yet_and_is_green():
    later = spec(start=date(2026, 1, 1), deadline=date(2026, 12, 31))
    result = evaluate_status(later, [], date(2026, 1, 1))
    assert result.status == Light.GREEN
    assert (result.completion, result.expected, result.gap, result.actual, result.checkpoint) == (
        D("0"),
        None,
        None,
        D("0"),
        None,
    )
    assert result.reasons == ("no checkpoint yet",)


@pytest.mark.parametrize(
    "as_of, status, reasons",
    [
        (date(2025, 12, 31), Light.AMBER, ("expected 98.4 %, reported 80.0 %, 18.4 points behind",)),
        (date(2026, 1, 1), Light.RED, ("deadline 2025-12-31 passed at 80.0 %",)),
    ],
    ids=["on the deadline day it is judged on pace", "the day after it is overdue"],
)
def test_an_unfinished_indicator_turns_red_the_day_after_its_deadline(as_of, status, reasons):
    result = evaluate_status(LINEAR, [report(date(2025, 12, 1), "80", date(2025, 12, 20))], as_of)
    assert (result.status, result.reasons, result.checkpoint) == (status, reasons, date(2025, 12, 25))


def test_a_finished_indicator_stays_done_after_its_deadline_without_further_reports():
    result = evaluate_status(LINEAR, [report(date(2025, 3, 1), "100", date(2025, 3, 20))], date(2026, 2, 1))
    assert result.status == Light.DONE
    assert result.reasons == ("target reached: 100.0 %",)


def test_a_period_already_under_way_at_the_start_is_not_a_checkpoint():
    mid_month = replace(LINEAR, start=date(2025, 1, 15))
    result = evaluate_status(mid_month, [], date(2025, 1, 26))
    assert (result.status, result.checkpoint) == (Light.GREEN, None)


# Reporting -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "as_of, status, checkpoint, reasons",
    [
        (date(2025, 5, 25), Light.GREEN, date(2025, 4, 25), ("reported 4.8 % within the ceiling of 5 %",)),
        (
            date(2025, 5, 26),
            Light.AMBER,
            date(2025, 5, 25),
            ("reported 4.8 % within the ceiling of 5 %", "2025-05 report missing since 2025-05-25"),
        ),
        (
            date(2025, 6, 26),
            Light.RED,
            date(2025, 6, 25),
            (
                "reported 4.8 % within the ceiling of 5 %",
                "2025-05 report missing since 2025-05-25",
                "2025-06 report missing since 2025-06-25",
            ),
        ),
    ],
    ids=["on the due day nothing is missing yet", "the day after, one missing is amber", "two missing are red"],
)
def test_missing_reports_light_amber_then_red(as_of, status, checkpoint, reasons):
    result = evaluate_status(UNEMPLOYMENT, monthly_reports("4.8", range(1, 5)), as_of)
    assert (result.status, result.checkpoint, result.reasons) == (status, checkpoint, reasons)


@pytest.mark.parametrize(
    "reports, status",
    [
        (monthly_reports("45", [4]), Light.AMBER),
        (monthly_reports("45", [3]), Light.RED),
        (monthly_reports("10", [4]), Light.RED),
        (monthly_reports("45", [1, 2, 3, 5]), Light.GREEN),
    ],
    ids=[
        "on pace but the latest missing is amber",
        "on pace but the two latest missing is red",
        "a missing report never lowers red to amber",
        "an earlier gap does not matter once the latest is in",
    ],
)
def test_the_reporting_clause_raises_the_pace_light_but_never_lowers_it(reports, status):
    assert evaluate_status(PACED, reports, date(2025, 5, 26)).status == status


def test_an_increase_with_no_report_at_all_is_measured_from_its_baseline_and_red_for_missing_reports():
    result = evaluate_status(TOILETS, [], date(2025, 3, 26))
    assert (result.status, result.completion, result.actual) == (Light.RED, D("0"), D("0"))
    assert result.reasons[1:] == (
        "2025-02 report missing since 2025-02-25",
        "2025-03 report missing since 2025-03-25",
    )


def test_the_first_missed_report_alone_lights_amber():
    result = evaluate_status(LINEAR, [], date(2025, 1, 26))
    assert result.status == Light.AMBER
    assert result.reasons == (
        "expected 6.6 %, reported 0.0 %, 6.6 points behind",
        "2025-01 report missing since 2025-01-25",
    )


@pytest.mark.parametrize(
    "may_report, status, actual",
    [
        (report(date(2025, 5, 1), "5.5", date(2025, 5, 27)), Light.AMBER, D("4.8")),
        (report(date(2025, 5, 1), "5.5", None), Light.AMBER, D("4.8")),
        (report(date(2025, 5, 1), "5.5", date(2025, 5, 26)), Light.RED, D("5.5")),
        (report(date(2025, 6, 1), "5.5", date(2025, 5, 20)), Light.AMBER, D("4.8")),
    ],
    ids=[
        "submitted after the day evaluated does not count",
        "a draft or returned report does not count",
        "submitted on the day evaluated counts",
        "a report for a period not yet begun does not count",
    ],
)
def test_only_reports_submitted_by_the_day_evaluated_count(may_report, status, actual):
    result = evaluate_status(UNEMPLOYMENT, [*monthly_reports("4.8", [4]), may_report], date(2025, 5, 26))
    assert (result.status, result.actual) == (status, actual)


def test_a_late_report_counts_once_submitted():
    late = report(date(2025, 5, 1), "4.9", date(2025, 6, 2))
    result = evaluate_status(UNEMPLOYMENT, [late], date(2025, 6, 3))
    assert (result.status, result.reasons) == (Light.GREEN, ("reported 4.9 % within the ceiling of 5 %",))


@pytest.mark.parametrize(
    "reports, actual",
    [
        (
            [report(date(2025, 5, 1), "4.9", date(2025, 5, 20)), report(date(2025, 4, 1), "5.5", date(2025, 5, 22))],
            "4.9",
        ),
        (
            [report(date(2025, 5, 1), "4.9", date(2025, 5, 22)), report(date(2025, 5, 1), "5.5", date(2025, 5, 20))],
            "4.9",
        ),
        (
            [report(date(2025, 5, 1), "5.5", date(2025, 5, 20)), report(date(2025, 5, 1), "4.9", date(2025, 5, 22))],
            "4.9",
        ),
    ],
    ids=[
        "the latest period beats a later submission for an earlier one",
        "a resubmission replaces the first",
        "a resubmission replaces the first whatever the order given",
    ],
)
def test_the_value_used_is_that_of_the_latest_period_reported(reports, actual):
    result = evaluate_status(UNEMPLOYMENT, reports, date(2025, 5, 26))
    assert (result.status, result.actual) == (Light.GREEN, D(actual))


@pytest.mark.parametrize(
    "as_of, status, checkpoint",
    [(date(2025, 6, 25), Light.GREEN, date(2025, 3, 25)), (date(2025, 6, 26), Light.RED, date(2025, 6, 25))],
    ids=["q2 is not past due on 25 june", "q2 is past due on 26 june"],
)
def test_a_quarterly_indicator_is_checked_on_the_25th_of_the_quarters_last_month(as_of, status, checkpoint):
    quarterly = replace(VILLAGE_PLAN, frequency=QUARTERLY)
    result = evaluate_status(quarterly, [report(date(2025, 1, 1), "20", date(2025, 3, 20))], as_of)
    assert (result.status, result.checkpoint) == (status, checkpoint)
    if status == Light.RED:
        assert result.reasons[-1] == "2025-Q2 report missing since 2025-06-25"


# Ceiling and floor -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "indicator, value, status, reason",
    [
        (UNEMPLOYMENT, "4.80", Light.GREEN, "reported 4.8 % within the ceiling of 5 %"),
        (UNEMPLOYMENT, "5", Light.GREEN, "reported 5 % within the ceiling of 5 %"),
        (UNEMPLOYMENT, "5.2", Light.RED, "reported 5.2 % above the ceiling of 5 %"),
        (GRAIN_AREA, "1.18", Light.GREEN, "reported 1.18 万亩 at or above the floor of 1.18 万亩"),
        (GRAIN_AREA, "1.2", Light.GREEN, "reported 1.2 万亩 at or above the floor of 1.18 万亩"),
        (GRAIN_AREA, "1.17", Light.RED, "reported 1.17 万亩 below the floor of 1.18 万亩"),
    ],
)
def test_a_ceiling_or_floor_is_green_while_the_limit_holds(indicator, value, status, reason):
    result = evaluate_status(indicator, [report(date(2025, 5, 1), value, date(2025, 5, 20))], date(2025, 5, 26))
    assert (result.status, result.reasons, result.actual) == (status, (reason,), D(value))
    assert (result.completion, result.expected, result.gap) == (None, None, None)


@pytest.mark.parametrize("indicator", [UNEMPLOYMENT, GRAIN_AREA])
def test_a_ceiling_or_floor_without_reports_is_green_until_a_report_is_missed(indicator):
    before = evaluate_status(indicator, [], date(2025, 1, 25))
    after = evaluate_status(indicator, [], date(2025, 1, 26))
    assert (before.status, before.actual, before.reasons) == (Light.GREEN, None, ("no report yet",))
    assert after.status == Light.AMBER


def test_a_ceiling_keeps_its_light_after_the_plan_ends_without_demanding_more_reports():
    short = replace(UNEMPLOYMENT, deadline=date(2025, 3, 31))
    result = evaluate_status(short, monthly_reports("4.8", [1, 2, 3]), date(2025, 12, 1))
    assert (result.status, result.checkpoint, len(result.reasons)) == (Light.GREEN, date(2025, 3, 25), 1)


# Several townships, one target -----------------------------------------------------------------

TOWN_A, TOWN_B = "大门镇", "鹿西乡"
JAN, FEB, APR, MAY = (date(2025, m, 1) for m in (1, 2, 4, 5))


@pytest.mark.parametrize(
    "series, combined",
    [
        (
            {
                TOWN_A: [report(JAN, "10", date(2025, 1, 20)), report(FEB, "25", date(2025, 2, 20))],
                TOWN_B: [report(JAN, "5", date(2025, 1, 22)), report(FEB, "9", date(2025, 2, 18))],
            },
            [report(JAN, "15", date(2025, 1, 22)), report(FEB, "34", date(2025, 2, 20))],
        ),
        (
            {
                TOWN_A: [report(JAN, "10", date(2025, 1, 20)), report(FEB, "25", date(2025, 2, 20))],
                TOWN_B: [report(JAN, "5", date(2025, 1, 22)), report(FEB, "9", None)],
            },
            [report(JAN, "15", date(2025, 1, 22)), report(FEB, "30", None)],
        ),
        (
            {TOWN_A: [report(JAN, "10", date(2025, 1, 20))], TOWN_B: [report(FEB, "9", date(2025, 2, 18))]},
            [report(JAN, "10", None), report(FEB, "19", None)],
        ),
        ({TOWN_A: [report(JAN, "10", date(2025, 1, 20))], TOWN_B: []}, [report(JAN, "10", None)]),
        ({}, []),
    ],
    ids=[
        "both reported: summed, submitted when the last one came in",
        "a draft is replaced by the township's previous value and the period is incomplete",
        "a township with nothing yet adds zero and earlier values carry forward",
        "a township that never reported keeps the county incomplete",
        "no townships, no series",
    ],
)
def test_townships_roll_up_into_one_series_complete_only_when_every_township_reported(series, combined):
    assert rollup(series) == combined


def test_a_roll_up_sums_each_townships_latest_counted_report_of_every_period_as_defined():
    """rollup against its definition, period by period, on random townships' series: drafts, periods
    skipped, a period resubmitted (on a later day, or on the same day: the first given stands, as
    the latest report is chosen)."""
    import random

    rng = random.Random(17)
    months = [date(2025, m, 1) for m in range(1, 13)]
    for _ in range(300):
        series = {}
        for town in range(rng.randint(1, 4)):
            reports = []
            for month in rng.sample(months, rng.randint(0, 8)):
                for _copy in range(rng.choice((1, 1, 2, 3))):
                    day = rng.choice((None, month.replace(day=20), month.replace(day=25)))
                    reports.append(report(month, str(rng.randint(0, 99)), day))
            rng.shuffle(reports)
            series[town] = reports
        expected = []
        for period in sorted({r.period_start for reports in series.values() for r in reports}):
            latest = []
            for reports in series.values():
                eligible = [r for r in reports if r.submitted_on is not None and r.period_start <= period]
                latest.append(max(eligible, key=lambda r: (r.period_start, r.submitted_on), default=None))
            exact = [r for r in latest if r is not None and r.period_start == period]
            expected.append(
                report(
                    period,
                    str(sum((r.value for r in latest if r is not None), D(0))),
                    max(r.submitted_on for r in exact) if len(exact) == len(series) else None,
                )
            )
        assert rollup(series) == expected, series


@pytest.mark.parametrize(
    "as_of, status, actual",
    [(date(2025, 5, 26), Light.AMBER, D("700")), (date(2025, 5, 29), Light.GREEN, D("1300"))],
    ids=["before the last township reports the county falls back to april", "after, may counts"],
)
def test_a_county_target_is_judged_on_the_rolled_up_township_reports(as_of, status, actual):
    series = {
        TOWN_A: [report(APR, "400", date(2025, 4, 20)), report(MAY, "700", date(2025, 5, 20))],
        TOWN_B: [report(APR, "300", date(2025, 4, 20)), report(MAY, "600", date(2025, 5, 28))],
    }
    result = evaluate_status(TOILETS, rollup(series), as_of)
    assert (result.status, result.actual) == (status, actual)


@pytest.mark.parametrize(
    "frequency, month, expected",
    [
        ("monthly", date(2025, 5, 1), date(2025, 5, 1)),
        ("quarterly", date(2025, 5, 1), None),  # a quarter's report falls due only in its last month
        ("quarterly", date(2025, 6, 1), date(2025, 4, 1)),
        ("monthly", date(2025, 1, 1), None),  # the indicator starts mid-January: February is its first period
        ("monthly", date(2026, 1, 1), None),  # after the deadline nothing is owed
    ],
)
def test_the_period_owed_in_a_month(frequency, month, expected):
    assert owed_period(frequency, date(2025, 1, 15), date(2025, 12, 31), month) == expected


def test_a_gap_that_rounds_to_nothing_reads_on_pace_not_zero_points_behind():
    from targets.rules import _pace_reason

    reason = _pace_reason(D("0.7803"), D("0.7800"))
    assert reason.code == "on_pace"
    assert _pace_reason(D("0.78"), D("0.70")).code == "behind"
