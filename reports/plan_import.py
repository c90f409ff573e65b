"""Plan import from a responsibility table: parse → preview (units matched, indicators proposed) → commit.

``plan_import_parse`` reads and vets the file and returns JSON-ready data (nothing written);
the preview page or the API lets a person change it; ``plan_import`` writes it in one
transaction, with an audit event, or writes nothing and says which task and field are wrong.
"""

from __future__ import annotations

import difflib
import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts import permissions
from accounts.services import audit_record
from core.uploads import UnreadableFile
from regions.models import Region, RegionLevel, Unit, UnitKind
from targets import rules
from targets.choices import Kind
from targets.models import Plan, Section, Target
from targets.services import indicator_create, target_units_set

from .excel import indicators as extraction
from .intake import beside, prose
from .intake import head as plan_head
from .intake import parts as intake_parts
from .intake import units as unit_lists
from .intake.dates import period_from_text, year_of_title
from .intake.files import read_plan_file
from .intake.table import grid_title, parse_grid
from .plan_checks import Problem, check_plan, parse_month

CLOSE_MATCH_CUTOFF = 0.6
AUTO_ACCEPT_SCORE = 0.8
PLAN_YEARS = re.compile(r"(20\d{2})\s*[-—–~至到]+\s*(20\d{2})")


def county_by_code(code: str) -> Region:
    region = Region.objects.filter(code=str(code).strip(), level=RegionLevel.COUNTY).first()
    if region is None:
        raise ValidationError(
            {"region": _("No county with division code %(code)s is in the platform.") % {"code": code}}
        )
    return region


def plan_dates(title: str, today: date | None = None) -> tuple[date, date]:
    """ "…(2023—2027年)" → 2023-01-01 … 2027-12-31; without years, this year and the four after it."""
    match = PLAN_YEARS.search(extraction.normalise(title))
    if match:
        return date(int(match.group(1)), 1, 1), date(int(match.group(2)), 12, 31)
    year = (today or timezone.localdate()).year
    return date(year, 1, 1), date(year + 4, 12, 31)


def suggest_units(name: str, units: dict[str, Unit]) -> list[dict]:
    """Existing units whose names are close to `name`, best first, with a score 0–1."""
    scored = []
    for candidate, unit in units.items():
        score = difflib.SequenceMatcher(None, name, candidate).ratio()
        if candidate in name or name in candidate:
            score = max(score, 0.85)
        if score >= CLOSE_MATCH_CUTOFF:
            scored.append({"id": unit.pk, "name": candidate, "score": round(score, 2)})
    return sorted(scored, key=lambda s: -s["score"])[:3]


def split_known_names(parsed: dict, known) -> None:
    """A name that is two or more of the county's units run together ("区纪委区监委区委组织部") becomes those units."""
    for task in parsed["tasks"]:
        for field in ("lead_units", "co_units"):
            names = []
            for name in task[field]:
                pieces = None if name in known else unit_lists.split_known(name, known)
                names += [n for n in (pieces or [name]) if n not in names]
            task[field] = names


def match_units(parsed: dict, county: Region) -> list[dict]:
    """Every unit name the table uses, with its exact match or close suggestions (one query)."""
    units = {extraction.normalise(u.name): u for u in Unit.objects.filter(county=county)}
    split_known_names(parsed, set(units))
    names = []
    for task in parsed["tasks"]:
        names += [n for n in task["lead_units"] + task["co_units"] if n not in names]
    rows = []
    for name in names:
        exact = units.get(name)
        rows.append(
            {
                "name": name,
                "unit_id": exact.pk if exact else None,
                "suggestions": [] if exact else suggest_units(name, units),
                "decision": f"use:{exact.pk}" if exact else "",
            }
        )
    return rows


def _stated_period(title: str, plan_file, head) -> tuple[date, date] | None:
    """The period the typed title states, else the one the document states (its own title, a sentence), else the
    one year a title names ("禾丰县2024年乡村振兴重点工作实施方案": that calendar year)."""
    titles = [title, grid_title(plan_file.grid) if plan_file.grid is not None else "", head.title]
    if plan_file.grid is not None:
        stated = (
            period_from_text(title)
            or period_from_text(titles[1])
            or (period_from_text(head.title) if head.title else None)
            or (plan_head.find_period(plan_file.lines, head) if plan_file.lines else None)
        )
    else:
        stated = period_from_text(title) or plan_head.find_period(plan_file.lines, head)
    return stated or next((year for t in titles if t and (year := year_of_title(t))), None)


