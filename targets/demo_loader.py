"""Load the demo counties from the seed plans (targets/demo/*.py): regions, units, plans, people, history.

The Dongtou plan keeps its real dates (2023-07 to 2027). The Xunyi plan was a 2024 plan running from
March to December; the demo replays it in the current year so that its lights are live. Progress
history is generated, deterministically, so that every light appears: most indicators are on pace,
some behind, some done, some with missing reports. Generated figures are demo data, not facts.
"""
import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import audit_record
from core.periods import due_date
from regions.models import Region, RegionLevel, Unit, UnitKind
from villages import demo as village_demo

from . import lights, rules, selectors
from .choices import PROGRESS_KINDS, Kind, ReportStatus
from .demo import dongtou, xunyi
from .models import Allocation, Indicator, Milestone, Plan, ProgressReport, Section, Target

DEMO_PASSWORD = "Demo@2025"

PARENTS = [
    ("330000000000", "浙江省", RegionLevel.PROVINCE, None),
    ("330300000000", "温州市", RegionLevel.CITY, "330000000000"),
    ("330305000000", "洞头区", RegionLevel.COUNTY, "330300000000"),
    ("610000000000", "陕西省", RegionLevel.PROVINCE, None),
    ("610400000000", "咸阳市", RegionLevel.CITY, "610000000000"),
    ("610429000000", "旬邑县", RegionLevel.COUNTY, "610400000000"),
]

# username, role, full name, county code or None, unit name or None
DEMO_USERS = [
    ("sysadmin", Role.ADMIN, "系统管理员", None, None),
    ("duchashi", Role.SUPERVISOR, "洞头区督查室", "330305000000", None),
    ("xunyi_ducha", Role.SUPERVISOR, "旬邑县督查室", "610429000000", None),
    ("lingdao", Role.LEADER, "分管领导", None, None),
    ("shenji", Role.AUDITOR, "审计员", None, None),
    ("nongye", Role.REPORTER, "区农业农村局填报员", "330305000000", "区农业农村局"),
    ("fagai", Role.REPORTER, "区发改局填报员", "330305000000", "区发改局"),
    ("damen", Role.REPORTER, "大门镇填报员", "330305000000", "大门镇"),
    ("xunyi_nongye", Role.REPORTER, "旬邑县农业农村局填报员", "610429000000", None),
]


def demo_is_loaded() -> bool:
    return Plan.objects.filter(doc_number=dongtou.PLAN["doc_number"]).exists()


