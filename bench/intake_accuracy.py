"""How much of a real plan the importer reads as a person would: exact / partial / wrong / missed per field.

    .venv/bin/python bench/intake_accuracy.py [--corpus bench/corpus] [--show-misses]

The corpus (bench/corpus/, see its README.md) is labelled by hand from the seed documents: the Dongtou
responsibility table (laid out as the seed shows it, run through the table reader), the Xunyi plan as
published text (run through the prose reader when it is installed, else its labelled task texts through
the extractor alone), and target phrases from all five seeds. Labels are what the text says.

Per indicator: *exact* when kind, value, unit, deadline, milestones (and the baseline, where the text
states one) all agree; *partial* when value and unit agree but another field does not; *wrong* when a
proposal sits where the label is but its value or unit differ; *missed* when nothing was proposed for
it; *extra* counts proposals no label asks for. The exact rate is exact / (labelled + extra), so a
reader cannot score by proposing everything. Exit status 1 when a goal is not met.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

GOALS = {"indicators": Decimal("97"), "tasks": Decimal("100"), "lead units": Decimal("100")}
FIELDS = ("kind", "value", "unit", "deadline", "milestones", "baseline")
CORPUS = Path(__file__).resolve().parent / "corpus"


@dataclass
class Tally:
    counts: Counter = field(default_factory=Counter)
    misses: list = field(default_factory=list)

    def add(self, outcome: str, what: str = "") -> None:
        self.counts[outcome] += 1
        if outcome != "exact" and what:
            self.misses.append(f"{outcome}: {what}")

    def rate(self) -> Decimal:
        total = sum(self.counts[k] for k in ("exact", "partial", "wrong", "missed", "extra"))
        return (Decimal(100) * self.counts["exact"] / total).quantize(Decimal("0.1")) if total else Decimal(100)


def _setup_django() -> None:
    import django

    django.setup()


def _norm_value(value) -> str:
    number = Decimal(str(value))
    return str(number.quantize(Decimal(1)) if number == number.to_integral() else number.normalize())


def _label_fields(label: dict) -> dict:
    out = {
        "kind": label["kind"],
        "value": _norm_value(label["value"]),
        "unit": label["unit"],
        "deadline": label["deadline"],
        "milestones": [[d, _norm_value(v)] for d, v in label.get("milestones", [])],
    }
    if "baseline" in label:
        out["baseline"] = _norm_value(label["baseline"])
    return out


def _found_fields(proposal: dict) -> dict:
    return {
        "kind": proposal["kind"],
        "value": _norm_value(proposal["target_value"]),
        "unit": proposal["unit"],
        "deadline": proposal["deadline"],
        "baseline": None if proposal.get("baseline") in (None, "") else _norm_value(proposal["baseline"]),
        "milestones": [[d, _norm_value(v)] for d, v in proposal.get("milestones", [])],
    }


def _align(expected: list[dict], found: list[dict]) -> tuple[list[tuple[dict, dict | None]], list[dict]]:
    """Pair labels with proposals: same value, unit and kind first, then value and unit, then by order."""
    pairs: dict[int, int] = {}
    used: set[int] = set()
    keys = (lambda x: (x["value"], x["unit"], x["kind"]), lambda x: (x["value"], x["unit"]))
    for key in keys:
        for i, label in enumerate(expected):
            if i in pairs:
                continue
            j = next((j for j, f in enumerate(found) if j not in used and key(f) == key(label)), None)
            if j is not None:
                pairs[i] = j
                used.add(j)
    leftover = [j for j in range(len(found)) if j not in used]
    for i in range(len(expected)):
        if i not in pairs and leftover:
            pairs[i] = leftover.pop(0)
    return [(label, found[pairs[i]] if i in pairs else None) for i, label in enumerate(expected)], [
        found[j] for j in leftover
    ]


def score_indicators(expected: list[dict], proposals: list[dict], where: str, tally: dict[str, Tally]) -> None:
    labels = [_label_fields(e) for e in expected]
    found = [_found_fields(p) for p in proposals]
    pairs, extra = _align(labels, found)
    for label, got in pairs:
        what = f"{where}: {label} → {got}"
        if got is None:
            tally["indicators"].add("missed", what)
            for name in FIELDS:
                if name != "baseline" or "baseline" in label:
                    tally[name].add("missed")
            continue
        agree = {name: label[name] == got[name] for name in FIELDS if name != "baseline" or "baseline" in label}
        for name, same in agree.items():
            tally[name].add("exact" if same else "wrong")
        if all(agree.values()):
            tally["indicators"].add("exact")
        else:
            tally["indicators"].add("partial" if agree["value"] and agree["unit"] else "wrong", what)
    for got in extra:
        tally["indicators"].add("extra", f"{where}: {got}")


def _units_outcome(expected: list[str], found: list[str]) -> str:
    expected_set, found_set = set(expected), set(found)
    if expected_set == found_set:
        return "exact"
    return "partial" if expected_set & found_set else "wrong"


def score_tasks(expected: list[dict], parsed: dict, where: str, tally: dict[str, Tally]) -> None:
    """Tasks matched by name; the section, leads and co-units of each; then its indicators."""
    from reports.excel.indicators import normalise

    sections = {s["key"]: normalise(s["title"]) for s in parsed.get("sections", [])}
    remaining = list(parsed["tasks"])
    for label in expected:
        task = next((t for t in remaining if normalise(t["name"]) == normalise(label["name"])), None)
        what = f"{where} task {label['seq']} {label['name']}"
        if task is None:
            for name in ("tasks", "lead units", "co-units"):
                tally[name].add("missed", what)
            score_indicators(label["indicators"], [], what, tally)
            continue
        remaining.remove(task)
        same_section = (sections.get(task.get("section")) or "") == normalise(label["section"] or "")
        tally["tasks"].add(
            "exact" if same_section else "partial", f"{what}: section {sections.get(task.get('section'))}"
        )
        tally["lead units"].add(
            _units_outcome(label["lead_units"], task["lead_units"]),
            f"{what}: leads {task['lead_units']} (labelled {label['lead_units']})",
        )
        tally["co-units"].add(
            _units_outcome(label["co_units"], task["co_units"]),
            f"{what}: co-units {task['co_units']} (labelled {label['co_units']})",
        )
        if "all_townships" in label:
            tally.setdefault("townships", Tally()).add(
                "exact" if bool(task.get("all_townships")) == label["all_townships"] else "wrong",
                f"{what}: every township {task.get('all_townships')} (labelled {label['all_townships']})",
            )
        score_indicators(label["indicators"], task["indicators"], what, tally)
    for task in remaining:
        tally["tasks"].add("extra", f"{where}: unlabelled task {task['name']}")


def dongtou_grid(corpus: dict) -> list[list[str]]:
    """The table as the seed lays it out: title, header, section rows across, one row per task."""
    parents = {title: parent for title, parent in corpus["sections"]}
    grid, shown = [[corpus["title"] + "责任分解"], ["序号", "任务名称", "主要内容", "责任单位"]], set()
    for task in corpus["tasks"]:
        chain, section = [], task["section"]
        while section:
            chain.insert(0, section)
            section = parents[section]
        for title in chain:
            if title not in shown:
                shown.add(title)
                grid.append([title] * 4)
        grid.append([str(task["seq"]), task["name"], task["content"], task["units_raw"]])
    return grid


def _table_reader():
    try:
        from reports.intake.table import parse_grid
    except ImportError:
        from reports.excel.plan_table import parse_grid
    return parse_grid


def _prose_reader():
    try:
        from reports.intake import prose
    except ImportError:
        return None
    return prose


def read_document(path: Path, start: date | None = None, end: date | None = None) -> dict:
    """A document of the corpus read as an upload is (reports.plan_import.parse_plan_file: the file reader, then
    the table or the prose reader, the head, the period); without start and end the period is the one read."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from reports.intake.files import read_plan_file
    from reports.plan_import import parse_plan_file

    plan_file = read_plan_file(SimpleUploadedFile(path.name, path.read_bytes()))
    return parse_plan_file(plan_file, start=start, end=end)


