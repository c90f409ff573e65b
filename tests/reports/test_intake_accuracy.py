"""The importer reads the hand-labelled corpus (bench/corpus/) at least as well as the goals say."""

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "intake_accuracy.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("intake_accuracy", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def combined(bench):
    parts, _notes = bench.measure()
    return bench.total(parts)


def test_the_corpus_holds_the_seed_plans_and_sixty_phrases(bench):
    import json

    phrases = json.loads((bench.CORPUS / "phrases.json").read_text())
    assert len(phrases) >= 60
    assert len(json.loads((bench.CORPUS / "dongtou_table.json").read_text())["tasks"]) == 69
    assert len(json.loads((bench.CORPUS / "xunyi_plan.json").read_text())["tasks"]) == 38


def test_indicators_are_read_exactly_at_least_97_percent_of_the_time(combined):
    assert combined["indicators"].rate() >= 97, combined["indicators"].misses


def test_every_task_and_lead_unit_is_read(combined):
    assert combined["tasks"].rate() == 100, combined["tasks"].misses
    assert combined["lead units"].rate() == 100, combined["lead units"].misses


def test_a_wrong_reading_counts_against_the_rate(bench):
    tally = {name: bench.Tally() for name in ("indicators", *bench.FIELDS)}
    label = {"kind": "floor", "value": "11800", "unit": "亩", "deadline": "2027-12-31", "milestones": []}
    found = {"kind": "increase", "target_value": "11800", "unit": "亩", "deadline": "2027-12-31", "milestones": []}
    bench.score_indicators([label], [found, dict(found, target_value="5")], "test", tally)
    assert tally["indicators"].counts == {"partial": 1, "extra": 1}
    assert tally["indicators"].rate() == 0
    assert tally["kind"].counts == {"wrong": 1}


def test_the_plans_written_outside_the_seeds_are_read_through_the_file_readers(bench):
    """The .txt, .html and .docx documents of bench/corpus/other/ go through read_plan_file as uploads do."""
    parts, _notes = bench.measure()
    others = {
        title: tally for title, tally in parts.items() if title.split(" ")[0].endswith((".txt", ".html", ".docx"))
    }
    assert {title.split(" ")[0] for title in others} >= {
        "anping_plan.txt",
        "ningyuan_table.html",
        "lanxi_table.docx",
        "qinghe_plan.docx",
    }
    for title, tally in others.items():
        for field in ("tasks", "lead units", "co-units", "townships"):
            assert tally[field].rate() == 100, (title, field, tally[field].misses)
        assert tally["indicators"].rate() >= 97, (title, tally["indicators"].misses)
