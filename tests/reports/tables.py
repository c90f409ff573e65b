"""Responsibility tables built the way county offices lay them out, as real .xlsx and .docx files.

Their rows are Dongtou's table as its source document holds it (demo/data/dongtou.xlsx); what each row
should read as (lead units, co-units, 各街道乡镇, indicators) is the hand-labelled corpus of the same table
(bench/corpus/dongtou_table.json).
"""

import io
import json
import re
import tomllib
from pathlib import Path
from types import SimpleNamespace

import docx
import openpyxl

ROOT = Path(__file__).resolve().parents[2]
TOP_SECTION = re.compile(r"^[一二三四五六七八九十]+、")


def _dongtou():
    sheet = openpyxl.load_workbook(ROOT / "demo" / "data" / "dongtou.xlsx").active
    labels = {t["seq"]: t for t in json.loads((ROOT / "bench" / "corpus" / "dongtou_table.json").read_text())["tasks"]}
    sections, tasks, top, section, name = [], [], None, None, None
    for seq, cell_name, content, units in sheet.iter_rows(min_row=3, values_only=True):
        if content is None:  # a section row, merged across
            top = seq if TOP_SECTION.match(seq) else top
            sections.append((seq, None if seq == top else top))
            section = seq
            continue
        name = cell_name or name  # a name merged down over the rows below it
        label = labels[seq]
        tasks.append(
            {
                "seq": seq,
                "section": section,
                "name": name,
                "content": content,
                "units_raw": units,
                "lead_units": label["lead_units"],
                "co_units": label["co_units"],
                "all_townships": label["all_townships"],
                "indicators": label["indicators"],
            }
        )
    facts = tomllib.loads((ROOT / "demo" / "data" / "facts.toml").read_text())
    return SimpleNamespace(SECTIONS=sections, TASKS=tasks, DEPARTMENTS=facts["dongtou"]["departments"])


# Dongtou's table: SECTIONS [(title, parent)], TASKS [{seq, section, name, content, units_raw, lead_units,
# co_units, all_townships, indicators}], DEPARTMENTS (the county's unit names, from the demo's facts file).
dongtou = _dongtou()

HEADER = ["序号", "任务名称", "主要内容", "责任单位(牵头单位)"]
TITLE = "洞头区提升县城承载能力和深化“千村示范、万村整治”工程实施方案(2023—2027年)责任分解"


def dongtou_rows(tasks=None):
    """(kind, values) rows: the title, the header, section rows and task rows, in table order."""
    tasks = tasks or dongtou.TASKS
    parents = dict(dongtou.SECTIONS)
    rows, shown = [("title", [TITLE])], set()
    rows.append(("header", HEADER))
    for task in tasks:
        chain, section = [], task["section"]
        while section:
            chain.insert(0, section)
            section = parents[section]
        for section in chain:
            if section not in shown:
                shown.add(section)
                rows.append(("section", [section]))
        rows.append(("task", [task["seq"], task["name"], task["content"], task["units_raw"]]))
    return rows


def dongtou_xlsx(tasks=None) -> bytes:
    """The Dongtou table: title and sections merged across, shared task names merged down."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    previous_name, name_start = None, None
    for number, (kind, values) in enumerate(dongtou_rows(tasks), start=1):
        sheet.append(values)
        if kind in ("title", "section"):
            sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=4)
        if kind == "task" and values[1] == previous_name:
            sheet.cell(number, 2).value = None  # a merged cell keeps only its top-left value
            sheet.merge_cells(start_row=name_start, start_column=2, end_row=number, end_column=2)
        elif kind == "task":
            previous_name, name_start = values[1], number
        else:
            previous_name = None
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def dongtou_docx(tasks=None) -> bytes:
    """The same table in Word: sections merged across, shared task names merged down (vMerge)."""
    document = docx.Document()
    rows = dongtou_rows(tasks)
    document.add_paragraph(rows[0][1][0])
    table = document.add_table(rows=0, cols=4)
    previous_name, name_start = None, None
    for index, (kind, values) in enumerate(rows[1:]):
        cells = table.add_row().cells
        if kind == "section":
            merged = cells[0].merge(cells[3])
            merged.text = values[0]
            previous_name = None
            continue
        for cell, value in zip(cells, values):
            cell.text = str(value)
        if kind == "task" and values[1] == previous_name:
            cells[1].text = ""
            table.cell(name_start, 1).merge(table.cell(index, 1)).text = values[1]
        elif kind == "task":
            previous_name, name_start = values[1], index
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)
