from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from regions.models import Region, Unit, UnitKind
from supervision import figures
from supervision.models import StatusSnapshot, SupervisionItem
from supervision.services import snapshot_freeze
from targets.models import Allocation, Indicator, Plan, Section, Target

from ..factories import IndicatorFactory, RegionFactory, SectionFactory, TargetFactory, UserFactory
from .builders import submitted
from .test_query_counts import build_county

MAY, JUNE = date(2025, 5, 31), date(2025, 6, 30)


@pytest.fixture
def county_data(plan, target, indicator, dept, dept_reporter, town_unit, town_reporter, township):
    """A: amber in May, red in June. B: green in May, done in June. C: allocated to 大门镇, which is behind."""
    section = SectionFactory(plan=plan, title="一、发展目标")
    target.section = section
    target.save()
    indicator.name = "A"
    indicator.save()
    ahead = IndicatorFactory(target=target, name="B")
    shared_target = TargetFactory(plan=plan, name="全域整治", all_townships=True)
    shared_target.lead_units.add(dept)
    allocated = IndicatorFactory(target=shared_target, name="C", target_value=Decimal("100"))
    Allocation.objects.create(indicator=allocated, unit=town_unit, target_value=Decimal("100"))
    submitted(indicator, dept, date(2025, 5, 1), 300, date(2025, 5, 20), dept_reporter)
    submitted(ahead, dept, date(2025, 5, 1), 600, date(2025, 5, 20), dept_reporter)
    submitted(ahead, dept, date(2025, 6, 1), 1200, date(2025, 6, 28), dept_reporter, late=True)
    submitted(allocated, town_unit, date(2025, 5, 1), 5, date(2025, 5, 21), town_reporter)
    submitted(allocated, town_unit, date(2025, 6, 1), 6, date(2025, 6, 21), town_reporter)
    snapshot_freeze(as_of=MAY)
    snapshot_freeze(as_of=JUNE)
    return {"A": indicator, "B": ahead, "C": allocated, "section": section}


def test_light_counts_give_the_change_since_the_previous_month_end(county, county_data):
    counts = figures.light_counts(region=county, as_of=date(2025, 6, 15))
    assert counts.as_of == JUNE and counts.previous_as_of == MAY
    assert counts.counts == {"not_started": 0, "done": 1, "green": 0, "amber": 0, "red": 2}
    assert counts.previous == {"not_started": 0, "done": 0, "green": 1, "amber": 1, "red": 1}
    assert counts.change["red"] == 1 and counts.change["amber"] == -1 and counts.change["done"] == 1


def test_a_month_without_snapshots_counts_nothing_rather_than_guessing(county, county_data):
    assert figures.light_counts(region=county, as_of=date(2025, 8, 1)).total == 0


def test_another_region_sees_none_of_the_county(county_data):
    other = RegionFactory(code="330306000000", name="另一区")
    assert figures.light_counts(region=other, as_of=JUNE).total == 0


def test_counts_split_by_section_lead_unit_and_township(county, county_data, dept, township):
    by_section = {g.label: g.counts for g in figures.light_counts_by(dimension="section", region=county, as_of=JUNE)}
    assert by_section["一、发展目标"]["red"] == 1 and by_section["一、发展目标"]["done"] == 1
    by_lead = figures.light_counts_by(dimension="lead_unit", region=county, as_of=JUNE)
    assert [(g.label, g.total) for g in by_lead] == [("区农业农村局", 3)]
    by_township = figures.light_counts_by(dimension="township", region=county, as_of=JUNE)
    # 大门镇's own share: 6 of 100 at the end of June is far behind its pace.
    assert [(g.label, g.code, g.counts["red"]) for g in by_township] == [("大门镇", township.code, 1)]


def test_unknown_dimension_is_refused(county):
    with pytest.raises(ValueError, match="dimension"):
        figures.light_counts_by(dimension="village", region=county, as_of=JUNE)


def test_filters_by_plan_section_unit_township_and_light(county, county_data, plan, town_unit, township, other_unit):
    assert figures.snapshots(region=county, as_of=JUNE, section=county_data["section"]).count() == 2
    assert figures.snapshots(region=county, as_of=JUNE, unit=town_unit).count() == 1
    assert figures.snapshots(region=county, as_of=JUNE, unit=other_unit).count() == 0
    township_rows = figures.snapshots(region=county, as_of=JUNE, township=township)
    assert [(s.indicator.name, s.unit_id) for s in township_rows] == [("C", town_unit.pk)]
    assert figures.snapshots(region=county, as_of=JUNE, light="done").get().indicator.name == "B"