def _d(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _region(code, name, level, parent, kind="") -> Region:
    region, _ = Region.objects.update_or_create(
        code=code, defaults={"name": name, "level": level, "parent": parent, "kind": kind}
    )
    return region


def _load_geography(module) -> tuple[Region, dict[str, Unit]]:
    by_code = {r.code: r for r in Region.objects.filter(code__in=[p[0] for p in PARENTS])}
    for code, name, level, parent in PARENTS:
        if code not in by_code:
            by_code[code] = _region(code, name, level, by_code.get(parent))
    county = by_code[module.PLAN["region_code"]]
    units = {}
    for code, name, kind in module.TOWNSHIPS:
        township = _region(code, name, RegionLevel.TOWNSHIP, county, kind)
        for vcode, vname, vkind in module.VILLAGES.get(code, []):
            _region(vcode, vname, RegionLevel.VILLAGE, township, vkind)
        units[name], _ = Unit.objects.get_or_create(
            county=county, name=name, defaults={"kind": UnitKind.TOWNSHIP, "township": township}
        )
    for name in module.DEPARTMENTS:
        units[name], _ = Unit.objects.get_or_create(county=county, name=name)
    return county, units


@dataclass
class DemoPlan:
    plan: Plan
    indicators: list


def _year_shift(module) -> int:
    """Xunyi's one-year plan is replayed in the current year; Dongtou keeps its own dates."""
    if module is xunyi:
        return timezone.localdate().year - _d(module.PLAN["start"]).year
    return 0


def _shift(value, years: int) -> date:
    d = _d(value)
    if not years:
        return d
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February into a common year
        return d.replace(year=d.year + years, day=28)


def _expand_yearly(spec: dict, plan_start: date, plan_end: date) -> list[dict]:
    """"每年…N个" is a target for each year of the plan, not one for the whole plan."""
    if "每年" not in spec.get("phrase", "") or spec["kind"] != Kind.INCREASE or spec.get("milestones"):
        return [spec]
    years = range(max(plan_start.year, 2024), plan_end.year + 1)
    return [
        spec | {"name": f"{year}年{spec['name'].replace('每年', '')}", "start": f"{year}-01-01",
                "deadline": f"{year}-12-31", "milestones": []}
        for year in years
    ]


def _load_plan(module, county, units) -> DemoPlan:
    years = _year_shift(module)
    meta = module.PLAN
    plan = Plan.objects.create(
        title=meta["title"], doc_number=meta["doc_number"], issuer=meta["issuer"], region=county,
        start_date=_shift(meta["start"], years), end_date=_shift(meta["end"], years),
    )
    sections = {}
    for order, (title, parent) in enumerate(module.SECTIONS):
        sections[title] = Section.objects.create(plan=plan, title=title, parent=sections.get(parent), order=order)
    indicators = []
    for task in module.TASKS:
        target = Target.objects.create(
            plan=plan, section=sections.get(task["section"]), seq=task["seq"], name=task["name"],
            content=task["content"], all_townships=task.get("all_townships", False),
        )
        target.lead_units.set([units[n] for n in task["lead_units"]])
        target.co_units.set([units[n] for n in task["co_units"]])
        order = 0
        for raw in task["indicators"]:
            for spec in _expand_yearly(raw, plan.start_date, plan.end_date):
                indicators.append(_create_indicator(target, spec, order, years))
                order += 1
    return DemoPlan(plan=plan, indicators=indicators)


def _create_indicator(target, spec, order, years) -> Indicator:
    indicator = Indicator(
        target=target, name=spec["name"][:300], kind=spec["kind"], unit=spec.get("unit", ""),
        baseline=Decimal(str(spec["baseline"])), target_value=Decimal(str(spec["target"])),
        start_date=_shift(spec["start"], years), deadline=_shift(spec["deadline"], years),
        frequency=spec.get("frequency", "monthly"), source_phrase=spec.get("phrase", ""), order=order,
    )
    indicator.full_clean()
    indicator.save()
    Milestone.objects.bulk_create(
        Milestone(indicator=indicator, date=_shift(d, years), value=Decimal(str(v))) for d, v in spec.get("milestones", [])
    )
    return indicator


def _allocate(demo: DemoPlan, units: dict[str, Unit]) -> None:
    """Split the county's count targets of 各街道乡镇 tasks among the townships (分解下达), a few of them."""
    townships = [u for u in units.values() if u.kind == UnitKind.TOWNSHIP]
    chosen = [
        i for i in demo.indicators
        if i.target.all_townships and i.kind == Kind.INCREASE and i.unit in ("座", "个", "户") and i.baseline == 0
        and "每年" not in i.source_phrase and i.target_value >= 10 * len(townships)
    ][:3]
    for indicator in chosen:
        shares = _split(indicator.target_value, len(townships))
        Allocation.objects.bulk_create(
            Allocation(indicator=indicator, unit=unit, target_value=share) for unit, share in zip(townships, shares)
        )


def _split(total: Decimal, parts: int) -> list[Decimal]:
    base = (total / parts).quantize(Decimal("1"), rounding="ROUND_FLOOR")
    shares = [base] * parts
    shares[0] += total - base * parts
    return shares


SCENARIOS = ("on_pace", "on_pace", "on_pace", "on_pace", "on_pace", "ahead", "behind", "behind", "far_behind",
             "done", "missing_one", "missing_two")
PACE = {"on_pace": Decimal("0"), "ahead": Decimal("0.05"), "behind": Decimal("-0.09"),
        "far_behind": Decimal("-0.35"), "missing_one": Decimal("0"), "missing_two": Decimal("-0.05")}


def _scenario(indicator: Indicator, unit: Unit, today: date) -> str:
    digest = hashlib.sha256(f"{indicator.target.seq}/{indicator.order}/{indicator.name}/{unit.name}".encode()).digest()
    scenario = SCENARIOS[digest[0] % len(SCENARIOS)]
    if indicator.deadline < today and scenario != "far_behind":
        return "done"  # a closed year: most of it was achieved, what fell short stays red
    return scenario


def _value_for(spec: rules.IndicatorSpec, scenario: str, due: date, name: str) -> Decimal:
    # As a unit could have entered it: whole counts, shares in percent at most 100 (rules.fit_value).
    toward = spec.baseline if spec.kind in PROGRESS_KINDS and scenario != "done" else None
    return rules.fit_value(_raw_value(spec, scenario, due), name=name, unit=spec.unit, toward=toward)


def _raw_value(spec: rules.IndicatorSpec, scenario: str, due: date) -> Decimal:
    if spec.kind == Kind.CEILING:
        return spec.target * (Decimal("1.04") if scenario == "far_behind" else Decimal("0.92"))
    if spec.kind == Kind.FLOOR:
        return spec.target * (Decimal("0.97") if scenario == "far_behind" else Decimal("1.02"))
    span = spec.target - spec.baseline
    fraction = (rules.expected_value(spec, due) - spec.baseline) / span
    if scenario == "done":
        fraction = min(Decimal("1"), fraction * 2 + Decimal("0.1"))
    else:
        fraction = max(Decimal("0"), min(Decimal("0.99"), fraction + PACE[scenario] * fraction * 2))
    return spec.baseline + span * fraction


def _history(demo: DemoPlan, reporters: dict[int, User], fallback: User, today: date) -> list[ProgressReport]:
    plan = demo.plan
    allocations = {}
    for a in Allocation.objects.filter(indicator__in=demo.indicators).select_related("unit"):
        allocations.setdefault(a.indicator_id, []).append(a)
    # The unit that owes an un-allocated indicator's report is the one My work and the entry page
    # chase (the first lead of the responsibility table), so the demo's history is written by it.
    owed = selectors.expected_reporters([indicator.pk for indicator in demo.indicators])
    units = Unit.objects.in_bulk({unit_id for ids in owed.values() for unit_id in ids})
    reports = []
    for indicator in demo.indicators:
        shares = allocations.get(indicator.pk) or ([None] if owed.get(indicator.pk) else [])
        for share in shares:
            unit = share.unit if share else units[owed[indicator.pk][0]]
            reports += _unit_history(plan, indicator, unit, share, reporters.get(unit.pk, fallback), today)
    return reports


def _unit_history(plan, indicator, unit, share, reporter, today) -> list[ProgressReport]:
    spec = rules.IndicatorSpec(
        kind=indicator.kind, baseline=indicator.baseline,
        target=share.target_value if share else indicator.target_value,
        start=indicator.start_date, deadline=indicator.deadline, frequency=indicator.frequency,
        milestones=tuple((m.date, m.value) for m in indicator.milestones.all()) if not share else (),
        due_day=plan.due_day, unit=indicator.unit,
    )
    scenario = _scenario(indicator, unit, today)
    periods = rules.periods_past_due(spec, today)
    skip = {"missing_one": 1, "missing_two": 2}.get(scenario, 0)
    if skip:
        periods = periods[:-skip]
    reports = []
    for index, period in enumerate(periods):
        due = due_date(period, spec.frequency, plan.due_day)
        late = (index * 7 + indicator.order) % 11 == 0
        submitted = datetime.combine(due + timedelta(days=3 if late else -4), time(16, 30),
                                     tzinfo=timezone.get_current_timezone())
        is_latest = index == len(periods) - 1
        reports.append(ProgressReport(
            indicator=indicator, unit=unit, period_start=period, value=_value_for(spec, scenario, due, indicator.name),
            narrative="按计划推进,本月完成阶段性工作。" if scenario != "far_behind" else "受资金和用地因素影响,进度滞后。",
            problems="" if scenario in ("on_pace", "ahead", "done") else "项目前期手续办理较慢。",
            next_steps="加快推进,确保按期完成。",
            status=ReportStatus.SUBMITTED if is_latest else ReportStatus.APPROVED,
            is_late=late, created_by=reporter, submitted_by=reporter, submitted_at=submitted,
            reviewed_at=None if is_latest else submitted + timedelta(days=1), version=2 if is_latest else 3,
        ))
    return reports


def _users(counties: dict[str, Region], units_by_county: dict[str, dict[str, Unit]]) -> dict[int, User]:
    reporters = {}
    for username, role, full_name, county_code, unit_name in DEMO_USERS:
        unit = None
        if role == Role.REPORTER:
            unit_name = unit_name or "县农业农村局"
            pool = units_by_county[county_code]
            unit = pool.get(unit_name) or next(u for n, u in pool.items() if "农业农村" in n)
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"role": role, "first_name": full_name, "unit": unit,
                      "region": counties.get(county_code) if role != Role.REPORTER else None,
                      "is_staff": role == Role.ADMIN, "is_superuser": role == Role.ADMIN},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if unit is not None:
            reporters[unit.pk] = user
    return reporters


