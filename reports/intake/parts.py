"""One plan uploaded as several files (the plan's text as .docx or a portal page, its responsibility table as .xlsx,
a second table for another part): the files' ``parsed`` dicts combined into one preview. Pure.

* the tables' tasks are the plan's tasks, file after file, their sections kept; a later file numbered from 1 again
  continues after the last number, so every task keeps a number of its own; each task names its ``file``;
* beside a table, a text file's numbered tasks that no table lists are offered, as for a text with its annex
  (:mod:`.beside`); with no table at all, the texts' tasks are the plan's tasks;
* the plan's title is the first text's (a table's title is the table's name), the number, issuer, date and period
  the first file's that states them; warnings and not-understood sentences name the file they come from.
"""

from __future__ import annotations

from django.utils.translation import pgettext

from . import beside

HEAD = ("doc_number", "issuer", "issued_on", "period_text")


def _from_file(message: str, name: str) -> str:
    return f"{name}{pgettext('between a label and its value', ': ')}{message}"


def _append(part: dict, sections: list[dict], tasks: list[dict]) -> None:
    """The part's sections and tasks after those already there, keys and numbers made unique."""
    keys: dict = {}
    for section in part["sections"]:
        keys[section["key"]] = len(sections)
        sections.append(dict(section, key=len(sections), parent=keys.get(section.get("parent"))))
    last = max((int(t["seq"]) for t in tasks if str(t["seq"]).isdigit()), default=0)
    seqs = [int(t["seq"]) for t in part["tasks"] if str(t["seq"]).isdigit()]
    offset = last if seqs and min(seqs) <= last else 0
    for task in part["tasks"]:
        seq = int(task["seq"]) + offset if str(task["seq"]).isdigit() else task["seq"]
        tasks.append(dict(task, seq=seq, section=keys.get(task.get("section")), file=part["file_name"]))


def combined(parts: list[dict]) -> dict:
    """The preview's data of several files read as one plan (see the module docstring)."""
    if len(parts) == 1:
        return parts[0]
    tables = [p for p in parts if p.get("source") != "text"]
    texts = [p for p in parts if p.get("source") == "text"]
    sections: list[dict] = []
    tasks: list[dict] = []
    for part in tables or texts:
        _append(part, sections, tasks)
    aside = [dict(t, file=p["file_name"]) for p in tables for t in p.get("text_tasks") or []]
    if tables:
        aside += [
            dict(t, file=text["file_name"]) for text in texts for t in beside.text_tasks_beside({"tasks": tasks}, text)
        ]
    plan = dict(parts[0])
    plan.update({field: next((p[field] for p in parts if p.get(field)), "") for field in HEAD})
    plan.update(
        title=(texts or parts)[0]["title"],
        source="table" if tables else "text",
        sections=sections,
        tasks=tasks,
        text_tasks=aside,
        file_name="、".join(p["file_name"] for p in parts),
        files=[p["file_name"] for p in parts],
        warnings=[
            dict(w, message=_from_file(w["message"], p["file_name"]))
            for p in parts
            for w in p["warnings"]
            if not w.get("text_tasks")
        ]
        + ([beside.aside_warning(len(aside))] if aside else []),
        not_understood=[
            dict(row, section=None, file=p["file_name"], text=_from_file(row["text"], p["file_name"]))
            for p in parts
            for row in p.get("not_understood") or []
        ],
    )
    return plan
