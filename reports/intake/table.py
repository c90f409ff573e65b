"""Read a responsibility table (责任分解表) from .xlsx or .docx into plain, JSON-ready data.

The layout (DOMAIN.md) and the ways real tables vary from it:

* a title row, then a header row anywhere in the first 20 rows, or two header rows (责任单位 over
  牵头单位 | 配合单位); columns are found by what their header means, in any order: the number
  (序号), the task's name (任务名称, 重点任务 …), its text (主要内容, 具体措施, 工作措施, 工作目标, 目标要求 …;
  of two text columns the shorter one names the task), the units (责任单位 with ``*`` leads, or separate
  牵头单位 / 配合单位 columns) and the deadline (完成时限 / 完成时间 / 时间节点);
* section rows spanning the row (一、… / (一)… / 1.…), or WPS-style with "一" in the 序号 cell and the
  title beside it;
* numbered task rows; a 序号 cell merged over several rows is one task whose text is the rows' texts
  (one task, several indicators); a task-name cell merged over rows with their own numbers is shared;
* unit lists as :mod:`reports.intake.units` reads them (``*``, "(牵头)", one per line, run together).

Nothing here touches the database: :func:`parse_grid` returns the ``parsed`` dict described in
:mod:`reports.intake`, which the preview page shows and edits and :mod:`reports.plan_import` writes.
"""

from __future__ import annotations

import re
from datetime import date

from django.utils.translation import gettext as _

from core.uploads import SafeUpload, UnreadableFile, open_document, open_workbook

from ..excel import indicators
from . import units as unit_lists
from .dates import deadline_from_text, is_ongoing
from .prose import within_plan
from .written import as_written, proposals_as_written

HEADERS = {
    "seq": ("序号", "编号", "序"),
    "name": ("任务名称", "项目名称", "重点任务", "任务事项", "工作事项", "事项名称", "指标名称", "任务"),
    "content": (
        "主要内容",
        "工作内容",
        "具体内容",
        "目标任务",
        "主要目标",
        "具体措施",
        "工作措施",
        "主要措施",
        "工作举措",
        "推进措施",
        "工作目标",
        "目标要求",
        "任务内容",
        "工作要求",
        "任务目标",
        "内容",
        "措施",
        "目标",
    ),
    "text": ("工作任务", "重点工作", "任务要求", "任务分解"),
    "co_units": ("配合单位", "配合部门", "协同单位", "协办单位", "参与单位"),
    "lead_units": ("牵头单位", "牵头部门", "主办单位", "主责单位", "牵头"),
    "units": ("责任单位", "责任部门", "实施单位", "责任主体", "责任科室"),
    "deadline": ("完成时限", "完成时间", "时间节点", "时限要求", "完成期限", "时间要求", "进度安排", "时限"),
    "leader": ("牵头领导", "责任领导", "分管领导", "包抓领导", "县级领导"),
}
ALIASES = sorted(
    ((alias, field) for field, names in HEADERS.items() for alias in names), key=lambda pair: -len(pair[0])
)
TEXT_FIELDS = ("name", "content", "text")
NUMERALS = "一二三四五六七八九十"
SECTION = re.compile(
    r"^(?P<mark>第[一二三四五六七八九十]+[章部分篇]|[一二三四五六七八九十]+[、.]|"
    r"\([一二三四五六七八九十]+\)|\d+\.(?!\d))"
)
SECTION_SEQ = re.compile(r"^(?:(?P<plain>[一二三四五六七八九十]+)[、.]?|\((?P<paren>[一二三四五六七八九十]+)\)[、.]?)$")
TASK_SEQ = re.compile(r"^\(?(?P<n>\d+)[).、]?$")
FOOTNOTE = re.compile(r"^(?:注|备注|说明)[:：]")


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


def grid_from_docx_table(table) -> list[list[str]]:
    """A Word table as text; a merged cell repeats in each row and column it covers (python-docx does so)."""
    return [[cell.text.strip() for cell in row.cells] for row in table.rows]


def docx_table(document):
    """The document's responsibility table: the largest one with a header row, else None."""
    for table in sorted(document.tables, key=lambda t: -len(t.rows)):
        try:
            find_columns(grid_from_docx_table(table))
        except UnreadableFile:
            continue
        return table
    return None


