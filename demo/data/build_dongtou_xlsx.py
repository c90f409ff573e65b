"""Build demo/data/dongtou.xlsx, Dongtou's responsibility table (责任分解), from the text it was published in.

The annex of 洞政办发〔2023〕14号 is a table; the portal's text of it (dongtou.txt beside this script, kept
as published) gives one cell a line: section rows, then for each task its number, its name (left out when
the name cell is merged with the row above), its 主要内容 and its 责任单位. The script lays the cells out
again as the office's workbook has them: a title row, the header 序号 | 任务名称 | 主要内容 | 责任单位, section
rows merged across the four columns, and task names merged down over the rows that share them; the
版记 after the table (抄送, 印发) is left out. Two things
the text garbled are restored: the header cells (printed as "任务名称 / 要内容 / 任单位") and the dash of the
title's "(2023—2027年)". Every other cell is the text's own.

Run from the repository root:  python demo/data/build_dongtou_xlsx.py   (writes demo/data/dongtou.xlsx)
"""

from __future__ import annotations

import re
import sys
from datetime import datetime
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent
SOURCE, TARGET = HERE / "dongtou.txt", HERE / "dongtou.xlsx"
HEADER = ["序号", "任务名称", "主要内容", "责任单位"]
SECTION = re.compile(r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])")
NUMBER = re.compile(r"^\d{1,3}$")
WIDTHS = {"A": 6, "B": 22, "C": 70, "D": 40}


def table_rows(text: str) -> tuple[str, list[tuple[str, list[str]]]]:
    """The annex's title and its rows as ("section", [title]) / ("task", [seq, name, content, units])."""
    lines = [line.strip() for line in text.splitlines()]
    title_at = max(i for i, line in enumerate(lines) if line.endswith("责任分解") and not line.startswith("附件"))
    title = re.sub(r"\((\d{4})(\d{4})年\)", r"(\1—\2年)", lines[title_at])
    cells = [line for line in lines[title_at + 1 :] if line]
    cells = cells[: next((i for i, line in enumerate(cells) if line.startswith("抄送")), len(cells))]  # the 版记
    start = next(i for i, line in enumerate(cells) if SECTION.match(line))
    rows, pending, name = [], None, ""
    for line in cells[start:] + ["0"]:  # a last number closes the last row
        if SECTION.match(line) or NUMBER.match(line):
            if pending is not None:
                seq, *rest = pending
                name = rest[0] if len(rest) == 3 else name  # two cells: the name is merged with the row above
                rows.append(("task", [seq, name, rest[-2], rest[-1]]))
            pending = [line] if NUMBER.match(line) else None
            if SECTION.match(line):
                rows.append(("section", [line]))
        elif pending is not None:
            pending.append(line)
    return title, rows


def workbook_of(title: str, rows) -> openpyxl.Workbook:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "责任分解"
    sheet.append([title])
    sheet.append(HEADER)
    sheet.merge_cells("A1:D1")
    sheet["A1"].font = Font(bold=True, size=14)
    name_from = None
    for number, (kind, values) in enumerate(rows, start=3):
        if kind == "section":
            sheet.append(values)
            sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=4)
            name_from = None
            continue
        seq, name, content, units = values
        shares = name_from is not None and sheet.cell(name_from, 2).value == name
        sheet.append([int(seq), None if shares else name, content, units])
        if shares:
            sheet.merge_cells(start_row=name_from, start_column=2, end_row=number, end_column=2)
        else:
            name_from = number
    for column, width in WIDTHS.items():
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    workbook.properties.created = datetime(2023, 6, 29)  # the annex's date (成文日期)
    return workbook


def main() -> int:
    title, rows = table_rows(SOURCE.read_text(encoding="utf-8"))
    workbook_of(title, rows).save(TARGET)
    print(
        f"{TARGET.name}: {sum(kind == 'task' for kind, _ in rows)} tasks, "
        f"{sum(kind == 'section' for kind, _ in rows)} section rows"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
