"""Classification and derived measures on plain numbers (villages.rules): the edges people argue about."""

from decimal import Decimal

import pytest

from villages import rules
from villages.rules import Income

D = Decimal


def inc(total, operating):
    return Income(D(str(total)), D(str(operating)))


def test_exactly_ten_wan_reaches_the_ten_wan_tier():
    assert rules.tier_of(inc(10, 10)) == D("10")
    assert rules.classify(inc(10, 10)) == "10"


def test_just_below_ten_wan_is_weak_with_the_default_threshold():
    assert rules.tier_of(inc(12, "9.99")) is None
    assert rules.classify(inc(12, "9.99")) == "weak"


def test_exactly_the_threshold_is_not_weak():
    assert not rules.is_weak(inc(5, 5), D("5"))
    assert rules.is_weak(inc(5, "4.99"), D("5"))


def test_zero_operating_income_is_hollow_and_weak_even_with_other_income():
    village = inc(30, 0)
    assert rules.is_hollow(village)
    assert rules.is_weak(village)
    assert rules.classify(village) == "hollow"


def test_a_missing_year_is_neither_hollow_nor_weak_nor_in_a_tier():
    assert not rules.is_hollow(None)
    assert not rules.is_weak(None)
    assert rules.tier_of(None) is None
    assert rules.classify(None) == "missing"


def test_the_highest_reached_tier_wins_and_tiers_are_a_county_setting():
    assert rules.tier_of(inc(200, 100)) == D("100")
    assert rules.tier_of(inc(200, "99.99")) == D("50")
    assert rules.tier_of(inc(8, 6), tiers=(D("5"), D("10"))) == D("5")


def test_between_threshold_and_first_tier_is_below_the_first_tier():
    assert rules.classify(inc(20, 12), tiers=(D("15"), D("30")), weak_threshold=D("10")) == "below"


VILLAGES_2024 = {"a": inc(120, 60), "b": inc(40, 10), "c": inc(8, 0), "d": inc(55, 50)}
VILLAGES_2023 = {"a": inc(100, 50), "b": inc(30, 5), "c": inc(10, 0)}


@pytest.mark.parametrize(
    "measure, level, basis, expected",
    [
        ("share_at_level", "50", "operating", D("50.00")),  # a, d of four
        ("share_at_level", "10", "operating", D("75.00")),  # exactly 10 counts
        ("share_at_level", "100", "total", D("25.00")),
        ("count_at_level", "50", "operating", D("2")),
        ("count_hollow", None, "operating", D("1")),
        ("count_weak", None, "operating", D("1")),  # only c: b has exactly 10
        ("sum", None, "total", D("223")),
        ("sum", None, "operating", D("120")),
    ],
)
def test_each_measure_on_a_hand_made_set(measure, level, basis, expected):
    value = rules.measure_value(measure, current=VILLAGES_2024, basis=basis, level=D(level) if level else None)
    assert value == expected


def test_growth_compares_only_villages_with_both_years():
    # a, b, c: total 140 -> 168 (+20 %); d has no 2023 record and is left out.
    assert rules.measure_value("growth", current=VILLAGES_2024, previous=VILLAGES_2023, basis="total") == D("20.00")
    # operating 55 -> 70
    assert rules.measure_value("growth", current=VILLAGES_2024, previous=VILLAGES_2023) == D("27.27")


def test_share_of_the_increment_that_is_operating():
    # total +28, operating +15 -> 53.57 %
    assert rules.measure_value("increment_operating_share", current=VILLAGES_2024, previous=VILLAGES_2023) == D("53.57")


def test_growth_without_a_previous_year_has_no_figure():
    assert rules.measure_value("growth", current=VILLAGES_2024, previous={}) is None
    assert rules.measure_value("increment_operating_share", current=VILLAGES_2024, previous=None) is None


def test_an_increment_share_without_growth_in_total_has_no_figure():
    flat = {"a": inc(100, 60)}
    assert rules.measure_value("increment_operating_share", current=flat, previous={"a": inc(100, 50)}) is None


def test_no_records_means_no_figure_rather_than_zero():
    assert rules.measure_value("share_at_level", current={}, level=D("10")) is None
    assert rules.measure_value("sum", current={}) is None


def test_weak_count_uses_the_county_threshold():
    assert rules.measure_value("count_weak", current=VILLAGES_2024, weak_threshold=D("5")) == D("1")
    assert rules.measure_value("count_weak", current=VILLAGES_2024, weak_threshold=D("55")) == D("3")
