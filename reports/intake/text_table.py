"""A responsibility table that reaches us as text: one cell per line, as a portal page or a PDF copied to .txt
gives it. Pure: no Django models, no database.

The annex of the Dongtou plan, published as text, reads::

    温州市洞头区……实施方案(2023—2027年)责任分解      ← the table's title
    任务名称 / 要内容 / 任单位                          ← the header (序号 lost, first characters cut off)
    一、发展目标                                        ← a section row
    1 / 重大项目建设 / 全区每年滚动推进…… / *区发改局、……,各街道乡镇
    ……
    63 / 政策保证机制 / 推进城乡融合发展改革…… / 各区级相关责任部门,各街道乡镇
    64 / 加大财政资金支持力度…… / *区财政局、……     ← the task-name cell merged from the row above

:func:`grid_from_lines` finds such a table (a header naming the units column, then rows that each start with
a bare number counting 1, 2, 3 …) and returns it as the grid :func:`reports.intake.table.parse_grid` reads:
title row, header row, section rows, and one row per task (序号, 任务名称, 主要内容, 责任单位). A row with only
two cells after its number continues the task-name cell of the row above (a merged cell), as the table
reader does with a merged Excel cell. It returns None when the lines hold no such table.
"""

from __future__ import annotations

import re

from .table import HEADERS, SECTION
from .units import normalise

BARE_NUMBER = re.compile(r"^\d{1,3}$")
MIN_ROWS = 3
GRID_HEADER = ["序号", "任务名称", "主要内容", "责任单位"]
UNIT_ENDINGS = (
    "局",
    "办",
    "部",
    "院",
    "委",
    "中心",
    "镇",
    "乡",
    "街道",
    "社",
    "联",
    "会",
    "所",
    "站",
    "队",
    "公司",
    "分局",
    "支行",
    "大队",
    "室",
    "团",
    "部门",
)


def _header_field(text: str) -> str | None:
    """The field a header cell names; a cell whose first character was lost ("要内容", "任单位") still counts."""
    if not text or len(text) > 12:
        return None
    for field, names in HEADERS.items():
        for name in names:
            if (
                text == name
                and len(name) >= 2
                or (len(name) >= 3 and len(text) >= 2 and len(name) - len(text) == 1 and name.endswith(text))
            ):
                return field
    return None


def _looks_like_units(text: str) -> bool:
    """A 责任单位 cell: starred names, 各街道乡镇, or a list of names each ending like a unit."""
    if text.startswith("*") or "各街道" in text or "各乡镇" in text or "各镇" in text:
        return True
    names = [n for n in re.split(r"[,、;，；]", re.sub(r"\([^()]*\)", "", text)) if n]
    return bool(names) and all(len(n) <= 20 and n.endswith(UNIT_ENDINGS) for n in names)


def _is_section(text: str) -> bool:
    return bool(SECTION.match(text)) and not re.match(r"^\d", text) and len(text) <= 60


def _find_header(lines: list[str]) -> int | None:
    """The index of the first line of a header: three or fewer header cells on consecutive lines, one naming the
    units (责任单位 / 牵头单位) and one naming the task or its text."""
    for index in range(len(lines)):
        fields = []
        for text in lines[index : index + 5]:
            field = _header_field(text)
            if field is None:
                break
            fields.append(field)
        if len(fields) >= 2 and {"units", "lead_units"} & set(fields) and {"name", "content", "text"} & set(fields):
            return index
    return None


def grid_from_lines(lines: list[str]) -> tuple[list[list[str]], int] | None:
    """The table the lines hold as a grid, and the index of its header line; None when they hold none."""
    cells = [(i, raw.strip()) for i, raw in enumerate(lines)]
    cells = [(i, text) for i, text in cells if text and normalise(text)]
    texts = [normalise(text) for _i, text in cells]
    header = _find_header(texts)
    if header is None:
        return None
    position = header
    while position < len(texts) and _header_field(texts[position]):
        position += 1
    title = texts[header - 1] if header and not _header_field(texts[header - 1]) else ""
    grid: list[list[str]] = ([[cells[header - 1][1]]] if title else []) + [GRID_HEADER]
    expected, row, previous_name = 1, None, ""
    rows = 0

    def close(row):
        nonlocal previous_name, rows
        if row is None:
            return
        number, parts = row
        units = parts.pop() if parts and _looks_like_units(normalise(parts[-1])) else ""
        if len(parts) >= 2:
            name, content = parts[0], "".join(parts[1:])
        elif len(parts) == 1:
            # one text cell: the task-name cell merged from the row above, this row's own text
            name, content = (
                (previous_name, parts[0]) if previous_name and len(normalise(parts[0])) > 20 else (parts[0], "")
            )
        else:
            name, content = previous_name, ""
        previous_name = name
        grid.append([str(number), name, content, units])
        rows += 1

    for (_line, raw), text in zip(cells[position:], texts[position:]):
        if BARE_NUMBER.match(text) and int(text) == expected:
            close(row)
            row, expected = (int(text), []), expected + 1
        elif _is_section(text) and (row is None or row[1]):
            close(row)
            row = None
            grid.append([raw] * len(GRID_HEADER))
        elif row is not None:
            if len(row[1]) >= 2 and _looks_like_units(normalise(row[1][-1])):
                close(row)  # the row is complete: what follows (抄送, a footnote) is not part of it
                row = None
                break
            row[1].append(raw)
        elif rows:
            break
    close(row)
    if rows < MIN_ROWS:
        return None
    return grid, cells[header][0]