def grid_from_docx(upload: SafeUpload) -> list[list[str]]:
    """The responsibility table of the document; the title is the paragraph just before it, when there is one."""
    document = open_document(upload)
    table = docx_table(document)
    if table is None:
        raise UnreadableFile(_("The document holds no table."))
    title = _docx_title(document, table)
    return ([[title]] if title else []) + grid_from_docx_table(table)


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
    if not cell or len(cell) > 20:
        return None
    return next((field for alias, field in ALIASES if cell.startswith(alias)), None)


def _row_fields(row) -> dict[int, str]:
    return {col: field for col, cell in enumerate(row) if (field := _match_header(cell))}


def _is_header(fields: dict[int, str]) -> bool:
    found = set(fields.values())
    return bool(found & {"units", "lead_units"}) and bool(found & set(TEXT_FIELDS)) and len(fields) >= 2


def find_columns(grid) -> tuple[int, dict[str, int]]:
    """The last header row's index and the column of each field, or a plain error naming what is missing."""
    for index, row in enumerate(grid[:20]):
        fields = _row_fields(row)
        if not _is_header(fields):
            continue
        last = index
        below = _row_fields(grid[index + 1]) if index + 1 < len(grid) else {}
        if below and not _seq_cell(grid[index + 1], fields):
            fields.update(below)  # a second header row (责任单位 over 牵头单位 | 配合单位) names the columns below it
            last = index + 1
        return last, _columns(fields, grid[last + 1 :])
    raise UnreadableFile(
        _(
            "No header row found: the table needs columns headed 序号, 任务名称 or 主要内容, and "
            "责任单位 (or 牵头单位) in its first 20 rows."
        )
    )


def _seq_cell(row, fields) -> bool:
    col = next((c for c, f in fields.items() if f == "seq"), None)
    return col is not None and col < len(row) and bool(TASK_SEQ.match(indicators.normalise(row[col])))


def _columns(fields: dict[int, str], body) -> dict[str, int]:
    """Field → column; of the text columns the shortest (on average) names the task, the others are its text."""
    columns: dict[str, int] = {}
    texts = []
    for col, field in sorted(fields.items()):
        if field in TEXT_FIELDS:
            texts.append((col, field))
        elif field not in columns:
            columns[field] = col
    if not texts:
        return columns
    length = {col: _mean_length(body, col) for col, _field in texts}
    named = [col for col, field in texts if field == "name"]
    if len(texts) == 1:
        col, field = texts[0]
        columns["name" if field == "name" or length[col] <= 20 else "content"] = col
        return columns
    name_col = named[0] if named else min(length, key=length.get)
    columns["name"] = name_col
    columns["content_all"] = [col for col, _field in texts if col != name_col]
    columns["content"] = columns["content_all"][0]
    return columns


def _mean_length(rows, col) -> float:
    cells = [len(indicators.normalise(row[col])) for row in rows[:60] if col < len(row) and row[col]]
    return sum(cells) / len(cells) if cells else 0


def split_units(raw: str) -> dict:
    """ "*区发改局、区住建局,各街道乡镇(标*的为牵头单位)" → leads, co-units, every township, and notes."""
    return unit_lists.read_list(raw)


def _seq(cell: str) -> int | None:
    match = TASK_SEQ.match(indicators.normalise(cell))
    return int(match.group("n")) if match else None


def _section_level(text: str) -> int | None:
    match = SECTION.match(indicators.normalise(text))
    if not match:
        return None
    mark = match.group("mark")
    if mark.startswith("第"):
        return 0
    if mark.startswith("("):
        return 2
    return 1 if mark[0] in NUMERALS else 3


def _section_row(row, columns) -> str | None:
    """The title of a section row: spanning the row ("一、发展目标"), or "一" in 序号 with the title beside it."""
    cells = [indicators.normalise(c) for c in row if c and c.strip()]
    distinct = list(dict.fromkeys(cells))
    if len(distinct) == 1 and _section_level(distinct[0]) is not None:
        return as_written(distinct[0], next(c for c in row if c and c.strip()))
    seq_col = columns.get("seq")
    if seq_col is None or seq_col >= len(row):
        return None
    mark = SECTION_SEQ.match(indicators.normalise(row[seq_col]))
    rest = list(dict.fromkeys(c for i, c in enumerate(row) if i != seq_col and c and c.strip()))
    if mark and len(rest) == 1:
        seq = as_written(indicators.normalise(row[seq_col]), row[seq_col])
        prefix = seq if mark.group("paren") or seq.endswith(("、", ".", "．")) else seq + "、"
        return prefix + as_written(indicators.normalise(rest[0]), rest[0])
    return None