def test_trend_lists_twelve_month_ends_oldest_first(county, county_data):
    points = figures.trend(region=county, as_of=JUNE)
    assert len(points) == 12
    assert points[0].as_of == date(2024, 7, 31) and points[-1].as_of == JUNE
    assert points[-2].counts["amber"] == 1 and points[-1].counts["red"] == 2
    assert sum(points[0].counts.values()) == 0


def test_reporting_rates_count_expected_submitted_and_on_time_per_unit(county, county_data, dept, town_unit):
    rates = {r.label: r for r in figures.reporting_rates(region=county, month=date(2025, 6, 1))}
    # The agriculture bureau owes A and B (first lead), 大门镇 owes its share of C.
    assert (rates["区农业农村局"].expected, rates["区农业农村局"].submitted, rates["区农业农村局"].on_time) == (2, 1, 0)
    assert rates["区农业农村局"].on_time_rate == Decimal("0.0")
    assert (rates["大门镇"].expected, rates["大门镇"].submitted, rates["大门镇"].on_time) == (1, 1, 1)
    assert rates["大门镇"].on_time_rate == Decimal("100.0")


def test_quarterly_indicators_are_owed_only_in_the_quarters_last_month(county, target, dept):
    IndicatorFactory(target=target, frequency="quarterly")
    assert figures.reporting_rates(region=county, month=date(2025, 5, 1)) == []
    assert figures.reporting_rates(region=county, month=date(2025, 6, 1))[0].expected == 1


def test_league_table_ranks_by_on_time_rate_then_completion_then_red(county, county_data):
    tables = figures.league_table(region=county, month=date(2025, 6, 1))
    [department] = tables["units"]
    assert (department.label, department.rank, department.red, department.on_time_rate) == (
        "区农业农村局",
        1,
        2,
        Decimal("0.0"),
    )
    # Completion is capped at 100 %: A at 25 %, B at 100 %, C (its county figure) at 6 %.
    assert department.completion == Decimal("43.7")
    [town] = tables["townships"]
    assert (town.label, town.on_time_rate, town.completion, town.red) == ("大门镇", Decimal("100.0"), Decimal("6.0"), 1)


def test_league_table_above_county_level_ranks_counties(county, county_data):
    province = RegionFactory(code="330000000000", name="浙江省", level="province")
    [row] = figures.league_table(region=province, month=date(2025, 6, 1))["counties"]
    assert (row.label, row.code, row.rank) == ("洞头区", county.code, 1)


def test_flagged_lists_worst_first_with_reasons_leads_and_days_behind(county, county_data):
    result = figures.flagged(region=county, as_of=JUNE)
    assert result.total == 2
    worst = result.rows[0]
    assert worst.name == "C" and worst.status == "red" and worst.lead_units == ["区农业农村局"]
    a = result.rows[1]
    assert a.name == "A" and a.gap == Decimal("23.08")
    assert any("2025年6月" in reason for reason in a.reasons)  # the missing June report, in Chinese words
    # 300 of 1200 was expected on 2 April; the checkpoint is 25 June.
    assert a.days_behind == (date(2025, 6, 25) - date(2025, 4, 2)).days


def test_flagged_pages_and_counts_all(county, county_data):
    page = figures.flagged(region=county, as_of=JUNE, limit=1, offset=1)
    assert page.total == 2 and [r.name for r in page.rows] == ["A"]


def test_newly_done_are_those_not_done_a_month_before(county, county_data):
    assert [d.name for d in figures.newly_done(region=county, as_of=JUNE)] == ["B"]
    assert figures.newly_done(region=county, as_of=MAY) == []


def test_open_items_flag_replies_past_their_date(county, county_data, dept, supervisor):
    item = SupervisionItem.objects.create(
        indicator=county_data["A"], unit=dept, notice="说明原因", reply_due=date(2025, 7, 5), issued_by=supervisor
    )
    [row] = figures.open_items(region=county, today=date(2025, 7, 6))
    assert row.id == item.pk and row.overdue
    assert not figures.open_items(region=county, today=date(2025, 7, 5))[0].overdue


