"""Dongtou's responsibility table as the demo keeps it: a workbook built from the published text, read by the importer."""

import importlib.util
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from core.uploads import SafeUpload
from reports.intake.table import parse_table

DATA = Path(__file__).resolve().parents[2] / "demo" / "data"


@pytest.fixture(scope="module")
def builder():
    spec = importlib.util.spec_from_file_location("build_dongtou_xlsx", DATA / "build_dongtou_xlsx.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def parsed():
    data = (DATA / "dongtou.xlsx").read_bytes()
    return parse_table(SafeUpload("dongtou.xlsx", "xlsx", data), start=date(2023, 7, 1), end=date(2027, 12, 31))


def cells(workbook):
    sheet = workbook.active
    return [[cell.value for cell in row] for row in sheet.iter_rows()], sorted(map(str, sheet.merged_cells.ranges))


def test_the_committed_workbook_is_what_the_script_builds_from_the_committed_text(builder, tmp_path):
    title, rows = builder.table_rows((DATA / "dongtou.txt").read_text(encoding="utf-8"))
    built = tmp_path / "dongtou.xlsx"
    builder.workbook_of(title, rows).save(built)
    assert cells(openpyxl.load_workbook(built)) == cells(openpyxl.load_workbook(DATA / "dongtou.xlsx"))


def test_the_workbook_reads_as_the_69_tasks_of_the_annex_in_their_sections(parsed):
    assert parsed["title"] == "温州市洞头区县城承载能力提升和深化“千村示范、万村整治”工程实施方案(2023—2027年)责任分解"
    assert [t["seq"] for t in parsed["tasks"]] == list(range(1, 70)) and parsed["warnings"] == []
    titles = [s["title"] for s in parsed["sections"]]
    assert titles[:3] == ["一、发展目标", "二、持续深化“千村示范、万村整治”工程", "(一)实施乡村产业发展提升行动"]
    assert titles[-1] == "四、保障措施" and len(titles) == 11
    by_seq = {t["seq"]: t for t in parsed["tasks"]}
    assert by_seq[1]["lead_units"] == ["区发改局"] and by_seq[1]["all_townships"]
    assert {by_seq[n]["name"] for n in (63, 64, 65)} == {"政策保证机制"}
    assert by_seq[64]["content"].startswith("加大财政资金支持力度")
    assert by_seq[69]["content"].startswith("实施工程进展晾晒机制") and by_seq[69]["co_units"] == ["生态环境分局"]


def test_the_units_the_text_runs_together_are_read_apart(parsed):
    by_seq = {t["seq"]: t for t in parsed["tasks"]}
    assert by_seq[19]["co_units"][:2] == ["区发改局", "区住建局"]  # "区发改局区住建局" in the annex
    assert by_seq[29]["lead_units"][0] == "区纪委区监委"  # one organ (合署办公), kept whole