def _with_text_beside(parsed: dict, plan_file, start: date, end: date) -> None:
    """The text around a table read as well: its tasks the table does not cover are kept aside for the person to
    import (``text_tasks``), its sentences that are no task listed as not understood (reports.intake.beside)."""
    lines = plan_file.lines[: plan_file.table_line] if plan_file.table_line is not None else plan_file.lines
    if not any(line.strip() for line in lines):
        parsed["text_tasks"] = []
        return
    text = prose.parse_lines(lines, start=start, end=end, head=plan_head.document_head(lines))
    parsed["text_tasks"] = beside.text_tasks_beside(parsed, text)
    parsed["not_understood"] = parsed.get("not_understood", []) + [
        dict(row, section=None) for row in text["not_understood"]
    ]
    if parsed["text_tasks"]:
        parsed["warnings"].append(beside.aside_warning(len(parsed["text_tasks"])))


def parse_plan_file(plan_file, *, title: str = "", start: date | None = None, end: date | None = None) -> dict:
    """The preview's data for a file already read (reports.intake.files), before units are matched; pure.

    A document that states no period gets a guessed one, marked `period_assumed`: the preview asks
    the person to set it and the import refuses it until then.
    """
    head = plan_head.document_head(plan_file.lines)
    if plan_file.table_line is not None:  # a plan text whose annex is the responsibility table, as text
        title = title or head.title or grid_title(plan_file.grid) or plan_file.name
    elif plan_file.grid is not None:
        title = title or grid_title(plan_file.grid) or head.title or plan_file.name
    elif not plan_file.lines or not any(line.strip() for line in plan_file.lines):
        raise UnreadableFile(_("The file holds no text to read a plan from."))
    else:
        title = title or head.title or plan_file.name
    stated = _stated_period(title, plan_file, head)
    period_assumed = stated is None and not (start and end)
    title_start, title_end = stated or plan_dates(title)
    start, end = start or title_start, end or title_end
    if plan_file.grid is not None:
        parsed = parse_grid(plan_file.grid, start=start, end=end)
        plan_head.body_end(plan_file.lines, head)  # the signature and date at the foot fill the issuer and date
        head.issuer = head.issuer or plan_head.issuer_from_number(head.doc_number, plan_file.lines)
        parsed.update(head.as_dict())
        if plan_file.table_line is not None:
            parsed["warnings"].insert(
                0,
                {
                    "row": plan_file.table_line + 1,
                    "message": _(
                        "The tasks were read from the responsibility table that starts on line %(line)s; the plan's text "
                        "above it was read for its title, number, issuer and period only."
                    )
                    % {"line": plan_file.table_line + 1},
                },
            )
        _with_text_beside(parsed, plan_file, start, end)
    else:
        parsed = prose.parse_lines(plan_file.lines, start=start, end=end, head=head)
    parsed.update(
        title=title[:300],
        file_name=plan_file.name,
        start=start.isoformat(),
        end=end.isoformat(),
        period_assumed=period_assumed,
    )
    return parsed


def parse_plan_files(plan_files: list, *, title: str = "", start: date | None = None, end: date | None = None) -> dict:
    """Several files of one plan (its text and its table, or tables of its parts) as one preview
    (reports.intake.parts); the period the first file states holds for all, so their dates agree."""
    parts = [parse_plan_file(f, title=title, start=start, end=end) for f in plan_files]
    stated = next((p for p in parts if not p["period_assumed"]), None)
    if len(parts) > 1 and stated is not None and not (start and end):
        start, end = date.fromisoformat(stated["start"]), date.fromisoformat(stated["end"])
        parts = [parse_plan_file(f, title=title, start=start, end=end) for f in plan_files]
    return intake_parts.combined(parts)


