"""Read a responsibility table (责任分解表) from .xlsx or .docx into plain, JSON-ready data.

The layout (DOMAIN.md): a title row, a header row (序号 | 任务名称 | 主要内容 | 责任单位, in any order and
with variants such as 责任单位(牵头单位)), section rows spanning the row (一、… / (一)… / 1.…), numbered
task rows, task-name cells merged over the rows that share them, and unit lists where ``*`` marks the
lead units and 各街道乡镇 means every township. Columns are found by their header text.

Nothing here touches the database: :func:`parse_table` returns a dict the preview page shows and
edits, and :mod:`reports.plan_import` writes.
"""
from __future__ import annotations

import re
from datetime import date

from django.utils.translation import gettext as _

from . import indicators
from core.uploads import SafeUpload, UnreadableFile, open_document, open_workbook

COLUMNS = {
    # field: header texts, most specific first; a header matches when it starts with one of them
    "seq": ("序号", "编号"),
    "name": ("任务名称", "重点任务", "项目名称", "工作任务", "任务"),
    "content": ("主要内容", "工作内容", "具体内容", "目标任务", "主要目标", "内容"),
    "co_units": ("配合单位", "协同单位", "协办单位"),
    "lead_units": ("牵头单位", "主办单位"),
    "units": ("责任单位", "责任部门", "实施单位"),
}
SECTION = re.compile(r"^(?P<mark>[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d+\.(?!\d))")
NOTE = re.compile(r"\([^()]*\)")
ALL_TOWNSHIPS = re.compile(r"^各(?:街道)?(?:乡镇|镇街|街道|镇)(?:\(?街道\)?)?$")
UNIT_SPLIT = re.compile(r"[,、;/\s]+")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def grid_from_xlsx(upload: SafeUpload) -> list[list[str]]:
    """The first sheet as text, every merged range's value copied into each of its cells."""
    sheet = open_workbook(upload).worksheets[0]
    grid = [[_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    for merged in sheet.merged_cells.ranges:
        value = grid[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row - 1, merged.max_row):
            for c in range(merged.min_col - 1, merged.max_col):
                grid[r][c] = value
    return grid


def grid_from_docx(upload: SafeUpload) -> list[list[str]]:
    """The largest table of the document; the title is the paragraph just before it, when there is one."""
    document = open_document(upload)
    if not document.tables:
        raise UnreadableFile(_("The document holds no table."))
    table = max(document.tables, key=lambda t: len(t.rows))
    grid = [[cell.text.strip() for cell in row.cells] for row in table.rows]
    title = _docx_title(document, table)
    return ([[title]] if title else []) + grid


def _docx_title(document, table) -> str:
    previous = ""
    for block in document.element.body.iterchildren():
        if block is table._tbl:
            return previous
        if block.tag.endswith("}p"):
            text = "".join(node.text or "" for node in block.iter() if node.tag.endswith("}t")).strip()
            previous = text or previous
    return ""


def _match_header(cell: str) -> str | None:
    cell = indicators.normalise(cell)
    for field, names in COLUMNS.items():
        if any(cell.startswith(name) for name in names):
            return field
    return None


def find_columns(grid) -> tuple[int, dict[str, int]]:
    """The header row's index and the column of each field, or a plain error naming what is missing."""
    for index, row in enumerate(grid[:20]):
        columns: dict[str, int] = {}
        for col, cell in enumerate(row):
            field = _match_header(cell)
            if field and field not in columns:
                columns[field] = col
        if "seq" in columns and ("units" in columns or "lead_units" in columns) and (
                "name" in columns or "content" in columns):
            return index, columns
    raise UnreadableFile(_("No header row found: the table needs columns headed 序号, 任务名称 or 主要内容, and "
                           "责任单位 (or 牵头单位) in its first 20 rows."))


def split_units(raw: str) -> dict:
    """"*区发改局、区住建局,各街道乡镇(标*的为牵头单位)" → leads, co-units, every township, and notes."""
    text = indicators.normalise(raw)
    notes = NOTE.findall(text)
    text = NOTE.sub("", text)
    result = {"lead_units": [], "co_units": [], "all_townships": False, "unparsed": [], "notes": notes}
    for token in filter(None, UNIT_SPLIT.split(text)):
        for piece in re.findall(r"\*?[^*]+", token):
            lead = piece.startswith("*")
            name = piece.lstrip("*").strip()
            if ALL_TOWNSHIPS.match(name):
                result["all_townships"] = True
            elif name.startswith("各"):
                result["unparsed"].append(name)
            elif name:
                target = result["lead_units"] if lead else result["co_units"]
                if name not in target:
                    target.append(name)
    return result


def _seq(cell: str) -> int | None:
    cell = indicators.normalise(cell).rstrip(".、")
    return int(cell) if cell.isdigit() else None


def _section_level(text: str) -> int | None:
    match = SECTION.match(indicators.normalise(text))
    if not match:
        return None
    mark = match.group("mark")
    return 1 if mark.endswith("、") else 2 if mark.startswith("(") else 3


def _section_row(row) -> str | None:
    cells = [c for c in row if c]
    if cells and len(set(cells)) == 1 and _section_level(cells[0]):
        return indicators.normalise(cells[0])
    return None


def grid_title(grid) -> str:
    """The first text above the header row: the table's title."""
    header, _columns = find_columns(grid)
    return indicators.normalise(next((c for row in grid[:header] for c in row if c), ""))


def parse_grid(grid, *, start: date, end: date) -> dict:
    header, columns = find_columns(grid)
    sections, tasks, warnings, stack = [], [], [], []

    def get(row, field):
        col = columns.get(field)
        return indicators.normalise(row[col]) if col is not None and col < len(row) else ""

    for number, row in enumerate(grid[header + 1:], start=header + 2):
        if not any(row):
            continue
        section_title = _section_row(row)
        if section_title:
            level = _section_level(section_title)
            stack = [s for s in stack if s["level"] < level]
            section = {"key": len(sections), "title": section_title, "level": level,
                       "parent": stack[-1]["key"] if stack else None}
            sections.append(section)
            stack.append(section)
            continue
        seq = _seq(get(row, "seq"))
        if seq is None:
            warnings.append({"row": number, "message": _("Row %(row)s has no number in the 序号 column and is not a "
                                                          "section heading; it was skipped.") % {"row": number}})
            continue
        tasks.append(_task(row, get, seq, number, stack, start, end))
    _check_sequence(tasks, warnings)
    return {"title": grid_title(grid), "sections": sections, "tasks": tasks, "warnings": warnings,
            "columns": columns}


def _task(row, get, seq, number, stack, start, end) -> dict:
    units = split_units(get(row, "units"))
    if get(row, "lead_units"):  # a separate 牵头单位 column: every unit in it leads, starred or not
        named = split_units(get(row, "lead_units"))
        units["lead_units"] += [u for u in named["lead_units"] + named["co_units"] if u not in units["lead_units"]]
        units["all_townships"] |= named["all_townships"]
    if get(row, "co_units"):
        named = split_units(get(row, "co_units"))
        units["co_units"] += [u for u in named["lead_units"] + named["co_units"] if u not in units["co_units"]]
        units["all_townships"] |= named["all_townships"]
    name, content = get(row, "name"), get(row, "content")
    proposals = indicators.extract(content or name, start=start, end=end, task_name=name or content[:30])
    return {
        "row": number, "seq": seq, "name": name or content[:60], "content": content,
        "section": stack[-1]["key"] if stack else None, "units_raw": get(row, "units") or get(row, "lead_units"),
        **units, "indicators": [p.as_dict() for p in proposals],
    }


def _check_sequence(tasks, warnings) -> None:
    seen = set()
    for task in tasks:
        if task["seq"] in seen:
            warnings.append({"row": task["row"], "message": _("Number %(seq)s appears twice (row %(row)s).")
                             % {"seq": task["seq"], "row": task["row"]}})
        seen.add(task["seq"])


def read_grid(upload: SafeUpload) -> list[list[str]]:
    return grid_from_docx(upload) if upload.kind == "docx" else grid_from_xlsx(upload)


def parse_table(upload: SafeUpload, *, start: date, end: date) -> dict:
    return parse_grid(read_grid(upload), start=start, end=end)