def grid_title(grid) -> str:
    """The first text above the header row: the table's title."""
    header, _columns = find_columns(grid)
    first = next((i for i, row in enumerate(grid) if _is_header(_row_fields(row))), header)
    title = next((c for row in grid[:first] for c in row if c), "")
    return as_written(indicators.normalise(title), title)


class _Reader:
    """Walks the body rows once: sections, tasks (a merged 序号 joins its rows), warnings."""

    def __init__(self, columns, start, end):
        self.columns, self.start, self.end = columns, start, end
        self.sections, self.tasks, self.warnings, self.stack, self.notes = [], [], [], [], []

    def get(self, row, field) -> str:
        col = self.columns.get(field)
        return indicators.normalise(row[col]) if col is not None and col < len(row) else ""

    def raw(self, row, field) -> str:
        col = self.columns.get(field)
        return (row[col] or "") if col is not None and col < len(row) else ""

    def content(self, row) -> str:
        """The content cells' text as written (several content columns joined by 。)."""
        cols = self.columns.get("content_all") or ([self.columns["content"]] if "content" in self.columns else [])
        cells = {indicators.normalise(row[c]): row[c] for c in cols if c < len(row) and row[c]}
        parts = [as_written(normal, raw) for normal, raw in cells.items() if normal]
        if len(parts) < 2:
            return parts[0] if parts else ""
        return "。".join(p.rstrip("。") for p in parts) + "。"

    def section(self, title: str) -> None:
        level = _section_level(title)
        level = 1 if level is None else level
        self.stack = [s for s in self.stack if s["level"] < level]
        section = {
            "key": len(self.sections),
            "title": title,
            "level": level,
            "parent": self.stack[-1]["key"] if self.stack else None,
        }
        self.sections.append(section)
        self.stack.append(section)

    def row(self, number: int, row) -> None:
        title = _section_row(row, self.columns)
        if title:
            return self.section(title)
        seq = _seq(self.get(row, "seq")) if "seq" in self.columns else len(self.tasks) + 1
        previous = self.tasks[-1] if self.tasks else None
        if previous and self._continues(previous, seq, row):
            return self._extend(previous, row)
        if seq is None:
            if _is_header(_row_fields(row)):
                return None  # the header again, where a printed page begins
            text = "".join(dict.fromkeys(indicators.normalise(c) for c in row if c))
            if FOOTNOTE.match(text):  # 注 / 备注 rows: shown on the preview, not read as tasks
                self.notes.append(
                    {"line": number, "text": text, "section": self.stack[-1]["key"] if self.stack else None}
                )
            else:
                self.warnings.append(
                    {
                        "row": number,
                        "message": _(
                            "Row %(row)s has no number in the 序号 column and is not a section heading; it was skipped."
                        )
                        % {"row": number},
                    }
                )
            return None
        self.tasks.append(self._task(row, seq, number))
        return None

    def _continues(self, previous, seq, row) -> bool:
        """A 序号 cell merged down (the same number again), or an empty one under a merged name cell."""
        if seq is not None:
            return seq == previous["seq"] and "seq" in self.columns
        name = self.get(row, "name")
        return (
            bool(self.content(row)) and name in ("", indicators.normalise(previous["name"])) and "seq" in self.columns
        )

    def _units(self, row) -> dict:
        units = unit_lists.read_list(self.raw(row, "units"))
        if self.get(row, "lead_units"):  # a separate 牵头单位 column: every unit in it leads, starred or not
            unit_lists.merge(units, unit_lists.read_list(self.raw(row, "lead_units"), all_lead=True))
        if self.get(row, "co_units"):
            unit_lists.merge(units, unit_lists.read_list(self.raw(row, "co_units")), as_co=True)
        elif not units["lead_units"] and len(units["co_units"]) == 1 and not units["all_townships"]:
            units["lead_units"] = units["co_units"]  # the one unit responsible, with no one beside it, leads
            units["co_units"] = []
        return units

    def _deadline(self, row):
        text = self.get(row, "deadline")
        deadline, frequency = deadline_from_text(text, start=self.start, end=self.end) if text else (None, None)
        if deadline and deadline < self.start:
            deadline = None  # "2022年底前" in a plan that starts later: the plan's own dates hold
        return text, deadline, frequency

    def _proposals(self, content, name, deadline, frequency) -> list[dict]:
        """The indicators `content` states, their names and phrases as written (`content` and `name` are)."""
        proposals = within_plan(
            indicators.extract(
                content or name, start=self.start, end=deadline or self.end, task_name=name or content[:30]
            ),
            self.start,
            deadline or self.end,
        )
        if frequency in ("quarterly", "monthly"):
            for proposal in proposals:
                proposal["frequency"] = frequency
        return proposals_as_written(proposals, content, name)

    def _task(self, row, seq, number) -> dict:
        name, content = as_written(self.get(row, "name"), self.raw(row, "name")), self.content(row)
        deadline_text, deadline, frequency = self._deadline(row)
        return {
            "row": number,
            "seq": seq,
            "name": name or content[:60],
            "content": content,
            "section": self.stack[-1]["key"] if self.stack else None,
            "units_raw": self.get(row, "units") or self.get(row, "lead_units"),
            **self._units(row),
            "deadline_text": deadline_text,
            "deadline": deadline.isoformat() if deadline else None,
            "ongoing": is_ongoing(deadline_text),
            "leader": self.get(row, "leader"),
            "indicators": self._proposals(content, name, deadline, frequency),
        }

    def _extend(self, task, row) -> None:
        content = self.content(row)
        if content and indicators.normalise(content) not in indicators.normalise(task["content"]):
            task["content"] = f"{task['content']}\n{content}" if task["content"] else content
            _text_, deadline, frequency = self._deadline(row)
            task["indicators"] += self._proposals(content, task["name"], deadline, frequency)
        unit_lists.merge(task, self._units(row))