def plan_import_parse(
    *, file, region: Region, title: str = "", start: date | None = None, end: date | None = None
) -> dict:
    """Read a plan file (a table, or a plan written as text), or a list of the files of one plan, into the
    preview's data; nothing is written."""
    uploads = list(file) if isinstance(file, (list, tuple)) else [file]
    parsed = parse_plan_files([read_plan_file(f) for f in uploads], title=title, start=start, end=end)
    parsed.update(region=region.code, units=match_units(parsed, region))
    return parsed


def decide_units(parsed: dict, *, accept_suggestions: bool, create_units: bool) -> None:
    """Fill in the open unit decisions the way the API asks: best close match, or a new unit."""
    for row in parsed["units"]:
        if row["decision"]:
            continue
        best = row["suggestions"][0] if row["suggestions"] else None
        if accept_suggestions and best and best["score"] >= AUTO_ACCEPT_SCORE:
            row["decision"] = f"use:{best['id']}"
        elif create_units:
            row["decision"] = "create"


def default_missing_baselines(parsed: dict) -> None:
    """A decrease with no stated baseline cannot be paced: keep its target as a ceiling and say so."""
    for task in parsed["tasks"]:
        for proposal in task["indicators"]:
            if proposal["kind"] == Kind.DECREASE and proposal.get("baseline") in (None, ""):
                proposal["kind"] = Kind.CEILING
                proposal["baseline"] = proposal["target_value"]
                proposal["warnings"] = proposal.get("warnings", []) + ["decrease_without_baseline_kept_as_ceiling"]


def _resolve_units(parsed: dict, county: Region, by) -> dict[str, Unit]:
    existing = {u.pk: u for u in Unit.objects.filter(county=county)}
    resolved, missing = {}, []
    for row in parsed["units"]:
        decision = row.get("decision") or ""
        if decision.startswith("use:") and decision[4:].isdigit() and int(decision[4:]) in existing:
            resolved[row["name"]] = existing[int(decision[4:])]
        elif decision == "create":
            # get_or_create: "create" on a name that exists after all must not break the unique name.
            unit, created = Unit.objects.get_or_create(
                county=county, name=row["name"][:100], defaults={"kind": _unit_kind(row["name"])}
            )
            if created:
                audit_record(action="unit.create", by=by, obj=unit, new={"name": unit.name, "kind": unit.kind})
            existing[unit.pk] = resolved[row["name"]] = unit
        else:
            missing.append(row["name"])
    if missing:
        raise ValidationError(
            {
                "units": _("Decide for each of these units whether it is an existing unit or a new one: %(names)s.")
                % {"names": "、".join(missing)}
            }
        )
    return resolved


def _unit_kind(name: str) -> str:
    return UnitKind.TOWNSHIP if name.endswith(("镇", "乡", "街道")) else UnitKind.DEPARTMENT


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


def default_first_period(parsed: dict, today: date | None = None) -> str:
    """The first period units owe: the first not yet past due on the day of import (nothing backdated),
    or the plan's first month when the plan has not begun."""
    first = rules.first_period_not_past_due(today or timezone.localdate())
    start = parse_month((parsed.get("start") or "")[:7])
    return f"{max(first, start) if start else first:%Y-%m}"


def with_defaults(parsed: dict, today: date | None = None) -> dict:
    """The preview's defaults: the first reporting period, remembered as a default (`first_period_default`)
    so that a save on a later day re-derives it instead of keeping a month that has since fallen past due."""
    if not parsed.get("first_period"):
        parsed["first_period"] = parsed["first_period_default"] = default_first_period(parsed, today)
    return parsed


def first_period_is_default(parsed: dict) -> bool:
    return bool(parsed.get("first_period_default")) and parsed.get("first_period") == parsed["first_period_default"]


def at_save(parsed: dict, today: date) -> dict:
    """The preview as it is saved on `today`: a default first period is derived again for that day (a preview
    left open overnight does not backdate the plan); a chosen one is kept and checked (plan_checks)."""
    if not first_period_is_default(parsed):
        return parsed
    first = default_first_period(parsed, today)
    return dict(parsed, first_period=first, first_period_default=first)


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
    units = _resolve_units(parsed, region, by)
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


