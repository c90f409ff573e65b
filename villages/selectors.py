"""Reads about regions, units, villages and their collective income, with scoping decided once."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from accounts import permissions
from regions.models import Region, RegionLevel, UnitKind
from regions.selectors import region_prefix

from . import rules
from .models import CountyEconomySettings, IncomeRecord, RecordStatus, VillageProfile

# Villages and their collective income ------------------------------------------------------------


def villages_visible_to(user):
    """Villages a user may see: a township reporter only its township's; others their county or region."""
    villages = Region.objects.filter(level=RegionLevel.VILLAGE)
    if not user.is_authenticated:
        return villages.none()
    if user.is_reporter:
        unit = user.unit
        if unit.kind == UnitKind.TOWNSHIP:
            return villages.filter(parent_id=unit.township_id) if unit.township_id else villages.none()
        return villages.filter(code__startswith=unit.county.code[:6])
    if user.region_id is None:
        return villages
    return villages.filter(code__startswith=region_prefix(user.region))


def settings_counties_for(user):
    """The counties whose economy settings the user may change: the supervision office's (or an
    administrator's) counties, inside their region."""
    if not permissions.can_review_income(user):
        return Region.objects.none()
    counties = Region.objects.filter(level=RegionLevel.COUNTY).order_by("code")
    return counties if user.region_id is None else counties.filter(code__startswith=region_prefix(user.region))


def records_visible_to(user):
    return IncomeRecord.objects.filter(village__in=villages_visible_to(user))


def economy_settings_for(county_codes) -> dict[str, tuple[tuple[Decimal, ...], Decimal]]:
    """(tiers, weak threshold) per county code prefix (6 digits); the defaults where none is set."""
    found = {
        s.county.code[:6]: (s.tier_bounds, s.weak_threshold)
        for s in CountyEconomySettings.objects.filter(
            county__code__in=[c[:6] + "000000" for c in county_codes]
        ).select_related("county")
    }
    return {c[:6]: found.get(c[:6], (rules.DEFAULT_TIERS, rules.DEFAULT_WEAK_THRESHOLD)) for c in county_codes}


def latest_record_year(villages) -> int | None:
    return (
        IncomeRecord.objects.filter(village__in=villages, quarter=0, status=RecordStatus.APPROVED)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )


@dataclass(frozen=True)
class Place:
    pk: int
    code: str
    name: str


@dataclass(frozen=True)
class VillageFacts:
    """A village as the tables need it, read with values() so that 20,000 rows build no model instances."""

    village: Place
    township: Place
    village_type: str
    flags: tuple[str, ...]
    households: int | None
    population: int | None


_FACT_FIELDS = (
    "pk",
    "code",
    "name",
    "kind",
    "parent_id",
    "parent__code",
    "parent__name",
    "profile__village_type",
    "profile__flags",
    "profile__households",
    "profile__population",
)


def village_facts(villages) -> list[VillageFacts]:
    facts = []
    for (
        pk,
        code,
        name,
        kind,
        parent_id,
        parent_code,
        parent_name,
        vtype,
        flags,
        households,
        population,
    ) in villages.order_by("code").values_list(*_FACT_FIELDS):
        facts.append(
            VillageFacts(
                Place(pk, code, name),
                Place(parent_id, parent_code, parent_name),
                vtype or kind,
                tuple(flags or ()),
                households,
                population,
            )
        )
    return facts


@dataclass
class VillageRow:
    facts: VillageFacts
    income: rules.Income | None
    category: str
    tier: Decimal | None

    def __getattr__(self, name):
        # village, township, flags, households … read through to the facts.
        return getattr(self.__dict__["facts"], name)


def village_rows(
    villages, *, year: int, township_code: str = "", flag: str = "", category: str = ""
) -> list[VillageRow]:
    """The village table for one year: profile, approved whole-year income and class, in three queries."""
    if township_code:
        villages = villages.filter(parent__code=township_code)
    facts = [f for f in village_facts(villages) if not flag or flag in f.flags]
    incomes = {
        village_id: rules.Income(total, operating)
        for village_id, total, operating in IncomeRecord.objects.filter(
            village__in=villages, year=year, quarter=0, status=RecordStatus.APPROVED
        ).values_list("village_id", "total_income", "operating_income")
    }
    settings_by_county = economy_settings_for({f.village.code[:6] for f in facts})
    rows = []
    for fact in facts:
        income = incomes.get(fact.village.pk)
        tiers, weak = settings_by_county[fact.village.code[:6]]
        row_category = rules.classify(income, tiers, weak)
        if category and row_category != category:
            continue
        rows.append(VillageRow(fact, income, row_category, rules.tier_of(income, tiers)))
    return rows


def category_choices(tiers=rules.DEFAULT_TIERS) -> list[tuple[str, str]]:
    from django.utils.translation import gettext as _

    choices = [
        ("missing", _("no approved record")),
        ("hollow", _("hollow")),
        ("weak", _("weak")),
        ("below", _("below the first tier")),
    ]
    return choices + [(format(t.normalize(), "f"), rules.tier_label(t)) for t in tiers]


def tier_distribution(rows: list[VillageRow]) -> list[dict]:
    """Per township, how many villages fall in each class: the rows of the chart."""
    by_township: dict[int, dict] = {}
    for row in rows:
        entry = by_township.setdefault(
            row.township.pk, {"township": row.township, "counts": defaultdict(int), "total": 0}
        )
        entry["counts"][row.category] += 1
        entry["total"] += 1
    return sorted(by_township.values(), key=lambda e: e["township"].code)


def income_history(village: Region):
    return village.income_records.select_related("created_by", "submitted_by", "reviewed_by").order_by(
        "-year", "-quarter"
    )


def townships_visible_to(user):
    return Region.objects.filter(
        level=RegionLevel.TOWNSHIP, pk__in=villages_visible_to(user).values("parent_id")
    ).order_by("code")


def flags_in_use(villages) -> list[str]:
    flags = set()
    for value in VillageProfile.objects.filter(village__in=villages).values_list("flags", flat=True):
        flags.update(value or [])
    return sorted(flags)