FIRST_LEADS = re.compile(r"(?:排在?第一位?|排名第一|第一个|首位)的?(?:单位)?为牵头单位")


def _first_listed_leads(grid, header: int, reader: "_Reader") -> None:
    """ "注：责任单位排在第一位的为牵头单位" (in a note row or the header): a task whose cell marks no lead is
    led by the first unit it lists."""
    said = any(FIRST_LEADS.search(indicators.normalise(c or "")) for row in grid[: header + 1] for c in row) or any(
        FIRST_LEADS.search(note["text"]) for note in reader.notes
    )
    if not said:
        return
    for task in reader.tasks:
        if not task["lead_units"] and task["co_units"]:
            task["lead_units"] = [task["co_units"].pop(0)]


def parse_grid(grid, *, start: date, end: date) -> dict:
    header, columns = find_columns(grid)
    reader = _Reader(columns, start, end)
    for number, row in enumerate(grid[header + 1 :], start=header + 2):
        if any(c and str(c).strip() for c in row):
            reader.row(number, row)
    _first_listed_leads(grid, header, reader)
    _check_sequence(reader.tasks, reader.warnings)
    return {
        "title": grid_title(grid),
        "source": "table",
        "sections": reader.sections,
        "tasks": reader.tasks,
        "warnings": reader.warnings,
        "columns": {k: v for k, v in columns.items() if k != "content_all"},
        "not_understood": reader.notes,
    }


def _check_sequence(tasks, warnings) -> None:
    seen = set()
    for task in tasks:
        if task["seq"] in seen:
            warnings.append(
                {
                    "row": task["row"],
                    "message": _("Number %(seq)s appears twice (row %(row)s).")
                    % {"seq": task["seq"], "row": task["row"]},
                }
            )
        seen.add(task["seq"])


def read_grid(upload: SafeUpload) -> list[list[str]]:
    return grid_from_docx(upload) if upload.kind == "docx" else grid_from_xlsx(upload)


def parse_table(upload: SafeUpload, *, start: date, end: date) -> dict:
    return parse_grid(read_grid(upload), start=start, end=end)
