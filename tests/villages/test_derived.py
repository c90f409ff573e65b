"""Derived indicators: each rule on a hand-made set of villages, and the light through the same status rule."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from targets.choices import Frequency, Light
from targets.models import Indicator
from targets.selectors import indicator_rows
from tests.factories import IndicatorFactory, ProgressReportFactory
from villages import derived
from villages.models import CountyEconomySettings, DerivedRule, IncomeRecord, RecordStatus

from .conftest import approved

D = Decimal


@pytest.fixture
def income(villages, supervisor):
    """2023 and 2024 whole-year figures (total, operating) for the five villages; e has no 2024 record."""
    figures = {
        "a": {2023: (100, 50), 2024: (120, 60)},
        "b": {2023: (30, 5), 2024: (40, 10)},
        "c": {2023: (200, 150), 2024: (260, 180)},
        "d": {2023: (10, 0), 2024: (12, 0)},
        "e": {2023: (9, 4)},
    }
    for key, years in figures.items():
        for year, (total, operating) in years.items():
            approved(villages[key], year, total, operating, supervisor)
    return figures


def rule_for(target, scope, measure, **options):
    indicator = IndicatorFactory(
        target=target,
        name=measure,
        unit="%",
        baseline=D("0"),
        target_value=D("100"),
        start_date=date(2025, 1, 1),
        deadline=date(2025, 12, 31),
        frequency=Frequency.QUARTERLY,
    )
    return DerivedRule.objects.create(indicator=indicator, measure=measure, scope=scope, **options)


def figure(rule, year=2024):
    return derived.rule_detail(rule, year)["value"]


@pytest.mark.parametrize(
    "measure, options, expected",
    [
        ("share_at_level", {"level": D("50")}, D("50.00")),  # a, c of a b c d
        ("share_at_level", {"level": D("10"), "village_type": "行政村"}, D("66.67")),  # a, b of a b d
        ("count_at_level", {"level": D("60"), "basis": "operating"}, D("2")),  # a (exactly 60), c
        ("count_at_level", {"level": D("100"), "basis": "total"}, D("2")),
        ("count_hollow", {}, D("1")),  # d
        ("count_weak", {}, D("1")),  # d; b has exactly 10
        ("sum", {"basis": "total"}, D("432.00")),
        ("sum", {"basis": "operating"}, D("250.00")),
        ("growth", {"basis": "total"}, D("27.06")),  # a b c d: 340 -> 432
        ("growth", {"basis": "operating"}, D("21.95")),  # 205 -> 250
        ("increment_operating_share", {}, D("48.91")),  # 45 of 92
    ],
)
def test_each_rule_on_the_whole_county(target, county, income, measure, options, expected):
    assert figure(rule_for(target, county, measure, **options)) == expected


def test_a_township_scope_counts_only_its_villages(target, township, other_township, income):
    assert figure(rule_for(target, township, "sum", basis="total")) == D("420.00")
    assert figure(rule_for(target, other_township, "sum", basis="total")) == D("12.00")


def test_a_flag_selects_the_subset(target, county, income):
    rule = rule_for(target, county, "share_at_level", level=D("10"), flag="脱贫村")
    assert figure(rule) == D("50.00")  # b reaches 10, d does not
    detail = derived.rule_detail(rule, 2024)
    assert {r.village.name for r in detail["rows"]} == {"小荆村", "口筐村"}
    assert [r.village.name for r in detail["rows"] if r.counted] == ["小荆村"]


def test_the_county_weak_threshold_applies(target, county, income):
    CountyEconomySettings.objects.create(county=county, weak_threshold=D("20"))
    assert figure(rule_for(target, county, "count_weak")) == D("2")  # b 10, d 0; e has no 2024 record
    assert figure(rule_for(target, county, "count_weak"), 2023) == D("3")  # b 5, d 0, e 4


def test_a_village_without_a_record_is_listed_but_not_counted(target, county, income):
    detail = derived.rule_detail(rule_for(target, county, "sum", basis="total"), 2024)
    missing = [r.village.name for r in detail["rows"] if r.income is None]
    assert missing == ["东臼村"]
    assert detail["with_record"] == 4


def test_only_approved_whole_year_records_count(target, county, income, villages, supervisor):
    rule = rule_for(target, county, "sum", basis="total")
    IncomeRecord.objects.create(
        village=villages["e"],
        year=2024,
        total_income=D("1000"),
        operating_income=D("1"),
        status=RecordStatus.SUBMITTED,
        created_by=supervisor,
    )
    approved(villages["e"], 2024, 500, 400, supervisor, quarter=3)
    assert figure(rule) == D("432.00")


def test_the_light_follows_the_status_rule_and_changes_when_a_record_is_approved(
    target, county, income, villages, supervisor, dept
):
    rule = rule_for(target, county, "share_at_level", level=D("50"))
    indicator = rule.indicator
    indicator.baseline, indicator.target_value = D("40"), D("80")
    indicator.save()
    # A report typed in by a unit is ignored for a derived indicator.
    ProgressReportFactory(
        indicator=indicator,
        unit=dept,
        period_start=date(2025, 4, 1),
        value=D("80"),
        status=RecordStatus.SUBMITTED,
        submitted_at=timezone.now(),
        created_by=supervisor,
    )
    as_of = date(2025, 8, 1)
    row = indicator_rows(Indicator.objects.filter(pk=indicator.pk), as_of)[indicator.pk]
    # 2024 share 50 % -> completion 25 %; expected at the 25 June checkpoint about 48 %.
    assert row.status.actual == D("50.00")
    assert row.status.status == Light.RED
    assert [p.period_start for p in row.series] == [date(2025, 1, 1), date(2025, 4, 1), date(2025, 7, 1)]
    approved(villages["b"], 2025, 80, 70, supervisor, on=timezone.make_aware(datetime(2025, 7, 10)))
    approved(villages["d"], 2025, 80, 70, supervisor, on=timezone.make_aware(datetime(2025, 7, 10)))
    row = indicator_rows(Indicator.objects.filter(pk=indicator.pk), as_of)[indicator.pk]
    assert row.status.actual == D("100.00")  # the 2025 figure: b and d, both at 70
    assert row.status.status == Light.DONE


def test_a_reopened_record_no_longer_counts(target, county, income, villages, supervisor):
    from villages.services import income_record_reopen

    rule = rule_for(target, county, "sum", basis="total")
    assert figure(rule) == D("432.00")
    record = IncomeRecord.objects.get(village=villages["c"], year=2024)
    income_record_reopen(record=record, by=supervisor, reason="数据有误")
    assert figure(rule) == D("172.00")  # a b d without c's 260


def test_a_figure_approved_after_as_of_is_not_known_then(target, county, villages, supervisor):
    rule = rule_for(target, county, "sum", basis="total")
    approved(villages["a"], 2024, 100, 50, supervisor, on=timezone.make_aware(datetime(2025, 3, 1)))
    before = indicator_rows(Indicator.objects.filter(pk=rule.indicator_id), date(2025, 2, 1))[rule.indicator_id]
    after = indicator_rows(Indicator.objects.filter(pk=rule.indicator_id), date(2025, 5, 1))[rule.indicator_id]
    assert before.series == [] and before.status.actual == D("0")  # the baseline: nothing known yet
    assert after.status.actual == D("100.00")


def test_no_village_records_means_the_indicator_is_missing_its_data(target, county, villages):
    rule = rule_for(target, county, "sum", basis="total")
    row = indicator_rows(Indicator.objects.filter(pk=rule.indicator_id), date(2025, 11, 1))[rule.indicator_id]
    assert row.series == []
    assert row.status.status == Light.RED  # two quarters past due without a figure


def test_indicator_rows_reads_derived_figures_in_a_fixed_number_of_queries(target, county, township, income):
    def count(n):
        for i in range(n):
            rule_for(target, township if i % 2 else county, "share_at_level", level=D(10 + i))
        with CaptureQueriesContext(connection) as ctx:
            indicator_rows(Indicator.objects.filter(target=target), date(2025, 8, 1))
        Indicator.objects.filter(target=target).delete()
        return len(ctx.captured_queries)

    assert count(2) == count(12)


def test_the_rule_is_said_in_words(target, county):
    rule = rule_for(target, county, "share_at_level", level=D("50"), village_type="行政村", flag="脱贫村")
    from django.utils import translation

    with translation.override("en"):
        words = derived.rule_in_words(rule)
    assert "administrative villages flagged 脱贫村" in words and "洞头区" in words and "50 万元" in words
