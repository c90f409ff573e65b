"""The calendar of reporting periods, tested with plain values (no database)."""

from datetime import date

import pytest
from django.utils import translation

from core.periods import (
    Frequency,
    due_date,
    first_period,
    month_end,
    next_period_start,
    parse_period,
    period_end,
    period_label,
    period_start_of,
    previous_month_end,
)

MONTHLY, QUARTERLY = Frequency.MONTHLY, Frequency.QUARTERLY


@pytest.fixture(autouse=True)
def english():
    # The project's default language is Chinese; the messages are asserted in their English ids.
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    "day, frequency, start",
    [
        (date(2025, 5, 17), MONTHLY, date(2025, 5, 1)),
        (date(2025, 5, 1), MONTHLY, date(2025, 5, 1)),
        (date(2024, 2, 29), MONTHLY, date(2024, 2, 1)),
        (date(2025, 5, 17), QUARTERLY, date(2025, 4, 1)),
        (date(2025, 3, 31), QUARTERLY, date(2025, 1, 1)),
        (date(2025, 12, 31), QUARTERLY, date(2025, 10, 1)),
    ],
)
def test_a_day_belongs_to_the_month_or_quarter_that_contains_it(day, frequency, start):
    assert period_start_of(day, frequency) == start


@pytest.mark.parametrize(
    "period, frequency, following",
    [
        (date(2025, 5, 1), MONTHLY, date(2025, 6, 1)),
        (date(2025, 12, 1), MONTHLY, date(2026, 1, 1)),
        (date(2025, 4, 1), QUARTERLY, date(2025, 7, 1)),
        (date(2025, 10, 1), QUARTERLY, date(2026, 1, 1)),
        (date(2025, 5, 1), QUARTERLY, date(2025, 7, 1)),
    ],
)
def test_the_next_period_follows_on_and_december_rolls_into_january(period, frequency, following):
    assert next_period_start(period, frequency) == following


@pytest.mark.parametrize(
    "period, frequency, end",
    [
        (date(2024, 2, 1), MONTHLY, date(2024, 2, 29)),
        (date(2025, 2, 1), MONTHLY, date(2025, 2, 28)),
        (date(2025, 12, 1), MONTHLY, date(2025, 12, 31)),
        (date(2025, 4, 1), QUARTERLY, date(2025, 6, 30)),
        (date(2025, 10, 1), QUARTERLY, date(2025, 12, 31)),
    ],
)
def test_a_period_ends_on_the_last_day_of_its_last_month(period, frequency, end):
    assert period_end(period, frequency) == end


@pytest.mark.parametrize(
    "period, frequency, due_day, due",
    [
        (date(2025, 5, 1), MONTHLY, 25, date(2025, 5, 25)),
        (date(2025, 4, 1), QUARTERLY, 25, date(2025, 6, 25)),
        (date(2025, 10, 1), QUARTERLY, 25, date(2025, 12, 25)),
        (date(2024, 2, 1), MONTHLY, 30, date(2024, 2, 29)),
        (date(2025, 2, 1), MONTHLY, 30, date(2025, 2, 28)),
        (date(2025, 4, 1), MONTHLY, 31, date(2025, 4, 30)),
        (date(2025, 1, 1), MONTHLY, 30, date(2025, 1, 30)),
        (date(2024, 1, 1), QUARTERLY, 31, date(2024, 3, 31)),
        (date(2025, 5, 1), MONTHLY, 1, date(2025, 5, 1)),
    ],
)
def test_a_report_is_due_on_the_due_day_of_the_periods_last_month_clamped_to_its_length(
    period, frequency, due_day, due
):
    assert due_date(period, frequency, due_day) == due


@pytest.mark.parametrize("due_day", [0, 32, -1])
def test_a_due_day_outside_a_month_is_refused(due_day):
    with pytest.raises(ValueError, match="due_day"):
        due_date(date(2025, 5, 1), MONTHLY, due_day)


def test_an_unknown_frequency_is_refused():
    with pytest.raises(ValueError, match="weekly"):
        period_start_of(date(2025, 5, 1), "weekly")


@pytest.mark.parametrize(
    "period, frequency, label",
    [
        (date(2025, 5, 1), MONTHLY, "2025-05"),
        (date(2025, 12, 1), MONTHLY, "2025-12"),
        (date(2025, 1, 1), QUARTERLY, "2025-Q1"),
        (date(2025, 4, 1), QUARTERLY, "2025-Q2"),
        (date(2025, 10, 1), QUARTERLY, "2025-Q4"),
    ],
)
def test_a_period_is_labelled_and_the_label_parses_back(period, frequency, label):
    assert period_label(period, frequency) == label
    assert parse_period(label) == (period, frequency)


@pytest.mark.parametrize(
    "label", ["2025-13", "2025-00", "2025-Q0", "2025-Q5", "2025-5", "25-05", "2025/05", "May 2025", "", "0000-01"]
)
def test_a_label_that_is_not_a_period_is_refused_with_the_expected_forms(label):
    with pytest.raises(ValueError, match="use YYYY-MM .* or YYYY-Qn"):
        parse_period(label)


@pytest.mark.parametrize(
    "start, frequency, first",
    [
        (date(2025, 1, 1), MONTHLY, date(2025, 1, 1)),
        (date(2025, 1, 15), MONTHLY, date(2025, 2, 1)),
        (date(2025, 4, 1), QUARTERLY, date(2025, 4, 1)),
        (date(2025, 5, 1), QUARTERLY, date(2025, 7, 1)),
        (date(2025, 12, 2), QUARTERLY, date(2026, 1, 1)),
    ],
)
def test_the_first_period_is_the_first_that_starts_on_or_after_the_start(start, frequency, first):
    assert first_period(start, frequency) == first


@pytest.mark.parametrize(
    "day, end, before",
    [
        (date(2024, 2, 10), date(2024, 2, 29), date(2024, 1, 31)),
        (date(2025, 3, 31), date(2025, 3, 31), date(2025, 2, 28)),
        (date(2026, 1, 1), date(2026, 1, 31), date(2025, 12, 31)),
    ],
)
def test_month_ends_fall_on_the_last_day_even_in_a_leap_february(day, end, before):
    assert month_end(day) == end
    assert previous_month_end(day) == before
