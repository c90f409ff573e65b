"""The preview as the person left it: the submitted form applied to the parsed plan; nothing is written."""

from __future__ import annotations

import re
from datetime import date

from regions.models import Region

from ..excel import indicators as extraction
from ..intake import beside
from .defaults import default_first_period, first_period_is_default
from .units import rematch_units

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
