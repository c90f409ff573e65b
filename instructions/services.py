"""Writes of leaders' instructions (批示): issue (the one write a leader makes), acknowledge and answer (the
units reached), close (the office or the issuing leader). Each step is checked here, audited and notified."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import can_close_instruction, in_region, is_leader, is_unit_reporter
from accounts.selectors import office_of
from accounts.services import audit_record, notify
from core.periods import day_words
from core.versions import check_version

from . import selectors
from .models import Instruction, InstructionReach, InstructionStatus, ReachStatus


class InstructionError(ValidationError):
    """A step the instruction's state does not allow, or input it cannot take (API: 400)."""


class NotAllowed(PermissionDenied):
    """The user's role or unit may not take this step (API: 403)."""


def instruction_link(instruction) -> str:
    return reverse("instructions:detail", args=[instruction.pk])


def _about(instruction) -> str:
    """What the instruction is on, in a few words for a notice: 指标“农村改厕户数”."""
    return _("%(kind)s “%(target)s”") % {"kind": instruction.get_target_kind_display(), "target": instruction.target}


def _snapshot(instruction) -> dict:
    reaches = instruction.reaches.select_related("unit").order_by("unit_id")
    return {"status": instruction.status, "units": {r.unit.name: r.status for r in reaches}}


def _tell_units(instruction, units, kind: str, message: str) -> None:
    """Each unit's reporters in the app, and the unit's group robot / SMS (accounts.channels)."""
    for unit in units:
        notify(
            users=User.objects.filter(unit=unit, is_active=True),
            kind=kind,
            message=message,
            link=instruction_link(instruction),
            unit=unit,
        )


def _office(instruction) -> dict:
    """The supervision office of the instruction's region (accounts.selectors.office_of), by id."""
    return {u.pk: u for u in office_of(instruction.region)}


def _tell_issuers(instruction, kind: str, message: str) -> None:
    """The leader who wrote it and the supervision office of its region, in the app."""
    users = _office(instruction)
    users[instruction.author_id] = instruction.author
    notify(users=list(users.values()), kind=kind, message=message, link=instruction_link(instruction))


def _units_for(kind, target, units) -> list:
    choices = list(selectors.unit_choices(kind, target))
    if units is None:
        units = selectors.default_units(kind, target)
    allowed = {u.pk for u in choices}
    for unit in units:
        if unit.pk not in allowed:
            raise InstructionError(
                {
                    "units": _("%(unit)s is not responsible for this %(kind)s; choose among its responsible units.")
                    % {"unit": unit.name, "kind": _kind_word(kind)}
                }
            )
    if not units:
        raise InstructionError({"units": _("Choose at least one unit the instruction goes to.")})
    return sorted({u.pk: u for u in units}.values(), key=lambda u: (u.kind, u.name))


def _kind_word(kind) -> str:
    from .models import TARGET_KINDS

    return str(TARGET_KINDS[kind])


@transaction.atomic
def instruction_issue(*, kind: str, target, by, text: str, units=None, due_date: date | None = None) -> Instruction:
    """A leader writes a 批示 on a report, indicator, bulletin or supervision item; it reaches the chosen units
    (by default the object's responsible units), each notified in the app and on its group robot / SMS."""
    if not is_leader(by):
        raise NotAllowed(_("Only a leader writes an instruction (批示)."))
    if kind not in selectors.TARGETS:
        raise InstructionError(_("An instruction is written on a report, indicator, bulletin or supervision item."))
    region = selectors.target_region(kind, target)
    if not in_region(by, region):
        raise NotAllowed(_("This object is outside your region."))
    text = (text or "").strip()
    if not text:
        raise InstructionError({"text": _("Write the instruction first.")})
    if due_date is not None and due_date < timezone.localdate():
        raise InstructionError(
            {"due_date": _("The answer date %(date)s is in the past.") % {"date": day_words(due_date)}}
        )
    reached = _units_for(kind, target, units)
    instruction = Instruction.objects.create(author=by, region=region, text=text, due_date=due_date, **{kind: target})
    InstructionReach.objects.bulk_create(InstructionReach(instruction=instruction, unit=u) for u in reached)
    audit_record(
        action="instruction.issue",
        by=by,
        obj=instruction,
        new={
            "on": kind,
            "object_id": target.pk,
            "object": str(target),
            "text": text,
            "due_date": due_date,
            "units": [u.name for u in reached],
        },
    )
    due = _("; answer by %(date)s") % {"date": day_words(due_date)} if due_date else ""
    message = _("%(leader)s's instruction on %(about)s: %(text)s%(due)s") % {
        "leader": by.shown_name,
        "about": _about(instruction),
        "text": text,
        "due": due,
    }
    _tell_units(instruction, reached, "instruction.issued", message)
    # The office tracks every instruction to its end, so it hears of each one as the units do.
    notify(
        users=list(_office(instruction).values()),
        kind="instruction.issued",
        message=message,
        link=instruction_link(instruction),
    )
    return instruction


