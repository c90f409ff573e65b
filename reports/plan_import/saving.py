"""Writing the previewed plan: checked first (reports.plan_checks), then sections, tasks, units, indicators and
milestones in one transaction with its audit event, or nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts import permissions
from accounts.services import audit_record
from regions.models import Region, Unit
from targets.models import Plan, Section, Target
from targets.services import indicator_create, target_units_set

from ..plan_checks import Problem, check_plan, parse_month
from .defaults import at_save, default_first_period
from .units import resolve_units


def _decimal(value, where: str, field: str) -> Decimal:
    try:
        return Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError(
            {field: _("%(where)s: “%(value)s” is not a number.") % {"where": where, "value": value}}
        ) from None


def _date(value, where: str, field: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(
            {field: _("%(where)s: “%(value)s” is not a date (YYYY-MM-DD).") % {"where": where, "value": value}}
        ) from None


def _indicator_fields(proposal: dict, where: str, plan: Plan) -> dict:
    if proposal.get("baseline") in (None, ""):
        raise ValidationError(
            {"baseline": _("%(where)s: enter the baseline (the value at the plan's start).") % {"where": where}}
        )
    return {
        "name": (proposal.get("name") or "").strip()[:300] or where,
        "kind": proposal["kind"],
        "unit": (proposal.get("unit") or "")[:20],
        "baseline": _decimal(proposal["baseline"], where, "baseline"),
        "target_value": _decimal(proposal["target_value"], where, "target_value"),
        "start_date": plan.start_date,
        "deadline": _date(proposal.get("deadline") or plan.end_date, where, "deadline"),
        "frequency": proposal.get("frequency") or "monthly",
        "source_phrase": proposal.get("source_phrase", ""),
    }


def _write_task(task: dict, plan: Plan, section: Section | None, units: dict[str, Unit], by) -> Target:
    target = Target.objects.create(
        plan=plan,
        section=section,
        seq=int(task["seq"]),
        name=task["name"][:300],
        content=task.get("content", ""),
        all_townships=bool(task.get("all_townships")),
    )
    target_units_set(
        target=target, leads=[units[n] for n in task["lead_units"]], co_units=[units[n] for n in task["co_units"]]
    )
    for order, proposal in enumerate(task["indicators"]):
        where = _("Task %(seq)s, indicator %(n)s") % {"seq": task["seq"], "n": order + 1}
        fields = _indicator_fields(proposal, where, plan)
        milestones = [
            (_date(d, where, "milestones"), _decimal(v, where, "milestones")) for d, v in proposal.get("milestones", [])
        ]
        try:
            indicator_create(target=target, by=by, order=order, milestones=milestones, **fields)
        except ValidationError as exc:
            colon = pgettext("between a label and its value", ": ")
            clauses = pgettext("between two clauses", "; ").join(exc.messages)
            raise ValidationError({"indicators": f"{where}{colon}{clauses}"}) from None
    return target


def _parents_first(sections: list[dict]) -> list[tuple[int, dict]]:
    """(order, section) with every parent before its children (the preview may move a section under a later one)."""
    pending, done, ordered = list(enumerate(sections)), set(), []
    while pending:
        ready = [(k, s) for k, s in pending if s.get("parent") is None or s.get("parent") in done]
        if not ready:  # cannot happen once check_plan has passed; keep the rest at top level
            ready = pending
        ordered += ready
        done |= {s["key"] for _k, s in ready}
        pending = [item for item in pending if item not in ready]
    return ordered


class PlanProblems(ValidationError):
    """The previewed plan cannot be saved as it stands; `problems` names each by task and field."""

    def __init__(self, problems: list[Problem]):
        by_field: dict[str, list[str]] = {}
        for problem in problems:
            by_field.setdefault(problem.field, []).append(problem.message)
        super().__init__(by_field)
        self.problems = problems


@transaction.atomic
def plan_import(
    *, parsed: dict, region: Region, by, title: str = "", doc_number: str = "", today: date | None = None
) -> Plan:
    """Write the previewed plan: sections, tasks, units, indicators and milestones; all or nothing.

    Everything is checked first (reports.plan_checks), on the day of the save: a default first period is
    derived again for `today` (at_save), a chosen one that is past due by now is refused unless
    `first_period_backdate` is set. A refusal names the task and field at fault.
    """
    if not permissions.can_import_plans(by, region):
        raise PermissionDenied(_("Only the supervision office or an administrator of this county can import plans."))
    today = today or timezone.localdate()
    parsed = at_save(parsed, today)
    problems = check_plan(dict(parsed, title=title or parsed.get("title", "")), today=today)
    if problems:
        raise PlanProblems(problems)
    units = resolve_units(parsed, region, by)
    plan = Plan(
        title=(title or parsed["title"])[:300],
        doc_number=(doc_number or parsed.get("doc_number") or "")[:100],
        issuer=(parsed.get("issuer") or "")[:200],
        region=region,
        start_date=_date(parsed["start"], "plan", "start"),
        end_date=_date(parsed["end"], "plan", "end"),
        first_period=parse_month(parsed.get("first_period")) or parse_month(default_first_period(parsed)),
    )
    plan.full_clean()
    plan.save()
    sections = {}
    for order, row in _parents_first(parsed["sections"]):
        sections[row["key"]] = Section.objects.create(
            plan=plan, title=row["title"][:300], order=order, parent=sections.get(row.get("parent"))
        )
    for task in parsed["tasks"]:
        _write_task(task, plan, sections.get(task.get("section")), units, by)
    audit_record(
        action="plan.import",
        by=by,
        obj=plan,
        new={
            "file": parsed.get("file_name", ""),
            "tasks": len(parsed["tasks"]),
            "sections": len(parsed["sections"]),
            "start": parsed["start"],
            "end": parsed["end"],
            "first_period": f"{plan.first_period:%Y-%m}",
            "indicators": sum(len(t["indicators"]) for t in parsed["tasks"]),
        },
    )
    return plan
