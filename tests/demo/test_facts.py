"""The demo's facts file (demo/data/facts.toml) agrees with its source documents and with itself."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from demo import plans
from demo.facts import PLANS, document, facts
from reports.plan_import import plan_import_parse

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def parsed(django_db_setup, django_db_blocker):
    """What the importer reads from each document, with the facts applied (nothing saved)."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        result = {key: plans.plan_parsed(key, plans.geography(key)[0], date(2026, 11, 24)) for key in PLANS}
        for key in PLANS:
            path = document(key)
            result[f"{key}-as-read"] = plan_import_parse(
                file=SimpleUploadedFile(path.name, path.read_bytes()), region=plans.geography(key)[0]
            )
        transaction.set_rollback(True)
    return result


@pytest.mark.parametrize("key", PLANS)
def test_every_assumed_baseline_names_an_indicator_the_importer_reads(parsed, key):
    proposed = {(t["seq"], p["source_phrase"]) for t in parsed[key]["tasks"] for p in t["indicators"]}
    for seq, phrase, baseline in facts()[key]["baselines"]:
        assert (seq, phrase) in proposed, (seq, phrase)
        assert float(baseline) >= 0


@pytest.mark.parametrize("key", PLANS)
def test_every_unit_a_task_or_login_names_is_one_of_the_countys(key):
    spec = facts()[key]
    known = set(spec["departments"]) | {name for _code, name, _kind in spec["townships"]}
    for _seq, leads, co_units, _every in spec.get("tasks", []):
        assert set(leads) | set(co_units) <= known
    for _username, role, _name, county, unit in facts()["accounts"]:
        if county == spec["county"] and role == "reporter":
            assert unit in known


def test_xunyi_facts_assign_every_task_of_its_text(parsed):
    assert [seq for seq, *_rest in facts()["xunyi"]["tasks"]] == [t["seq"] for t in parsed["xunyi"]["tasks"]]


@pytest.mark.parametrize("key", PLANS)
def test_township_and_village_codes_nest_in_their_county(key):
    spec = facts()[key]
    county = spec["county"]
    codes = [code for code, _name, _kind in spec["townships"]]
    assert len(codes) == len(set(codes)) and set(spec["villages"]) == set(codes)
    for code, name, kind in spec["townships"]:
        assert code[:6] == county[:6] and code.endswith("000") and name.endswith(kind)
    villages = [v for rows in spec["villages"].values() for v in rows]
    assert len({code for code, _n, _k in villages}) == len(villages)
    for township, rows in spec["villages"].items():
        assert all(code[:9] == township[:9] and kind in ("行政村", "社区") for code, _name, kind in rows)


def test_the_documents_are_the_ones_the_facts_name():
    assert [document(key).name for key in PLANS] == ["dongtou.xlsx", "xunyi.txt"]
    assert all(document(key).exists() for key in PLANS)


@pytest.mark.parametrize("key", PLANS)
def test_every_section_dropped_and_yearly_target_the_facts_name_is_in_the_document(parsed, key):
    as_read = parsed[f"{key}-as-read"]
    for title in facts()[key].get("drop_sections", []):
        assert title in [s["title"] for s in as_read["sections"]]
        assert title not in [s["title"] for s in parsed[key]["sections"]]
    for seq, phrase, _first_year in facts()[key].get("yearly", []):
        task = next(t for t in as_read["tasks"] if t["seq"] == seq)
        assert phrase in [p["source_phrase"] for p in task["indicators"]]
