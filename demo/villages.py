"""Demo village economy for the demo counties: profiles, income history and three derived indicators.

Called from `demo.services.demo_load` once the regions, plans and users exist. Every figure
is MADE UP, deterministically (from a hash of the village code), so that the demo reads plausibly:
Dongtou's villages are rich (a county of islands and fisheries near Wenzhou), Xunyi's are poor and
a few are hollow. The derived indicators are the ones the plans name:

- Xunyi:   村级集体经济年收入10万元村达到40%以上   (share of 行政村 with total income >= 10万元)
- Dongtou: 村级集体经济总收入超2.4亿元              (sum of total income of every village)
- Dongtou: 集体经济年经营性收入50万元以上行政村占比达到70% (share of 行政村 with operating income >= 50万元);
  this one is in the plan's 发展目标 text, not in its responsibility table, so the demo adds it to
  task 4 (村级集体经济).

Whole-year records for the four years before `today` are approved in January of the next year;
the current year has records to the end of each finished quarter, the latest still under review.
Each county's profile flags, growth and reaching count are in the facts file ([<plan>.economy]).
"""

import hashlib
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from accounts.models import Role, User
from accounts.services import audit_record
from regions.models import Region
from targets.choices import Frequency, Kind
from targets.models import Indicator, Plan, ProgressReport
from targets.services import indicator_create
from villages.models import (
    CountyEconomySettings,
    DerivedRule,
    IncomeBasis,
    IncomeRecord,
    Measure,
    RecordStatus,
    VillageProfile,
    VillageType,
)

from .facts import PLANS, facts

CENT = Decimal("0.01")
DONGTOU, XUNYI = facts()["dongtou"]["county"], facts()["xunyi"]["county"]


def _economy(county_code: str) -> dict:
    return next(facts()[key]["economy"] for key in PLANS if facts()[key]["county"] == county_code)


def _h(code: str, salt: str = "") -> int:
    return int(hashlib.sha256(f"{salt}{code}".encode()).hexdigest()[:8], 16)


def _money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _latest_income(county_code: str, village: Region, reaching: bool) -> tuple[Decimal, Decimal]:
    """(total, operating) of the latest full year, in 万元."""
    h = _h(village.code)
    if county_code == DONGTOU:
        if village.kind == VillageType.COMMUNITY:
            operating = 90 + h % 160
        else:
            operating = (52 + h % 140) if reaching else (14 + h % 34)
        return _money(operating + 660 + h % 260), _money(operating)
    if village.kind == VillageType.COMMUNITY:
        total = 16 + h % 20
    elif reaching:
        total = 10 + Decimal(h % 2200) / 100
    else:
        total = 2 + Decimal(h % 750) / 100
    operating = Decimal(0) if not reaching and h % 9 == 0 else total * Decimal("0.55")
    return _money(total), _money(operating)


def _year_income(latest: tuple[Decimal, Decimal], growth: Decimal, years_back: int, code: str):
    if years_back == 0:
        return latest
    factor = growth**years_back + Decimal(_h(code, str(years_back)) % 5) / 100
    return _money(latest[0] / factor), _money(latest[1] / factor)


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=timezone.get_current_timezone())


def _records(county: Region, villages, today: date, enterer, reviewer) -> list[IncomeRecord]:
    county_code = county.code
    ranked = sorted((v for v in villages if v.kind != VillageType.COMMUNITY), key=lambda v: _h(v.code, "rank"))
    economy = _economy(county_code)
    reaching = {v.pk for v in ranked[: economy["reaching"]]}
    records = []
    for village in villages:
        by = enterer.get(village.parent_id) or enterer[None]
        latest = _latest_income(county_code, village, village.pk in reaching)
        for back in range(4):
            year = today.year - 1 - back
            total, operating = _year_income(latest, Decimal(economy["growth"]), back, village.code)
            submitted = _at(date(year + 1, 1, 10 + _h(village.code, "s") % 8))
            records.append(
                IncomeRecord(
                    village=village,
                    year=year,
                    quarter=0,
                    total_income=total,
                    operating_income=operating,
                    status=RecordStatus.APPROVED,
                    version=3,
                    created_by=by,
                    submitted_by=by,
                    submitted_at=submitted,
                    reviewed_by=reviewer,
                    reviewed_at=submitted + timedelta(days=5),
                )
            )
        records += _this_year(village, latest, Decimal(economy["growth"]), today, by, reviewer)
    return records


