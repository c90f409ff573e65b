"""Reads of leaders' instructions (批示): who sees which, what each object carries, the office's tracking list
and a unit's to-do."""

from dataclasses import dataclass
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from regions.models import Unit
from regions.selectors import region_prefix, units_visible_to
from reports.models import ReportState
from reports.selectors import reports_visible_to as bulletins_visible_to
from supervision.selectors import items_visible_to
from supervision.services import answerable_units
from targets.choices import Light
from targets.models import CurrentLight
from targets.selectors import indicators_visible_to, reports_visible_to

from .models import Instruction, InstructionReach, InstructionStatus, ReachStatus

# The objects a 批示 is written on, by the name of its foreign key: who may see which (a bulletin once it
# has been generated: a pending or failed one has nothing to write on).
TARGETS = {
    "report": reports_visible_to,
    "indicator": indicators_visible_to,
    "bulletin": lambda user: bulletins_visible_to(user).filter(status=ReportState.DONE),
    "item": items_visible_to,
}

# What a row needs to name the object it is written on, in one query.
_TARGET_JOINS = ("report__indicator", "report__unit", "indicator", "bulletin__region", "item__indicator", "item__unit")

OPEN = (InstructionStatus.ISSUED, InstructionStatus.ACKNOWLEDGED)
# The office's tracking list: its filters, each a condition on the instruction.
STATES = ("open", "overdue", "answered", "closed")


def instructions_visible_to(user):
    """A unit's reporter sees what reaches its unit; the office, leaders, administrators and auditors what
    is written in their region (everything when they have none)."""
    if not user.is_authenticated:
        return Instruction.objects.none()
    if user.is_reporter:
        return Instruction.objects.filter(
            pk__in=InstructionReach.objects.filter(unit_id=user.unit_id).values("instruction_id")
        )
    if user.region_id is None:
        return Instruction.objects.all()
    return Instruction.objects.filter(region__code__startswith=region_prefix(user.region))


def target_visible(*, kind: str, pk: int, user):
    """The object a 批示 would be written on, when the user may see it; None otherwise (and for a kind
    that names nothing), so a page answers 404 for both."""
    visible_to = TARGETS.get(kind)
    if visible_to is None:
        return None
    return visible_to(user).filter(pk=pk).first()


def target_region(kind: str, obj):
    """The region a 批示 on obj belongs to: the plan's, or the bulletin's own."""
    if kind == "bulletin":
        return obj.region
    indicator = obj if kind == "indicator" else obj.indicator
    return indicator.target.plan.region


def unit_choices(kind: str, obj):
    """The units a 批示 on obj may reach: the units answerable for its indicator, or for a bulletin every
    unit of its region."""
    if kind == "bulletin":
        return Unit.objects.filter(county__code__startswith=region_prefix(obj.region)).order_by("kind", "name")
    indicator = obj if kind == "indicator" else obj.indicator
    return answerable_units(indicator)


def default_units(kind: str, obj) -> list:
    """Who a 批示 reaches unless the leader says otherwise: the report's or item's unit, the indicator's lead
    units, for a bulletin the lead units of the indicators now red in its region."""
    if kind in ("report", "item"):
        return [obj.unit]
    if kind == "indicator":
        return list(obj.target.lead_units.order_by("kind", "name"))
    red = CurrentLight.objects.filter(
        unit__isnull=True, status=Light.RED, indicator__target__plan__region__code__startswith=region_prefix(obj.region)
    )
    return list(
        Unit.objects.filter(led_targets__indicators__in=red.values("indicator_id")).distinct().order_by("kind", "name")
    )


def _with_reaches(qs):
    return qs.select_related("author", "closed_by").prefetch_related(
        Prefetch("reaches", queryset=InstructionReach.objects.select_related("unit", "responded_by", "acknowledged_by"))
    )


def on_object(*, kind: str, obj, user) -> list:
    """The instructions written on obj that the user may see, newest first."""
    today = timezone.localdate()
    rows = list(_with_reaches(instructions_visible_to(user).filter(**{kind: obj})).order_by("-issued_at", "-id"))
    for row in rows:
        row.overdue = is_overdue(row, today)
    return rows


def is_overdue(instruction, today: date) -> bool:
    return instruction.status in OPEN and instruction.due_date is not None and instruction.due_date < today