def _lock(instruction) -> Instruction:
    # of=self: the instruction row alone, not its author's and region's rows the join brings along.
    return Instruction.objects.select_for_update(of=("self",)).select_related("author", "region").get(pk=instruction.pk)


def _check_version(instruction, expected_version, *, reach=None) -> None:
    """The instruction's version for the close, the unit's own reach's for a unit's step: each step is checked
    against the row it writes, so two units answering at once do not refuse each other. The conflict carries
    the instruction either way."""
    check_version(
        reach if reach is not None else instruction,
        expected_version,
        _(
            "Someone else took a step on this instruction since you opened it (now version %(version)s, you had "
            "%(had)s); reload the page and try again."
        ),
        shown=instruction,
    )


def _unit_reach(instruction, by) -> InstructionReach:
    reach = None
    if is_unit_reporter(by):
        reach = InstructionReach.objects.select_for_update().filter(instruction=instruction, unit_id=by.unit_id).first()
    if reach is None:
        raise NotAllowed(_("Only the units this instruction reaches acknowledge or answer it."))
    if instruction.status == InstructionStatus.CLOSED:
        raise InstructionError(_("This instruction is closed."))
    return reach


def _settle(instruction) -> None:
    """The instruction's status from its units': answered once every unit has answered, acknowledged once
    any unit has taken it up."""
    states = list(instruction.reaches.values_list("status", flat=True))
    if states and all(s == ReachStatus.ANSWERED for s in states):
        instruction.status = InstructionStatus.ANSWERED
    elif any(s != ReachStatus.ISSUED for s in states):
        instruction.status = InstructionStatus.ACKNOWLEDGED
    else:
        instruction.status = InstructionStatus.ISSUED
    instruction.version += 1
    instruction.save(update_fields=["status", "version"])


@transaction.atomic
def instruction_acknowledge(*, instruction, by, expected_version: int | None = None) -> InstructionReach:
    """A unit reached says it has received the instruction and is on it (签收). `expected_version` is the
    version of the unit's own reach the caller read: ConflictError when someone of the same unit took a step
    since; another unit's step since is no conflict. The instruction's version rises as well, for the close."""
    instruction = _lock(instruction)
    reach = _unit_reach(instruction, by)
    _check_version(instruction, expected_version, reach=reach)
    if reach.status != ReachStatus.ISSUED:
        raise InstructionError(_("%(unit)s has already acknowledged this instruction.") % {"unit": reach.unit.name})
    old = _snapshot(instruction)
    reach.status, reach.acknowledged_by, reach.acknowledged_at = ReachStatus.ACKNOWLEDGED, by, timezone.now()
    reach.version += 1
    reach.save()
    _settle(instruction)
    audit_record(
        action="instruction.acknowledge",
        by=by,
        obj=instruction,
        old=old,
        new=_snapshot(instruction) | {"unit": reach.unit.name},
    )
    _tell_issuers(
        instruction,
        "instruction.acknowledged",
        _("%(unit)s acknowledged the instruction on %(about)s")
        % {"unit": reach.unit.name, "about": _about(instruction)},
    )
    return reach


@transaction.atomic
def instruction_respond(*, instruction, by, response: str, expected_version: int | None = None) -> InstructionReach:
    """A unit reached answers with what it has done (落实情况); it may answer again until the instruction is
    closed, each answer audited. ConflictError on a stale `expected_version` of the unit's own reach."""
    instruction = _lock(instruction)
    reach = _unit_reach(instruction, by)
    _check_version(instruction, expected_version, reach=reach)
    response = (response or "").strip()
    if not response:
        raise InstructionError({"response": _("Describe what your unit has done about the instruction.")})
    old = _snapshot(instruction) | {"response": reach.response}
    now = timezone.now()
    if reach.acknowledged_at is None:
        reach.acknowledged_by, reach.acknowledged_at = by, now
    reach.status, reach.response, reach.responded_by, reach.responded_at = ReachStatus.ANSWERED, response, by, now
    reach.version += 1
    reach.save()
    _settle(instruction)
    audit_record(
        action="instruction.respond",
        by=by,
        obj=instruction,
        old=old,
        new=_snapshot(instruction) | {"unit": reach.unit.name, "response": response},
    )
    _tell_issuers(
        instruction,
        "instruction.answered",
        _("%(unit)s answered the instruction on %(about)s: %(text)s")
        % {"unit": reach.unit.name, "about": _about(instruction), "text": response},
    )
    return reach