HEAD_FIELDS = ("doc_number", "issuer", "start", "end")


def score_head(expected: dict, parsed: dict, where: str, tally: dict[str, Tally]) -> None:
    """The plan's own fields read from the document's head and foot: number, issuer, period."""
    from reports.excel.indicators import normalise

    for name in HEAD_FIELDS:
        if name in expected:
            got = parsed.get(name) or ""
            tally["plan head"].add(
                "exact" if normalise(got) == normalise(expected[name]) else ("missed" if not got else "wrong"),
                f"{where}: {name} {got!r} (labelled {expected[name]!r})",
            )


def measure(corpus_dir: Path = CORPUS) -> tuple[dict[str, dict[str, Tally]], list[str]]:
    from reports.excel.indicators import extract

    notes, parts = [], {}
    dongtou = json.loads((corpus_dir / "dongtou_table.json").read_text())
    tally = {name: Tally() for name in ("tasks", "lead units", "co-units", "indicators", *FIELDS)}
    parsed = _table_reader()(
        dongtou_grid(dongtou), start=date.fromisoformat(dongtou["start"]), end=date.fromisoformat(dongtou["end"])
    )
    score_tasks(dongtou["tasks"], parsed, "dongtou", tally)
    parts["Dongtou table (69 tasks)"] = tally

    xunyi = json.loads((corpus_dir / "xunyi_plan.json").read_text())
    start, end = date.fromisoformat(xunyi["start"]), date.fromisoformat(xunyi["end"])
    tally = {name: Tally() for name in ("tasks", "lead units", "co-units", "indicators", *FIELDS)}
    prose = _prose_reader()
    if prose is not None:
        lines = (corpus_dir / xunyi["text_file"]).read_text().splitlines()
        parsed = prose.parse_lines(lines, start=start, end=end, head=prose.document_head(lines))
        score_tasks(xunyi["tasks"], parsed, "xunyi", tally)
    else:
        notes.append("No prose reader installed: the Xunyi tasks' labelled texts went through the extractor alone.")
        for task in xunyi["tasks"]:
            found = [p.as_dict() for p in extract(task["content"], start=start, end=end, task_name=task["name"])]
            score_indicators(task["indicators"], found, f"xunyi task {task['seq']}", tally)
    parts["Xunyi plan text (38 tasks)"] = tally

    for labels in sorted((corpus_dir / "other").glob("*.json")):
        other = json.loads(labels.read_text())
        if "tasks_from" in other:  # the same table as another part of the corpus, in another form
            other["tasks"] = json.loads((labels.parent / other["tasks_from"]).read_text())["tasks"]
        tally = {name: Tally() for name in ("tasks", "lead units", "co-units", "townships", "indicators", *FIELDS)}
        if "head" in other:
            tally["plan head"] = Tally()
            score_head(other["head"], read_document(labels.parent / other["file"]), other["file"], tally)
        parsed = read_document(
            labels.parent / other["file"], date.fromisoformat(other["start"]), date.fromisoformat(other["end"])
        )
        score_tasks(other["tasks"], parsed, other["file"], tally)
        parts[f"{other['file']} ({len(other['tasks'])} tasks)"] = tally

    phrases = json.loads((corpus_dir / "phrases.json").read_text())
    tally = {name: Tally() for name in ("indicators", *FIELDS)}
    for n, phrase in enumerate(phrases, start=1):
        found = [
            p.as_dict()
            for p in extract(
                phrase["text"], start=date.fromisoformat(phrase["start"]), end=date.fromisoformat(phrase["end"])
            )
        ]
        score_indicators(phrase["expect"], found, f"phrase {n} ({phrase['source']}) {phrase['text'][:30]}", tally)
    parts[f"Target phrases ({len(phrases)})"] = tally
    return parts, notes