def test_newly_done_follows_the_dashboard_filters(county, county_data, plan, other_unit, township, dept):
    from ..factories import PlanFactory

    assert [d.name for d in figures.newly_done(region=county, as_of=JUNE, section=county_data["section"])] == ["B"]
    assert [d.name for d in figures.newly_done(region=county, as_of=JUNE, unit=dept)] == ["B"]
    assert figures.newly_done(region=county, as_of=JUNE, unit=other_unit) == []
    assert figures.newly_done(region=county, as_of=JUNE, township=township) == []  # 大门镇's share of C is red
    assert figures.newly_done(region=county, as_of=JUNE, plan=PlanFactory(region=county)) == []


def test_open_items_follow_the_dashboard_filters(
    county, county_data, dept, town_unit, other_unit, township, supervisor
):
    from supervision.selectors import overview

    from ..factories import PlanFactory

    on_a = SupervisionItem.objects.create(
        indicator=county_data["A"], unit=dept, notice="说明原因", reply_due=date(2025, 7, 5), issued_by=supervisor
    )
    on_c = SupervisionItem.objects.create(
        indicator=county_data["C"], unit=town_unit, notice="说明原因", reply_due=date(2025, 7, 6), issued_by=supervisor
    )

    def ids(**filters):
        return [i.id for i in figures.open_items(region=county, today=date(2025, 7, 1), as_of=JUNE, **filters)]

    assert ids() == [on_a.pk, on_c.pk]
    assert ids(section=county_data["section"]) == [on_a.pk]
    assert ids(township=township) == [on_c.pk]
    assert ids(unit=other_unit) == []
    assert ids(plan=PlanFactory(region=county)) == []
    assert ids(light="red") == [on_a.pk, on_c.pk] and ids(light="done") == []
    # The dashboard passes its filters on: the tile counts what the other tiles count.
    assert [i.id for i in overview(region=county, as_of=JUNE, township=township).figures["items"]] == [on_c.pk]
    assert overview(region=county, as_of=JUNE, light="done").figures["items"] == []
    assert [d.name for d in overview(region=county, as_of=JUNE, unit=other_unit).figures["newly_done"]] == []