def state_q(state: str, today: date) -> Q:
    if state == "open":
        return Q(status__in=OPEN)
    if state == "overdue":
        return Q(status__in=OPEN, due_date__lt=today)
    if state in ("answered", "closed"):
        return Q(status=state)
    return Q()


PAGE_SIZE = 50


@dataclass(frozen=True)
class Ledger:
    """The filtered instructions, newest first (`instructions`, lazy), and how many each state holds."""

    instructions: QuerySet
    counts: dict
    today: date

    @property
    def rows(self) -> list:
        """Every instruction of the ledger, uncapped (the export takes them all)."""
        return self._marked(list(self.instructions))

    def page(self, number, size: int | None = None) -> Page:
        """One page of the ledger (PAGE_SIZE rows), as the list page shows it."""
        page = Paginator(self.instructions, size or PAGE_SIZE).get_page(number)
        page.object_list = self._marked(list(page.object_list))
        return page

    def _marked(self, rows: list) -> list:
        for row in rows:
            row.overdue = is_overdue(row, self.today)
        return rows


def ledger(*, user, state: str = "", unit=None, author=None, kind: str = "", today: date | None = None) -> Ledger:
    """Every instruction the user may see, filtered, newest first, with how many each state holds (under the
    other filters), so the office tracks them to the end."""
    today = today or timezone.localdate()
    qs = instructions_visible_to(user)
    if unit is not None:
        qs = qs.filter(pk__in=InstructionReach.objects.filter(unit=unit).values("instruction_id"))
    if author is not None:
        qs = qs.filter(author=author)
    if kind in TARGETS:
        qs = qs.filter(**{f"{kind}__isnull": False})
    counts = {name: qs.filter(state_q(name, today)).count() for name in STATES}
    qs = qs.filter(state_q(state, today)) if state in STATES else qs
    return Ledger(
        instructions=_with_reaches(qs.select_related(*_TARGET_JOINS)).order_by("-issued_at", "-id"),
        counts=counts,
        today=today,
    )


def _unit_pending_reaches(unit):
    return InstructionReach.objects.filter(unit=unit, instruction__status__in=OPEN).exclude(status=ReachStatus.ANSWERED)


def unit_pending_count(*, unit) -> int:
    """How many of unit_pending's instructions there are: My work's tab count when another tab is shown."""
    return _unit_pending_reaches(unit).count()


def unit_pending(*, unit, today: date | None = None) -> list:
    """A unit's 待落实批示: instructions not closed that the unit has not answered yet, due first on top."""
    today = today or timezone.localdate()
    reaches = list(
        _unit_pending_reaches(unit)
        .select_related("instruction__author", *(f"instruction__{f}" for f in _TARGET_JOINS))
        .order_by("instruction__due_date", "instruction_id")
    )
    for reach in reaches:
        reach.overdue = reach.instruction.due_date is not None and reach.instruction.due_date < today
    return reaches


def reach_of(instruction, user):
    """The user's unit's part of the instruction, or None."""
    if not user.is_authenticated or not user.is_reporter:
        return None
    return next((r for r in instruction.reaches.all() if r.unit_id == user.unit_id), None)


def instruction_detail(*, pk: int, user):
    """One instruction the user may see, with its units, or None."""
    instruction = (
        _with_reaches(instructions_visible_to(user)).select_related(*_TARGET_JOINS, "region").filter(pk=pk).first()
    )
    if instruction is not None:
        instruction.overdue = is_overdue(instruction, timezone.localdate())
    return instruction


def kind_label(kind: str) -> str:
    from .models import TARGET_KINDS

    return str(TARGET_KINDS[kind])


def audit_trail(instruction) -> list:
    """The instruction's audit events, oldest first, with their actions in words."""
    from accounts.audit_labels import action_label
    from accounts.models import AuditEvent

    events = list(
        AuditEvent.objects.filter(object_type="instructions.Instruction", object_id=str(instruction.pk)).order_by(
            "at", "id"
        )
    )
    for event in events:
        event.label = action_label(event.action)
    return events


def ledger_units(user):
    """The units the 领导批示 list can be narrowed to: a reporter's own unit, else the units of the user's area."""
    units = units_visible_to(user).order_by("kind", "name")
    return units.filter(pk=user.unit_id) if user.is_reporter else units


def leaders_for(user):
    """The leaders whose instructions the user may see listed: those who wrote one the user may see."""
    from accounts.models import User

    return User.objects.filter(pk__in=instructions_visible_to(user).values("author_id")).order_by(
        "last_name", "first_name", "username"
    )
