"""The demo's progress history, generated deterministically so that every light appears.

Most indicators are on pace, some behind, some done, some with missing reports; a closed year is
mostly achieved. The figures are demo data, not facts; the wording of the reports is in the facts file.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from core.periods import due_date
from regions.models import Unit, UnitKind
from targets import rules, selectors, services
from targets.choices import PROGRESS_KINDS, Kind, ReportStatus
from targets.models import Allocation, Indicator, ProgressReport, ReportVersion

from .facts import facts

SCENARIOS = (
    "on_pace",
    "on_pace",
    "on_pace",
    "on_pace",
    "on_pace",
    "ahead",
    "behind",
    "behind",
    "far_behind",
    "done",
    "missing_one",
    "missing_two",
)
PACE = {
    "on_pace": Decimal("0"),
    "ahead": Decimal("0.05"),
    "behind": Decimal("-0.09"),
    "far_behind": Decimal("-0.35"),
    "missing_one": Decimal("0"),
    "missing_two": Decimal("-0.05"),
}


def allocate(indicators: list[Indicator], units: dict[str, Unit]) -> None:
    """Split the county's count targets of 各街道乡镇 tasks among the townships (分解下达), a few of them."""
    townships = [u for u in units.values() if u.kind == UnitKind.TOWNSHIP]
    chosen = [
        i
        for i in indicators
        if i.target.all_townships
        and i.kind == Kind.INCREASE
        and i.unit in ("座", "个", "户")
        and i.baseline == 0
        and "每年" not in i.source_phrase
        and i.target_value >= 10 * len(townships)
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
    if not span:
        return spec.target
    fraction = (rules.expected_value(spec, due) - spec.baseline) / span
    if scenario == "done":
        fraction = min(Decimal("1"), fraction * 2 + Decimal("0.1"))
    else:
        fraction = max(Decimal("0"), min(Decimal("0.99"), fraction + PACE[scenario] * fraction * 2))
    return spec.baseline + span * fraction


def history(
    plan, indicators: list[Indicator], reporters: dict[int, User], fallback: User, today: date
) -> list[ProgressReport]:
    """Unsaved reports: for each indicator, the reports of the unit that owes them (or of each township's
    share) up to today."""
    allocations = {}
    for a in Allocation.objects.filter(indicator__in=indicators).select_related("unit"):
        allocations.setdefault(a.indicator_id, []).append(a)
    # The unit that owes an un-allocated indicator's report is the one My work and the entry page
    # chase (the first lead of the responsibility table), so the demo's history is written by it.
    owed = selectors.expected_reporters([indicator.pk for indicator in indicators])
    units = Unit.objects.in_bulk({unit_id for ids in owed.values() for unit_id in ids})
    reports = []
    for indicator in indicators:
        shares = allocations.get(indicator.pk) or ([None] if owed.get(indicator.pk) else [])
        for share in shares:
            unit = share.unit if share else units[owed[indicator.pk][0]]
            reports += _unit_history(plan, indicator, unit, share, reporters.get(unit.pk, fallback), today)
    return reports


def _unit_history(plan, indicator, unit, share, reporter, today) -> list[ProgressReport]:
    spec = rules.IndicatorSpec(
        kind=indicator.kind,
        baseline=indicator.baseline,
        target=share.target_value if share else indicator.target_value,
        start=indicator.start_date,
        deadline=indicator.deadline,
        frequency=indicator.frequency,
        milestones=tuple((m.date, m.value) for m in indicator.milestones.all()) if not share else (),
        due_day=plan.due_day,
        unit=indicator.unit,
    )
    words = facts()["history"]
    scenario = _scenario(indicator, unit, today)
    periods = rules.periods_past_due(spec, today)
    skip = {"missing_one": 1, "missing_two": 2}.get(scenario, 0)
    if skip:
        periods = periods[:-skip]
    reports = []
    for index, period in enumerate(periods):
        due = due_date(period, spec.frequency, plan.due_day)
        late = (index * 7 + indicator.order) % 11 == 0
        submitted = datetime.combine(
            due + timedelta(days=3 if late else -4), time(16, 30), tzinfo=timezone.get_current_timezone()
        )
        is_latest = index == len(periods) - 1
        reports.append(
            ProgressReport(
                indicator=indicator,
                unit=unit,
                period_start=period,
                value=_value_for(spec, scenario, due, indicator.name),
                narrative=words["narrative"] if scenario != "far_behind" else words["narrative_behind"],
                problems="" if scenario in ("on_pace", "ahead", "done") else words["problems"],
                next_steps=words["next_steps"],
                status=ReportStatus.SUBMITTED if is_latest else ReportStatus.APPROVED,
                is_late=late,
                created_by=reporter,
                submitted_by=reporter,
                submitted_at=submitted,
                reviewed_at=None if is_latest else submitted + timedelta(days=1),
                version=2 if is_latest else 3,
            )
        )
    return reports


def versions(reports: list[ProgressReport]) -> list[ReportVersion]:
    """The versions the services keep of each saved demo report (1 created, 2 submitted, 3 approved), so its
    page's 历史记录 reads as for a report written through the services."""
    kept = []
    for report in reports:
        steps = [(ReportStatus.DRAFT, "create", report.created_by, report.submitted_at - timedelta(hours=2))]
        steps.append((ReportStatus.SUBMITTED, "submit", report.submitted_by, report.submitted_at))
        if report.status == ReportStatus.APPROVED:
            steps.append((ReportStatus.APPROVED, "approve", report.reviewed_by, report.reviewed_at))
        for version, (status, action, by, at) in enumerate(steps, start=1):
            kept.append(services.report_version(report, action, by, at, status=status, version=version))
    return kept