def test_reporting_rates_owe_what_the_rule_owes_on_every_calendar(county, plan, target, dept, town_unit, other_unit):
    """The database counts the cells `rules.owed_period` owes: random frequencies, starts (mid-period
    too), deadlines, a plan's first reporting period, allocations and second lead units, month by month."""
    import random

    from targets import rules

    rng = random.Random(17)
    target.lead_units.add(other_unit)  # the first lead listed (dept) reports, never the second
    plan.first_period = date(2025, 4, 1)
    plan.save()
    indicators = []
    for n in range(40):
        start = date(2025, rng.randint(1, 12), rng.choice((1, 10, 28)))
        deadline = date(2025 + rng.randint(0, 1), rng.randint(1, 12), 28)
        indicator = IndicatorFactory(
            target=target,
            name=f"指标{n}",
            frequency=rng.choice(("monthly", "quarterly")),
            start_date=min(start, deadline),
            deadline=max(start, deadline),
        )
        if n % 4 == 0:
            Allocation.objects.create(indicator=indicator, unit=town_unit, target_value=Decimal("100"))
        indicators.append(indicator)
    for m in range(1, 25):
        month = date(2025 + (m - 1) // 12, (m - 1) % 12 + 1, 1)
        owed = [
            i
            for i in indicators
            if rules.owed_period(i.frequency, i.start_date, i.deadline, month, plan.first_period) is not None
        ]
        expected = {
            "区农业农村局": sum(1 for i in owed if not i.allocations.exists()),
            "大门镇": sum(1 for i in owed if i.allocations.exists()),
        }
        rates = {r.label: r.expected for r in figures.reporting_rates(region=county, month=month)}
        assert rates == {k: v for k, v in expected.items() if v}, month
        assert {r.label: r.expected for r in figures.reporting_rates(region=county, month=month, unit=town_unit)} == (
            {"大门镇": expected["大门镇"]} if expected["大门镇"] else {}
        ), month


@pytest.mark.django_db
@time_machine.travel("2025-07-10 10:00 +08:00", tick=False)
def test_the_overviews_lists_show_the_first_rows_the_list_page_shows_at_each_light():
    county, _indicator = build_county("330302000000", 300, UserFactory(role=Role.ADMIN))
    june = date(2025, 6, 1)
    totals = figures.light_counts(region=county, as_of=june).counts
    lists = figures.flagged_lists(
        region=county, as_of=june, totals={"red": totals["red"], "amber": totals["amber"]}, limit=7
    )
    for light in ("red", "amber"):
        page = figures.flagged(region=county, as_of=june, lights=(light,), limit=7)
        assert page.total > 7 and lists[light].total == page.total
        assert [r.indicator_id for r in lists[light].rows] == [r.indicator_id for r in page.rows]


def _split_rows(groups):
    return [(g.key, g.label, g.code, g.order, g.counts) for g in groups]


@pytest.mark.parametrize(
    "filters",
    ["", "light=red", "light=flagged", "township", "township+light=amber", "section", "unit", "plan"],
)
@time_machine.travel("2025-07-10 10:00 +08:00", tick=False)
def test_the_overview_counts_in_one_query_what_the_light_counts_count_one_at_a_time(db, filters):
    author = UserFactory(username="admin1", role=Role.ADMIN)
    county, _indicator = build_county("330302000000", 90, author)
    # A section three deep: its lights count under the top section it stands in.
    sub = Section.objects.filter(plan__region=county, parent__isnull=False).first()
    deep = Section.objects.create(plan=sub.plan, parent=sub, title="1. 细项", order=3)
    Target.objects.filter(pk__in=Target.objects.filter(section=sub).values("pk")[:5]).update(section=deep)
    Target.objects.filter(pk__in=Target.objects.filter(plan__region=county).values("pk")[:2]).update(section=None)
    snapshot_freeze(as_of=JUNE, indicators=Indicator.objects.filter(target__plan__region=county))
    scope = {"region": county}
    if "light=red" in filters:
        scope["light"] = "red"
    if "light=flagged" in filters:
        scope["light"] = figures.FLAGGED
    if "light=amber" in filters:
        scope["light"] = "amber"
    if "township" in filters:
        scope["township"] = Region.objects.filter(parent=county).order_by("code").first()
    if "section" in filters:
        scope["section"] = Section.objects.get(plan__region=county, parent=None)
    if "unit" in filters:
        scope["unit"] = Unit.objects.filter(county=county, kind=UnitKind.TOWNSHIP).first()
    if "plan" in filters:
        scope["plan"] = Plan.objects.get(region=county)
    dimensions = ("section", "lead_unit", "township")
    with CaptureQueriesContext(connection) as queries:
        counts, splits = figures.overview_counts(as_of=JUNE, dimensions=dimensions, **scope)
    # The counts, the names of the lead units and townships, and a section filter's nested sections.
    assert len(queries) <= 4
    alone = figures.light_counts(as_of=JUNE, **scope)
    assert (counts.as_of, counts.previous_as_of, counts.counts, counts.previous) == (
        alone.as_of,
        alone.previous_as_of,
        alone.counts,
        alone.previous,
    )
    assert counts.total > 0
    for dimension in dimensions:
        one = figures.light_counts_by(dimension=dimension, as_of=JUNE, **scope)
        assert _split_rows(splits[dimension]) == _split_rows(one), dimension
    if not filters:
        assert {g.label for g in splits["section"]} == {"一、目标", ""}
        assert sum(g.total for g in splits["township"]) > 0


@time_machine.travel("2025-07-10 10:00 +08:00", tick=False)
def test_the_overview_counts_by_county_as_the_county_split_does(db):
    author = UserFactory(username="admin1", role=Role.ADMIN)
    build_county("330301000000", 30, author)
    build_county("330302000000", 60, author)
    counts, splits = figures.overview_counts(region=None, as_of=JUNE, dimensions=("county",))
    assert counts.counts == figures.light_counts(region=None, as_of=JUNE).counts
    county_split = figures.light_counts_by(dimension="county", region=None, as_of=JUNE)
    assert _split_rows(splits["county"]) == _split_rows(county_split)
    assert len(splits["county"]) == 2


def test_league_completion_leaves_out_lights_without_a_completion(county, county_data, target):
    # D starts after June: its June light has no completion, so the average is A's, B's and C's alone
    # on every database (PostgreSQL's LEAST would have counted it as 100 %).
    IndicatorFactory(target=target, name="D", start_date=date(2025, 9, 1))
    snapshot_freeze(as_of=JUNE)
    d = StatusSnapshot.objects.get(indicator__name="D", as_of=JUNE, unit=None)
    assert d.completion is None
    [department] = figures.league_table(region=county, month=date(2025, 6, 1))["units"]
    assert department.completion == Decimal("43.7")
