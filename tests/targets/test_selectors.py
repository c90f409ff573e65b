import os
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from core import periods
from targets import selectors
from targets.choices import Frequency, Kind, ReportStatus
from targets.models import Allocation, Indicator, ProgressReport
from targets.selectors import expected_reporters

from ..factories import IndicatorFactory, ProgressReportFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_the_first_lead_unit_owes_the_report_of_an_unallocated_indicator(indicator, dept, other_unit):
    indicator.target.lead_units.add(other_unit)
    assert expected_reporters([indicator.pk]) == {indicator.pk: [dept.pk]}


def test_allocated_townships_owe_their_own_reports(indicator, town_unit):
    Allocation.objects.create(indicator=indicator, unit=town_unit, target_value=10)
    assert expected_reporters([indicator.pk]) == {indicator.pk: [town_unit.pk]}


def _random_history(rng, indicator, units, by):
    """Three years of reports of every status, some submitted weeks late, values that go up and down."""
    step = 3 if indicator.frequency == Frequency.QUARTERLY else 1
    reports = []
    for unit in units:
        value = Decimal(0)
        for month in range(0, 42, step):
            period = date(2023 + month // 12, month % 12 + 1, 1)
            if rng.random() < 0.25:
                continue
            value += Decimal(rng.randint(-5, 60))
            status = rng.choice(
                [
                    ReportStatus.SUBMITTED,
                    ReportStatus.APPROVED,
                    ReportStatus.APPROVED,
                    ReportStatus.RETURNED,
                    ReportStatus.DRAFT,
                ]
            )
            due = periods.due_date(period, indicator.frequency)
            on = due + timedelta(days=rng.randint(-20, 120))
            reports.append(
                ProgressReport(
                    indicator=indicator,
                    unit=unit,
                    period_start=period,
                    value=value,
                    status=status,
                    created_by=by,
                    submitted_by=None if status == ReportStatus.DRAFT else by,
                    submitted_at=None
                    if status == ReportStatus.DRAFT
                    else datetime.combine(on, time(9), tzinfo=SHANGHAI),
                )
            )
    ProgressReport.objects.bulk_create(reports)


@pytest.mark.parametrize("seed", range(int(os.environ.get("WINDOW_SEEDS", 3))))
def test_lights_read_from_the_recent_periods_equal_lights_read_from_the_whole_history(
    seed, target, dept, town_unit, other_unit, dept_reporter
):
    """indicator_rows reads only the periods that can move a light (rules.window_start); over three
    years of messy history the lights must be exactly those the whole history gives, on every day."""
    rng = random.Random(seed)
    span = {"start_date": date(2023, 1, 1), "deadline": date(2025, 6, 30)}
    indicators = [
        IndicatorFactory(target=target, name="月度", **span),
        IndicatorFactory(target=target, name="季度", frequency=Frequency.QUARTERLY, **span),
        IndicatorFactory(target=target, name="上限", kind=Kind.CEILING, target_value=500, **span),
        IndicatorFactory(target=target, name="分解", **span),
    ]
    for unit in (town_unit, other_unit):
        Allocation.objects.create(indicator=indicators[-1], unit=unit, target_value=600)
    for indicator in indicators:
        _random_history(rng, indicator, [dept, town_unit, other_unit], dept_reporter)
    days = [date(2023 + m // 12, m % 12 + 1, d) for m in range(0, 44) for d in (25, 26)]
    queryset = Indicator.objects.filter(pk__in=[i.pk for i in indicators])
    for day in days:
        window = selectors.indicator_rows(queryset, day)
        whole = selectors.indicator_rows(queryset, day, full_series=True)
        for pk in window:
            assert window[pk].status == whole[pk].status, (
                day,
                window[pk].indicator.name,
                window[pk].series,
                whole[pk].series,
            )


def test_a_past_day_is_judged_on_the_reports_submitted_by_then(indicator, dept, dept_reporter):
    ProgressReportFactory(
        indicator=indicator,
        unit=dept,
        created_by=dept_reporter,
        period_start=date(2025, 4, 1),
        value=400,
        status=ReportStatus.APPROVED,
        submitted_at=datetime(2025, 4, 20, 9, tzinfo=SHANGHAI),
    )
    ProgressReportFactory(
        indicator=indicator,
        unit=dept,
        created_by=dept_reporter,
        period_start=date(2025, 5, 1),
        value=900,
        status=ReportStatus.SUBMITTED,
        submitted_at=datetime(2025, 7, 2, 9, tzinfo=SHANGHAI),
    )
    queryset = Indicator.objects.filter(pk=indicator.pk)
    assert selectors.indicator_rows(queryset, date(2025, 6, 30))[indicator.pk].status.actual == 400
    assert selectors.indicator_rows(queryset, date(2025, 7, 3))[indicator.pk].status.actual == 900


@pytest.mark.parametrize("full_series", [False, True])
def test_days_are_beijing_days_not_utc_days(indicator, dept, dept_reporter, full_series):
    """07:30 on 26 June in Beijing is still 25 June in UTC: the report was submitted on the 26th,
    so it does not count on the 25th, and counts on the 26th; one entered at 23:30 on the 25th
    (15:30 UTC) counts on the 25th."""
    ProgressReportFactory(
        indicator=indicator,
        unit=dept,
        created_by=dept_reporter,
        period_start=date(2025, 4, 1),
        value=400,
        status=ReportStatus.APPROVED,
        submitted_at=datetime(2025, 6, 25, 23, 30, tzinfo=SHANGHAI),
    )
    ProgressReportFactory(
        indicator=indicator,
        unit=dept,
        created_by=dept_reporter,
        period_start=date(2025, 5, 1),
        value=900,
        status=ReportStatus.SUBMITTED,
        submitted_at=datetime(2025, 6, 26, 7, 30, tzinfo=SHANGHAI),
    )
    queryset = Indicator.objects.filter(pk=indicator.pk)
    on_25th = selectors.indicator_rows(queryset, date(2025, 6, 25), full_series=full_series)[indicator.pk]
    on_26th = selectors.indicator_rows(queryset, date(2025, 6, 26), full_series=full_series)[indicator.pk]
    assert on_25th.status.actual == 400
    assert on_26th.status.actual == 900
    assert [p.submitted_on for p in on_26th.series] == [date(2025, 6, 25), date(2025, 6, 26)]


def test_the_ledger_gets_the_latest_counted_report_itself(indicator, dept, dept_reporter):
    for month, value in ((4, 100), (5, 200)):
        ProgressReportFactory(
            indicator=indicator,
            unit=dept,
            created_by=dept_reporter,
            period_start=date(2025, month, 1),
            value=value,
            narrative=f"{month}月进展",
            status=ReportStatus.APPROVED,
            submitted_at=datetime(2025, month, 20, 9, tzinfo=SHANGHAI),
        )
    row = selectors.indicator_rows(Indicator.objects.filter(pk=indicator.pk), date(2025, 6, 1), with_last_report=True)[
        indicator.pk
    ]
    assert row.last_report.narrative == "5月进展"


def test_the_first_lead_of_the_table_owes_the_report_whatever_the_units_ids(plan, county):
    """The table lists 区住建局 first; it was created last, so a many-to-many add() would put it last."""
    from targets.services import target_units_set

    from ..factories import TargetFactory, UnitFactory

    older, old, listed_first = (
        UnitFactory(county=county, name=n) for n in ("区农业农村局", "区文广旅体局", "区住建局")
    )
    finance = UnitFactory(county=county, name="区财政局")
    target = TargetFactory(plan=plan)
    target_units_set(target=target, leads=[listed_first, older, old], co_units=[older, finance])
    indicator = IndicatorFactory(target=target)
    assert expected_reporters([indicator.pk]) == {indicator.pk: [listed_first.pk]}
    assert list(target.co_units.all()) == [finance]  # a lead is not also a co-unit