def _system_user() -> User:
    return User.objects.get(username="sysadmin")


@transaction.atomic
def demo_load(*, today: date | None = None) -> dict:
    """Create the demo counties, plans, people and history. Refuses to run twice."""
    if demo_is_loaded():
        return {"created": False}
    today = today or timezone.localdate()
    counties, units_by_county, demos = {}, {}, []
    for module in (dongtou, xunyi):
        county, units = _load_geography(module)
        counties[county.code], units_by_county[county.code] = county, units
    reporters = _users(counties, units_by_county)
    system = _system_user()
    for module in (dongtou, xunyi):
        code = module.PLAN["region_code"]
        demo = _load_plan(module, counties[code], units_by_county[code])
        _allocate(demo, units_by_county[code])
        demos.append(demo)
    history = []
    for demo in demos:
        reviewer = User.objects.filter(role=Role.SUPERVISOR, region=demo.plan.region).first()
        for report in _history(demo, reporters, system, today):
            report.reviewed_by = None if report.status == ReportStatus.SUBMITTED else reviewer
            history.append(report)
    ProgressReport.objects.bulk_create(history, batch_size=1000)
    villages = village_demo.load(today=today)
    lights.lights_rejudge_all(today=today)  # bulk_create passes by the services
    from supervision.services import snapshot_history  # the dashboards' trends read month-end snapshots

    frozen = [end for end, _count in snapshot_history(last=today, months=13, today=today, by=system)]
    summary = {"created": True, "plans": len(demos), "indicators": sum(len(d.indicators) for d in demos),
               "reports": len(history), "months_frozen": len(frozen), **villages}
    audit_record(action="demo.load", by=system, object_type="demo", new=summary)
    return summary