def _this_year(village, latest, growth, today, by, reviewer) -> list[IncomeRecord]:
    records = []
    finished = [q for q in (1, 2, 3, 4) if date(today.year, q * 3, 28) < today - timedelta(days=10)]
    for q in finished:
        share = Decimal(q) / 4
        total, operating = (_money(v * growth * share) for v in latest)
        submitted = _at(date(today.year, q * 3, 28) + timedelta(days=8))
        under_review = q == finished[-1]
        records.append(
            IncomeRecord(
                village=village,
                year=today.year,
                quarter=q,
                total_income=total,
                operating_income=operating,
                status=RecordStatus.SUBMITTED if under_review else RecordStatus.APPROVED,
                version=2 if under_review else 3,
                created_by=by,
                submitted_by=by,
                submitted_at=submitted,
                reviewed_by=None if under_review else reviewer,
                reviewed_at=None if under_review else submitted + timedelta(days=4),
            )
        )
    return records


def _profiles(county: Region, villages, reporters) -> list[VillageProfile]:
    flags = _economy(county.code)["flags"]
    profiles = []
    for village in villages:
        h = _h(village.code, "profile")
        chosen = [flag for i, flag in enumerate(flags) if (h >> i) % 3 == 0]
        households = 180 + h % 900
        profiles.append(
            VillageProfile(
                village=village,
                village_type=village.kind or VillageType.ADMINISTRATIVE,
                flags=chosen,
                households=households,
                population=int(households * (2.6 + (h % 7) / 10)),
                reporter=reporters.get(village.parent_id),
            )
        )
    return profiles


def _indicator(county_code: str, phrase: str) -> Indicator:
    plan = Plan.objects.filter(region__code=county_code).order_by("pk").first()
    return Indicator.objects.get(target__plan=plan, source_phrase=phrase)


def _derived_indicators(counties: dict[str, Region], system: User) -> list[DerivedRule]:
    xunyi_share = _indicator(XUNYI, "村级集体经济年收入10万元村达到40%以上")
    dongtou_sum = _indicator(DONGTOU, "村级集体经济总收入超2.4亿元")
    dongtou_share = indicator_create(
        target=dongtou_sum.target,
        by=system,
        name="集体经济年经营性收入50万元以上行政村占比",
        kind=Kind.INCREASE,
        unit="%",
        baseline=Decimal("50"),
        target_value=Decimal("70"),
        start_date=dongtou_sum.start_date,
        deadline=dongtou_sum.deadline,
        frequency=Frequency.QUARTERLY,
        source_phrase="2027年集体经济年经营性收入50万元以上行政村占比达到70%",
        order=1,
    )
    rules = [
        DerivedRule(
            indicator=xunyi_share,
            measure=Measure.SHARE_AT_LEVEL,
            basis=IncomeBasis.TOTAL,
            level=Decimal("10"),
            scope=counties[XUNYI],
            village_type=VillageType.ADMINISTRATIVE,
        ),
        DerivedRule(indicator=dongtou_sum, measure=Measure.SUM, basis=IncomeBasis.TOTAL, scope=counties[DONGTOU]),
        DerivedRule(
            indicator=dongtou_share,
            measure=Measure.SHARE_AT_LEVEL,
            basis=IncomeBasis.OPERATING,
            level=Decimal("50"),
            scope=counties[DONGTOU],
            village_type=VillageType.ADMINISTRATIVE,
        ),
    ]
    for rule in rules:
        rule.full_clean()
    # Their figures come from village records now; the generated report history would only mislead.
    ProgressReport.objects.filter(indicator__in=[r.indicator for r in rules]).delete()
    return DerivedRule.objects.bulk_create(rules)


def load(*, today: date) -> dict:
    """Profiles, settings, income history and derived indicators for both demo counties (once)."""
    system = User.objects.get(username="sysadmin")
    counties = {c.code: c for c in Region.objects.filter(code__in=[DONGTOU, XUNYI])}
    reporters = {
        u.unit.township_id: u
        for u in User.objects.filter(role=Role.REPORTER, unit__township__isnull=False).select_related("unit")
    }
    records, profiles = [], []
    for code, county in counties.items():
        villages = list(Region.objects.filter(code__startswith=code[:6], level="village").order_by("code"))
        reviewer = User.objects.filter(role=Role.SUPERVISOR, region=county).first() or system
        CountyEconomySettings.objects.create(
            county=county,
            weak_threshold=Decimal(_economy(code)["weak_threshold"]),
        )
        profiles += _profiles(county, villages, reporters)
        records += _records(county, villages, today, {**reporters, None: system}, reviewer)
    VillageProfile.objects.bulk_create(profiles)
    IncomeRecord.objects.bulk_create(records, batch_size=1000)
    rules = _derived_indicators(counties, system)
    summary = {"village_profiles": len(profiles), "income_records": len(records), "derived_rules": len(rules)}
    audit_record(action="demo.villages", by=system, object_type="demo", new=summary)
    return summary
