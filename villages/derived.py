"""Indicators whose actual value comes from village income records (villages.DerivedRule).

Computed on read, never stored: each time a light is evaluated, the approved whole-year income
records of the rule's villages are read in bulk and turned into a series of `rules.ReportPoint`s,
one per reporting period of the indicator, which then goes through the same status rule as
reported figures. Approving, returning or correcting a record therefore changes the figure at
once, and there is no stored copy to fall out of date.

For each period the value is the figure of the latest year (not after the period's year) whose
records had been approved by `as_of`; the point counts from the later of the period's start and
the day that year's last record was approved.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import timezone as dt_timezone
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.periods import first_period, next_period_start
from regions.models import Region, RegionLevel
from regions.selectors import PREFIX_LENGTH, region_prefix
from targets import rules as status_rules

from . import rules
from .models import DerivedRule, IncomeRecord, Measure, RecordStatus, VillageType
from .selectors import Place, VillageFacts, economy_settings_for, village_facts


@dataclass
class RuleData:
    """The villages a rule counts and their approved whole-year income, by year."""

    rule: DerivedRule
    villages: dict[int, VillageFacts]
    income: dict[int, dict[int, rules.Income]] = field(default_factory=dict)
    approved_on: dict[int, date] = field(default_factory=dict)
    weak_threshold: Decimal = rules.DEFAULT_WEAK_THRESHOLD

    def figure(self, year: int) -> Decimal | None:
        rule = self.rule
        return rules.measure_value(
            rule.measure,
            current=self.income.get(year, {}),
            previous=self.income.get(year - 1, {}),
            basis=rule.basis,
            level=rule.level,
            weak_threshold=self.weak_threshold,
        )


_LONG_AGO = datetime(1970, 1, 1, tzinfo=dt_timezone.utc)


def _prefixes_q(prefixes, path: str) -> Q:
    q = Q(pk__in=[])
    for prefix in prefixes:
        q |= Q(**{f"{path}code__startswith": prefix})
    return q


def _in_subset(rule: DerivedRule, village: VillageFacts) -> bool:
    if rule.flag and rule.flag not in village.flags:
        return False
    return not rule.village_type or village.village_type == rule.village_type


def rule_data(derived_rules) -> dict[int, RuleData]:
    """Per indicator id, the data of its rule: three queries whatever the number of rules."""
    derived_rules = list(derived_rules)
    if not derived_rules:
        return {}
    prefixes = {region_prefix(r.scope) for r in derived_rules}
    # Index the villages by every prefix a rule may use, so each rule reads only its own.
    by_prefix = defaultdict(list)
    for village in village_facts(Region.objects.filter(_prefixes_q(prefixes, ""), level=RegionLevel.VILLAGE)):
        by_prefix[village.village.code[:6]].append(village)
        by_prefix[village.village.code[:9]].append(village)
    records = IncomeRecord.objects.filter(
        _prefixes_q(prefixes, "village__"), quarter=0, status=RecordStatus.APPROVED
    ).values_list("village_id", "year", "total_income", "operating_income", "reviewed_at")
    by_village = defaultdict(list)
    for village_id, year, total, operating, reviewed_at in records:
        by_village[village_id].append((year, rules.Income(total, operating), reviewed_at or _LONG_AGO))
    thresholds = economy_settings_for({r.scope.code[:6] for r in derived_rules})
    result = {}
    for rule in derived_rules:
        data = RuleData(rule=rule, villages={}, weak_threshold=thresholds[rule.scope.code[:6]][1])
        for village in by_prefix[region_prefix(rule.scope)]:
            if not _in_subset(rule, village):
                continue
            data.villages[village.village.pk] = village
            for year, income, reviewed_at in by_village.get(village.village.pk, ()):
                data.income.setdefault(year, {})[village.village.pk] = income
                data.approved_on[year] = max(data.approved_on.get(year, _LONG_AGO), reviewed_at)
        # Dates in the local zone, converted once per year rather than once per record (it shows at province scale).
        data.approved_on = {year: timezone.localdate(at) for year, at in data.approved_on.items()}
        result[rule.indicator_id] = data
    return result


def _periods(indicator, as_of: date) -> list[date]:
    frequency = indicator.frequency
    p = first_period(indicator.start_date, frequency)
    periods = []
    while p <= as_of and p <= indicator.deadline:
        periods.append(p)
        p = next_period_start(p, frequency)
    return periods


def series_for(indicator, data: RuleData, as_of: date) -> list[status_rules.ReportPoint]:
    """One point per period of the indicator up to `as_of`, from the latest year known by then."""
    figures = {year: data.figure(year) for year in data.income if data.approved_on[year] <= as_of}
    known = sorted(year for year, value in figures.items() if value is not None)
    points = []
    for period in _periods(indicator, as_of):
        years = [y for y in known if y <= period.year]
        if years:
            year = years[-1]
            points.append(
                status_rules.ReportPoint(
                    period_start=period, value=figures[year], submitted_on=max(period, data.approved_on[year])
                )
            )
    return points


def derived_series(indicators, as_of: date) -> dict[int, list[status_rules.ReportPoint]]:
    """For the indicators that have a derived rule, their series; the others are not in the result."""
    by_id = {i.pk: i for i in indicators}
    found = DerivedRule.objects.filter(indicator_id__in=list(by_id)).select_related("scope")
    return {pk: series_for(by_id[pk], data, as_of) for pk, data in rule_data(found).items()}


def indicators_over(region: Region) -> list[int]:
    """The derived indicators whose villages overlap `region` (a village, a township, a county): those a
    change to its village records, profiles or settings may move."""
    prefix = region_prefix(region)
    rules_ = DerivedRule.objects.values_list("indicator_id", "scope__code", "scope__level")
    return [
        pk
        for pk, code, level in rules_
        if (scope := code[: PREFIX_LENGTH[level]]).startswith(prefix) or prefix.startswith(scope)
    ]


# The rule's page ---------------------------------------------------------------------------------


def rules_visible_to(user):
    """The derived indicators a user can open, for the links on the village pages."""
    from targets.selectors import indicators_visible_to

    return (
        DerivedRule.objects.filter(indicator__in=indicators_visible_to(user))
        .select_related("indicator__target__plan", "scope")
        .order_by("indicator__target__plan_id", "indicator_id")
    )


def _amount(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def rule_in_words(rule: DerivedRule) -> str:
    subset = {VillageType.ADMINISTRATIVE: _("administrative villages"), VillageType.COMMUNITY: _("communities")}.get(
        rule.village_type, _("villages")
    )
    if rule.flag:
        subset = _("%(subset)s flagged %(flag)s") % {"subset": subset, "flag": rule.flag}
    values = {
        "subset": subset,
        "scope": rule.scope.name,
        "basis": rule.get_basis_display(),
        "level": _amount(rule.level),
    }
    words = {
        Measure.SHARE_AT_LEVEL: _("Share of %(subset)s in %(scope)s whose %(basis)s is at least %(level)s 万元 (%%)"),
        Measure.COUNT_AT_LEVEL: _("Number of %(subset)s in %(scope)s whose %(basis)s is at least %(level)s 万元"),
        Measure.COUNT_HOLLOW: _("Number of hollow %(subset)s in %(scope)s (no operating income)"),
        Measure.COUNT_WEAK: _("Number of weak %(subset)s in %(scope)s (operating income below the county threshold)"),
        Measure.SUM: _("Sum of the %(basis)s of %(subset)s in %(scope)s (万元)"),
        Measure.GROWTH: _("Growth of the %(basis)s of %(subset)s in %(scope)s over the year before (%%)"),
        Measure.INCREMENT_OPERATING_SHARE: _(
            "Share of the growth in total income of %(subset)s in %(scope)s that is operating income (%%)"
        ),
    }[rule.measure] % values
    return words + _(", from approved whole-year income records; villages without one are left out.")


@dataclass
class BehindRow:
    village: Place
    township: Place
    income: rules.Income | None
    previous: rules.Income | None
    counted: bool


def rule_detail(rule: DerivedRule, year: int | None = None) -> dict:
    """The figure of a rule for one year (the latest with a figure by default) and the villages behind it."""
    data = rule_data([rule])[rule.indicator_id]
    years = sorted((y for y in data.income if data.figure(y) is not None), reverse=True)
    if year is None:
        year = years[0] if years else None
    rows = []
    for facts in sorted(data.villages.values(), key=lambda v: v.village.code):
        village = facts.village
        income = data.income.get(year, {}).get(village.pk) if year else None
        previous = data.income.get(year - 1, {}).get(village.pk) if year else None
        counted = income is not None and rules.counts_toward(
            rule.measure, income, basis=rule.basis, level=rule.level, weak_threshold=data.weak_threshold
        )
        rows.append(BehindRow(village, facts.township, income, previous, counted))
    return {
        "words": rule_in_words(rule),
        "year": year,
        "years": years,
        "value": data.figure(year) if year else None,
        "rows": rows,
        "with_record": sum(1 for r in rows if r.income is not None),
        "counted": sum(1 for r in rows if r.counted),
    }
