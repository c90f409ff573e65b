"""A plan text with its responsibility table (a portal page or a .docx whose 附件 is the table). Pure.

The table's rows are the plan's tasks: it is where each task is handed to its units. The text above it may hold
numbered tasks of its own that the table does not list (a table of the key projects under a plan of wider work,
or a table of one part only). Those are not dropped silently and not imported unasked either: a text task the
table does not cover is kept in ``text_tasks``, shown on the preview under the table's tasks with a box to import
it; the text's sentences that are no task (``not_understood``) join the table's notes.

A text task is covered when a table task bears its name ("加强基层党组织建设" in both, or nearly: 推动农业转移人口
市民化 / 农业转移人口市民化), when its name is written inside the table, or when every measurable target it states
(value and unit) is one of the table's.
"""

from __future__ import annotations

import difflib

from django.utils.translation import ngettext

from .units import normalise

SAME_NAME = 0.75  # difflib ratio from which two task names are taken as one task written twice


def _measures(task: dict) -> set[tuple[str, str]]:
    return {(p["target_value"], p["unit"]) for p in task["indicators"] if p["kind"] != "milestone"}


def _covered(task: dict, names: list[str], table_text: str, measures: set) -> bool:
    name = normalise(task["name"])
    if name and (name in table_text or any(difflib.SequenceMatcher(None, name, n).ratio() >= SAME_NAME for n in names)):
        return True
    own = _measures(task)
    return bool(own) and own <= measures


def _section_title(sections: list[dict], key: int | None) -> str:
    return next((s["title"] for s in sections if s["key"] == key), "")


def text_tasks_beside(table: dict, text: dict) -> list[dict]:
    """The text's tasks that the table does not cover, each with the title of the text's section it sits in."""
    names = [normalise(t["name"]) for t in table["tasks"]]
    table_text = "".join(normalise(t["name"] + (t.get("content") or "")) for t in table["tasks"])
    measures = set().union(*(_measures(t) for t in table["tasks"]))
    return [
        dict(task, section=None, section_title=_section_title(text["sections"], task["section"]), from_text=True)
        for task in text["tasks"]
        if not _covered(task, names, table_text, measures)
    ]


def aside_warning(count: int) -> dict:
    """The warning at the top of the preview that the text holds tasks the table does not list."""
    message = ngettext(
        "The plan's text also numbers %(n)s task that the table does not list; it is shown under the "
        "table's tasks: tick it to import it as well.",
        "The plan's text also numbers %(n)s tasks that the table does not list; they are shown under the "
        "table's tasks: tick those to import as well.",
        count,
    ) % {"n": count}
    return {"row": None, "message": message, "text_tasks": True}


def take_text_tasks(parsed: dict, chosen: list[int]) -> dict:
    """The text tasks the person ticked become tasks of the plan: numbered after the last task, in the table's
    section of the same title or in a new one named as in the text. The others stay aside."""
    chosen_set = set(chosen)
    aside = parsed.get("text_tasks") or []
    if not chosen_set & set(range(len(aside))):
        return parsed
    sections, tasks = [dict(s) for s in parsed["sections"]], list(parsed["tasks"])
    by_title = {normalise(s["title"]): s["key"] for s in sections}
    seq = max((int(t["seq"]) for t in tasks if str(t.get("seq")).isdigit()), default=0)
    for k, task in enumerate(aside):
        if k not in chosen_set:
            continue
        title = task.get("section_title") or ""
        key = by_title.get(normalise(title)) if title else None
        if title and key is None:
            taken = {s["key"] for s in sections}
            key = next(f"text-{n}" for n in range(1, len(taken) + 2) if f"text-{n}" not in taken)
            sections.append({"key": key, "title": title, "level": 2, "parent": None, "line": None})
            by_title[normalise(title)] = key
        seq += 1
        tasks.append(dict(task, seq=str(seq), section=key))
    rest = [task for k, task in enumerate(aside) if k not in chosen_set]
    return dict(parsed, sections=sections, tasks=tasks, text_tasks=rest)