def total(parts: dict[str, dict[str, Tally]]) -> dict[str, Tally]:
    combined: dict[str, Tally] = {}
    for tally in parts.values():
        for name, one in tally.items():
            combined.setdefault(name, Tally()).counts.update(one.counts)
            combined[name].misses += one.misses
    return combined


def print_table(title: str, tally: dict[str, Tally]) -> None:
    print(f"\n{title}")
    print(f"  {'field':<12}{'exact':>7}{'partial':>9}{'wrong':>7}{'missed':>8}{'extra':>7}{'exact %':>9}")
    for name, one in tally.items():
        c = one.counts
        print(
            f"  {name:<12}{c['exact']:>7}{c['partial']:>9}{c['wrong']:>7}{c['missed']:>8}{c['extra']:>7}{one.rate():>9}"
        )


def goals_met(combined: dict[str, Tally]) -> list[str]:
    return [
        f"{name}: {combined[name].rate()} % exact, goal {goal} %"
        for name, goal in GOALS.items()
        if combined[name].rate() < goal
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    _setup_django()
    parts, notes = measure(args.corpus)
    for title, tally in parts.items():
        print_table(title, tally)
    combined = total(parts)
    print_table("All", combined)
    for note in notes:
        print(f"\nNote: {note}")
    if args.show_misses:
        print("\nNot exact:")
        for name in ("tasks", "lead units", "co-units", "townships", "plan head", "indicators"):
            for miss in combined[name].misses if name in combined else []:
                print(f"  [{name}] {miss}")
    failures = goals_met(combined)
    for failure in failures:
        print(f"GOAL NOT MET: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