@transaction.atomic
def instruction_close(*, instruction, by, comment: str = "", expected_version: int | None = None) -> Instruction:
    """The supervision office, or the leader who wrote it, closes an instruction every unit has answered.
    ConflictError on a stale `expected_version` of the instruction, which every unit's step raises too: the
    answers the closer read are the answers it closes on."""
    instruction = _lock(instruction)
    if not can_close_instruction(by, instruction):
        raise NotAllowed(_("Only the supervision office or the leader who wrote it closes an instruction."))
    _check_version(instruction, expected_version)
    if instruction.status == InstructionStatus.CLOSED:
        raise InstructionError(_("This instruction is already closed."))
    waiting = [r.unit.name for r in instruction.reaches.select_related("unit") if r.status != ReachStatus.ANSWERED]
    if waiting:
        raise InstructionError(_("Not every unit has answered yet: %(units)s.") % {"units": "、".join(waiting)})
    old = _snapshot(instruction)
    instruction.status, instruction.closed_by, instruction.closed_at = InstructionStatus.CLOSED, by, timezone.now()
    instruction.close_comment = (comment or "").strip()
    instruction.version += 1
    instruction.save()
    audit_record(
        action="instruction.close",
        by=by,
        obj=instruction,
        old=old,
        new=_snapshot(instruction) | {"comment": instruction.close_comment},
    )
    units = [r.unit for r in instruction.reaches.select_related("unit")]
    _tell_units(
        instruction,
        units,
        "instruction.closed",
        _("The instruction on %(about)s was closed by %(who)s") % {"about": _about(instruction), "who": by.shown_name},
    )
    return instruction


def ledger_exported(*, by, rows: int, filters: dict) -> None:
    """Audit a download of the 领导批示 list: who took which instructions out, filtered how."""
    audit_record(
        action="instruction.export",
        by=by,
        object_type="instructions.Instruction",
        new={"rows": rows, "filters": filters},
    )


def instructions_remind_overdue(*, today: date) -> int:
    """Each morning (beat): every unit whose answer to an open instruction is past its date is told once, in the
    app and on its group robot / SMS; the leader and the office hear once per instruction which units are late.
    Returns how many units were told. Running it twice the same day sends nothing twice."""
    late = (
        InstructionReach.objects.filter(
            instruction__status__in=selectors.OPEN, instruction__due_date__lt=today, overdue_noticed_at__isnull=True
        )
        .exclude(status=ReachStatus.ANSWERED)
        .select_related("instruction__author", "instruction__region", "unit")
        .order_by("instruction_id", "unit_id")
    )
    by_instruction = {}
    for reach in late:
        by_instruction.setdefault(reach.instruction_id, []).append(reach)
    for reaches in by_instruction.values():
        _remind_one(reaches)
    return sum(len(r) for r in by_instruction.values())


@transaction.atomic
def _remind_one(reaches) -> None:
    instruction = reaches[0].instruction
    units = [r.unit for r in reaches]
    InstructionReach.objects.filter(pk__in=[r.pk for r in reaches]).update(overdue_noticed_at=timezone.now())
    audit_record(
        action="instruction.overdue",
        obj=instruction,
        new={"due_date": instruction.due_date, "units": [u.name for u in units]},
    )
    due = day_words(instruction.due_date)
    _tell_units(
        instruction,
        units,
        "instruction.overdue",
        _("Your answer to the instruction on %(about)s was due on %(date)s; answer it now.")
        % {"about": _about(instruction), "date": due},
    )
    _tell_issuers(
        instruction,
        "instruction.overdue",
        _("Not answered by %(date)s, the instruction on %(about)s: %(units)s")
        % {"date": due, "about": _about(instruction), "units": "、".join(u.name for u in units)},
    )
