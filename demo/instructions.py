"""The demo's leaders' instructions (批示), from the facts file: each written, acknowledged, answered and
closed through the instruction services by the demo's own people, so its units are reached, its steps audited
and its notices sent as in use; then its days are set back to the story's, as the report history is dated.
The audit trail keeps the moment the demo was loaded: it records when the rows were really written."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from accounts.models import Role, User
from instructions import services
from instructions.models import Instruction, InstructionReach
from regions.models import Unit
from targets.models import Indicator

from .facts import facts


def load(*, counties: dict, today: date) -> int:
    """Every instruction of the facts file, on the indicators of its plan's county (`counties` by code);
    returns how many."""
    leader = User.objects.filter(role=Role.LEADER).order_by("id").first()
    specs = facts().get("instructions", [])
    for spec in specs:
        county = counties[facts()[spec["plan"]]["county"]]
        office = User.objects.filter(role=Role.SUPERVISOR, region=county).order_by("id").first()
        _one(spec, county=county, leader=leader, office=office, today=today)
    return len(specs)


def _at(today: date, days_ago: int, hour: int) -> datetime:
    return datetime.combine(today - timedelta(days=days_ago), time(hour, 30), tzinfo=timezone.get_current_timezone())


def _reporter(unit: Unit) -> User:
    return User.objects.filter(unit=unit, role=Role.REPORTER).order_by("id").first()


def _one(spec: dict, *, county, leader, office, today: date) -> Instruction:
    seq, name = spec["on"]
    indicator = Indicator.objects.get(target__plan__region=county, target__seq=seq, name=name)
    units = [Unit.objects.get(county=county, name=unit) for unit in spec["units"]]
    # The answer date is set with the story's days below: the service refuses one before the real today.
    instruction = services.instruction_issue(
        kind="indicator", target=indicator, by=leader, text=spec["text"], units=units
    )
    days = spec["days_ago"]
    answers = dict(spec.get("answers", []))
    for unit in units:
        reporter = _reporter(unit)
        if "acknowledged" in days:
            services.instruction_acknowledge(instruction=instruction, by=reporter)
        if unit.name in answers:
            services.instruction_respond(instruction=instruction, by=reporter, response=answers[unit.name])
    if "closed" in days:
        services.instruction_close(instruction=instruction, by=office, comment=spec["close_comment"])
    _date_back(instruction, days, today=today, due=today + timedelta(days=spec["due_in"]))
    return instruction


def _date_back(instruction, days: dict, *, today: date, due: date) -> None:
    Instruction.objects.filter(pk=instruction.pk).update(
        issued_at=_at(today, days["issued"], 9),
        due_date=due,
        closed_at=_at(today, days["closed"], 16) if "closed" in days else None,
    )
    reaches = InstructionReach.objects.filter(instruction=instruction)
    if "acknowledged" in days:
        reaches.update(acknowledged_at=_at(today, days["acknowledged"], 10))
    if "answered" in days:
        reaches.exclude(responded_at=None).update(responded_at=_at(today, days["answered"], 15))
