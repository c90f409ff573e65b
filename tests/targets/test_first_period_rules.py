"""A plan's first reporting period: nothing before it is owed, so a plan imported today is not red for the past."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.utils import translation

from targets.choices import Frequency, Kind, Light
from targets.rules import (
    IndicatorSpec,
    ReportPoint,
    evaluate_status,
    first_period_not_past_due,
    owed_period,
    periods_past_due,
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def spec(kind=Kind.INCREASE, reporting_from=None, frequency=Frequency.MONTHLY, target="100"):
    return IndicatorSpec(
        kind=kind,
        baseline=D(0) if kind == Kind.INCREASE else D(target),
        target=D(target),
        start=date(2024, 1, 1),
        deadline=date(2024, 12, 31),
        frequency=frequency,
        reporting_from=reporting_from,
    )


@pytest.mark.parametrize(
    "today, first",
    [
        (date(2024, 6, 1), date(2024, 6, 1)),
        (date(2024, 6, 24), date(2024, 6, 1)),
        (date(2024, 6, 25), date(2024, 6, 1)),  # due today: not yet past due
        (date(2024, 6, 26), date(2024, 7, 1)),  # June's report was due yesterday
        (date(2024, 6, 30), date(2024, 7, 1)),  # month end
        (date(2024, 12, 31), date(2025, 1, 1)),  # year end
        (date(2024, 2, 29), date(2024, 3, 1)),  # leap day
    ],
)
def test_the_default_first_period_is_the_first_not_yet_past_due(today, first):
    assert first_period_not_past_due(today) == first


def test_a_different_due_day_moves_the_edge():
    assert first_period_not_past_due(date(2024, 6, 26), due_day=31) == date(2024, 6, 1)
    assert first_period_not_past_due(date(2024, 6, 11), due_day=10) == date(2024, 7, 1)


def test_periods_before_the_first_reporting_period_are_never_owed():
    assert periods_past_due(spec(), date(2024, 6, 26))[0] == date(2024, 1, 1)
    assert periods_past_due(spec(reporting_from=date(2024, 6, 1)), date(2024, 6, 26)) == [date(2024, 6, 1)]
    assert periods_past_due(spec(reporting_from=date(2024, 7, 1)), date(2024, 6, 26)) == []


def test_a_plan_imported_in_june_is_not_red_for_months_it_did_not_exist():
    imported = date(2024, 6, 26)
    backdated = evaluate_status(spec(Kind.CEILING, target="5"), [], imported)
    assert backdated.status == Light.RED and any("missing" in r for r in backdated.reasons)
    fresh = evaluate_status(
        spec(Kind.CEILING, target="5", reporting_from=first_period_not_past_due(imported)), [], imported
    )
    assert fresh.status == Light.GREEN and not any("missing" in r for r in fresh.reasons)
    paced = evaluate_status(spec(reporting_from=date(2024, 7, 1)), [], imported)
    assert paced.status == Light.GREEN


def test_the_first_owed_report_is_still_chased_once_it_is_past_due():
    late = evaluate_status(spec(Kind.CEILING, target="5", reporting_from=date(2024, 7, 1)), [], date(2024, 7, 26))
    assert late.status == Light.AMBER and late.reasons[-1].startswith("2024-07 report missing")
    reported = [ReportPoint(period_start=date(2024, 7, 1), value=D(3), submitted_on=date(2024, 7, 20))]
    assert (
        evaluate_status(
            spec(Kind.CEILING, target="5", reporting_from=date(2024, 7, 1)), reported, date(2024, 7, 26)
        ).status
        == Light.GREEN
    )


def test_a_quarter_under_way_at_the_first_period_is_owed_and_earlier_quarters_are_not():
    quarterly = spec(frequency=Frequency.QUARTERLY, reporting_from=date(2024, 5, 1))
    assert periods_past_due(quarterly, date(2024, 6, 26)) == [date(2024, 4, 1)]
    assert (
        owed_period(Frequency.QUARTERLY, date(2024, 1, 1), date(2024, 12, 31), date(2024, 3, 1), date(2024, 5, 1))
        is None
    )
    assert (
        owed_period(Frequency.MONTHLY, date(2024, 1, 1), date(2024, 12, 31), date(2024, 5, 1), date(2024, 6, 1)) is None
    )
    assert owed_period(
        Frequency.MONTHLY, date(2024, 1, 1), date(2024, 12, 31), date(2024, 6, 1), date(2024, 6, 1)
    ) == date(2024, 6, 1)