INDICATOR_INPUTS = ("name", "kind", "unit", "baseline", "target_value", "deadline", "frequency", "milestones")
PLAN_INPUTS = ("start", "end", "first_period", "doc_number", "issuer")
TASK_TEXTS = ("seq", "content")
UNIT_LIST = re.compile(r"[、,，;；\s]+")


def milestones_text(milestones) -> str:
    """[["2024-04-30", "30"], …] → "2024-04-30:30; …", the way the preview shows and edits them."""
    return "; ".join(f"{when}:{value}" for when, value in milestones)


def _milestones(text: str) -> list[list[str]]:
    pairs = []
    for part in filter(None, (p.strip() for p in re.split(r"[;；\n]", text))):
        when, _sep, value = part.replace("：", ":").partition(":")
        pairs.append([when.strip(), value.strip()])
    return pairs


def _edited_indicator(data, prefix: str, proposal: dict | None) -> dict | None:
    """One indicator row of the preview form; None when dropped (or an empty added row).

    Only the fields the form sends change; an emptied baseline is no baseline.
    """
    values = {
        field: (data.get(f"{prefix}-{field}") or "").strip()
        for field in INDICATOR_INPUTS
        if f"{prefix}-{field}" in data
    }
    if proposal is None:
        if not (values.get("name") and values.get("target_value")):
            return None
        proposal = {
            "source_phrase": "",
            "milestones": [],
            "warnings": [],
            "kind": "increase",
            "baseline": "0",
            "unit": "",
            "frequency": "monthly",
        }
    elif not data.get(f"{prefix}-keep"):
        return None
    edited = dict(proposal)
    edited.update(
        {
            field: value
            for field, value in values.items()
            if (value or field == "unit") and field not in ("milestones", "baseline")
        }
    )
    if "baseline" in values:
        edited["baseline"] = values["baseline"] or None
    if "milestones" in values:
        edited["milestones"] = _milestones(values["milestones"])
    return edited


def _edited_units(data, prefix: str, task: dict) -> dict:
    changes = {}
    for field in ("lead_units", "co_units"):
        if f"{prefix}-{field}" in data:
            changes[field] = [n for n in UNIT_LIST.split(extraction.normalise(data[f"{prefix}-{field}"])) if n]
    return changes


def _section_choice(value, keys: set, moved: dict):
    """A section key from the form ("" = no section; keys may be numbers, the form sends text); a dropped
    section's tasks go to where it belonged; an unknown key is kept, for check_plan to name."""
    by_text = {str(k): k for k in keys | set(moved)}
    key = None if value in (None, "") else by_text.get(str(value), value)
    while key in moved:
        key = moved[key]
    return key


def _edited_sections(parsed: dict, data) -> tuple[list[dict], dict]:
    """Sections renamed, moved under another, dropped or added; and {dropped key: where its contents go}."""
    sections, moved = [], {}
    for k, section in enumerate(parsed.get("sections") or []):
        if data.get(f"s{k}-drop"):
            moved[section["key"]] = section.get("parent")
            continue
        changes = {}
        if f"s{k}-title" in data:
            changes["title"] = data[f"s{k}-title"].strip()[:300]
        if f"s{k}-parent" in data:
            changes["parent"] = data[f"s{k}-parent"] or None
        sections.append(dict(section, **changes))
    title = (data.get("snew-title") or "").strip()[:300]
    if title:
        taken = {s["key"] for s in parsed.get("sections") or []}
        key = next(f"added-{n}" for n in range(1, len(taken) + 2) if f"added-{n}" not in taken)
        sections.append({"key": key, "title": title, "level": 1, "parent": data.get("snew-parent") or None})
    keys = {s["key"] for s in sections}
    for section in sections:
        section["parent"] = _section_choice(section.get("parent"), keys, moved)
    return sections, moved


def _edited_task(data, prefix: str, task: dict, keys: set, moved: dict) -> dict:
    changes = {field: data[f"{prefix}-{field}"].strip() for field in TASK_TEXTS if f"{prefix}-{field}" in data}
    if f"{prefix}-section" in data:
        changes["section"] = data[f"{prefix}-section"]
    if f"{prefix}-name" in data:  # the form always sends the task's inputs together
        changes["all_townships"] = bool(data.get(f"{prefix}-all_townships"))
    task = dict(
        task,
        name=(data.get(f"{prefix}-name") or task["name"]).strip()[:300],
        **changes,
        **_edited_units(data, prefix, task),
    )
    task["section"] = _section_choice(task.get("section"), keys, moved)
    return task


def _added_task(data, tasks: list, keys: set, moved: dict) -> dict | None:
    name = (data.get("tnew-name") or "").strip()[:300]
    if not name:
        return None
    seqs = [int(t["seq"]) for t in tasks if str(t.get("seq")).isdigit()]
    blank = {
        "row": None,
        "seq": str(max(seqs, default=0) + 1),
        "name": name,
        "content": "",
        "section": None,
        "units_raw": "",
        "lead_units": [],
        "co_units": [],
        "all_townships": False,
        "unparsed": [],
        "notes": [],
        "deadline_text": "",
        "deadline": None,
        "ongoing": False,
        "leader": "",
        "indicators": [],
        "added": True,
    }
    task = _edited_task(data, "tnew", blank, keys, moved)
    task["seq"] = task["seq"] or blank["seq"]
    return task


def _in_section_order(tasks: list[dict], sections: list[dict]) -> list[dict]:
    """Tasks grouped under their sections in the sections' order (a moved task joins its new section)."""
    rank = {s["key"]: k for k, s in enumerate(sections)}
    return sorted(tasks, key=lambda t: -1 if t.get("section") is None else rank.get(t["section"], len(rank)))


def apply_preview_edits(parsed: dict, data, region: Region | None = None, today: date | None = None) -> dict:
    """The preview as the person left it: every field of the plan, its sections, tasks and indicators edited;
    sections and tasks dropped, added or moved; indicators dropped or added; units decided. With `region`,
    unit names typed on the page are matched against its units. Nothing is written.

    `data` is the submitted form (a QueryDict or dict); field names are those the preview template renders.
    With `today`, a first period equal to that day's default stays a default (the page showed it so).
    """
    edited = dict(parsed, title=(data.get("title") or parsed["title"]).strip()[:300])
    edited.update({field: data[field].strip() for field in PLAN_INPUTS if field in data})
    if data.get("start") and data.get("end"):
        edited["period_assumed"] = False  # the person has seen and set the period
    if "first_period" in data:
        edited["first_period_backdate"] = bool(data.get("first_period_backdate"))
    sections, moved = _edited_sections(parsed, data)
    keys = {s["key"] for s in sections}
    tasks = []
    for i, task in enumerate(parsed["tasks"]):
        if data.get(f"t{i}-drop"):
            continue
        task = _edited_task(data, f"t{i}", task, keys, moved)
        proposals = [_edited_indicator(data, f"t{i}-i{j}", p) for j, p in enumerate(task["indicators"])]
        proposals.append(_edited_indicator(data, f"t{i}-new", None))
        task["indicators"] = [p for p in proposals if p is not None]
        tasks.append(task)
    added = _added_task(data, tasks, keys, moved)
    edited["sections"], edited["tasks"] = sections, tasks + ([added] if added else [])
    taken = [k for k in range(len(parsed.get("text_tasks") or [])) if data.get(f"x{k}-take")]
    edited = beside.take_text_tasks(edited, taken)  # the text's own tasks the person chose to import too
    edited["tasks"] = _in_section_order(edited["tasks"], edited["sections"])
    if (
        today is not None
        and not first_period_is_default(edited)
        and edited.get("first_period") == default_first_period(edited, today)
    ):
        edited["first_period_default"] = edited["first_period"]
    edited["units"] = [
        dict(row, decision=data.get(f"u{k}-decision", row["decision"])) for k, row in enumerate(parsed["units"])
    ]
    return rematch_units(edited, region) if region is not None else edited


def rematch_units(parsed: dict, region: Region) -> dict:
    """The unit rows for the names the tasks now use (names may have been typed), decisions kept."""
    decisions = {row.get("name"): row.get("decision") or "" for row in parsed.get("units") or []}
    parsed["units"] = match_units(parsed, region)
    for row in parsed["units"]:
        row["decision"] = decisions.get(row["name"]) or row["decision"]
    return parsed
