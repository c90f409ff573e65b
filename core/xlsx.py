"""The one .xlsx writer of the product: workbooks for people to print, with the one formula guard.

Every workbook the product makes goes through here: the ledgers and period exports (`write_table`,
streamed in write-only mode), the bulletins' workbooks (`style_table_sheet`), the plain lists people
sort or fill in and upload back (`write_list`: the village table, the income template) and the cells of
the progress workbook (`set_text`). Text that begins with ``= + - @`` or a tab or carriage return is written as a string cell
with Excel's quote prefix (`safe_value`), so Excel shows it as typed and never runs it as a formula.

Column lists are data (e.g. reports.excel.writers.LEDGER_COLUMNS): each column names its header
group (for the merged two-row header), its header, how to read the value from a row, its width and
its kind. Every sheet: title, borders, wrapped text, a CJK font, light colours, A4 landscape fitted to
the width, header rows repeated on each printed page.
"""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass
from decimal import Decimal
from operator import attrgetter
from typing import Callable, Iterable

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CJK_FONT = "宋体"
TRIGGER_CHARS = frozenset(FORMULA_TRIGGERS)
LIGHT_FILLS = {
    "green": "C6EFCE",
    "amber": "FFEB9C",
    "red": "FFC7CE",
    "done": "BDD7EE",
    "not_started": "EDEDED",
}
# The printed ledger is an official Chinese document: its words are fixed, like its column headers.
LIGHT_LABELS = {"green": "绿灯", "amber": "黄灯", "red": "红灯", "done": "已完成", "not_started": "未开始"}


@dataclass(frozen=True)
class Column:
    group: str  # the header of the upper row; equal to `header` for a column without a group
    header: str
    get: Callable
    width: float = 12
    kind: str = "text"  # text, number, percent, light
    # A number's format per row (e.g. "#,##0.00" for 万元, "#,##0" for a count); None: as the value reads.
    number_format: Callable | None = None
    merge_same: bool = False  # consecutive equal values (序号 of one task's indicators) share one merged cell


def attr(name):
    return attrgetter(name)


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


class _Styles:
    """Style objects made once per workbook: openpyxl hashes each style it meets, per cell."""

    def __init__(self):
        thin = Side(style="thin", color="999999")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.font = Font(name=CJK_FONT, size=11)
        self.header_font = Font(name=CJK_FONT, bold=True, size=11)
        self.title_font = Font(name=CJK_FONT, bold=True, size=16)
        self.center = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.wrap = Alignment(vertical="top", wrap_text=True)
        self.right = Alignment(horizontal="right", vertical="top")
        self.fills = {light: PatternFill("solid", fgColor=rgb) for light, rgb in LIGHT_FILLS.items()}


def _cell(ws, value, **style):
    cell = WriteOnlyCell(ws, value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def safe_value(ws, value):
    """The value to append: a plain value, or a text cell that can never become a formula."""
    if isinstance(value, Decimal):
        return float(value)
    if is_formula_like(value):
        cell = WriteOnlyCell(ws, value)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell
    return value


def _prepare_sheet(ws, columns, header_rows: int) -> None:
    """Everything that must be set before the first row of a write-only sheet is written."""
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = f"C{header_rows + 1}"
    print_setup(ws, header_rows)


def print_setup(ws, header_rows: int) -> None:
    """A4 landscape, fitted to the page width, the header rows repeated on every printed page."""
    ws.print_title_rows = f"1:{header_rows}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _write_headers(ws, title: str, columns, styles: _Styles, subtitle: str = "") -> None:
    last = get_column_letter(len(columns))
    top = [(title, styles.title_font)] + ([(subtitle, styles.font)] if subtitle else [])
    for row, (text, font) in enumerate(top, start=1):
        cell = _cell(ws, text, font=font, alignment=styles.center)
        if is_formula_like(text):
            cell.data_type, cell.quotePrefix = "s", True
        ws.append([cell])
        ws.merged_cells.add(f"A{row}:{last}{row}")
    upper_row = len(top) + 1
    upper = [
        _cell(ws, c.group, font=styles.header_font, alignment=styles.center, border=styles.border) for c in columns
    ]
    lower = [
        _cell(ws, c.header, font=styles.header_font, alignment=styles.center, border=styles.border) for c in columns
    ]
    ws.append(upper)
    ws.append(lower)
    start = 0
    for index in range(1, len(columns) + 1):
        if index == len(columns) or columns[index].group != columns[start].group:
            first, end = get_column_letter(start + 1), get_column_letter(index)
            if index - start == 1 and columns[start].group == columns[start].header:
                ws.merged_cells.add(f"{first}{upper_row}:{first}{upper_row + 1}")
            elif index - start > 1:
                ws.merged_cells.add(f"{first}{upper_row}:{end}{upper_row}")
            start = index


class _Converters:
    """Per column, the styled cell each value is appended in, made once per export.

    Every cell is bordered and in the CJK font; text wraps, numbers align right in their format,
    light words sit on their colour. Styled cells are made once and reused row after row: a
    write-only sheet serialises each row when it is appended, so one cell object can carry the next
    row's value, and openpyxl does not hash the same style again for every cell.
    """

    def __init__(self, ws, styles: _Styles, columns):
        self.ws, self.styles = ws, styles
        self.columns = [(column.get, column.kind, column.number_format) for column in columns]
        self.cells: dict[tuple, WriteOnlyCell] = {}

    def _styled(self, index: int, key, **style) -> WriteOnlyCell:
        cell = self.cells.get((index, key))
        if cell is None:
            cell = self.cells[index, key] = _cell(
                self.ws, None, font=self.styles.font, border=self.styles.border, **style
            )
        return cell

    def row(self, row) -> list:
        return [
            self.cell(index, kind, get(row), number_format(row) if number_format else None)
            for index, (get, kind, number_format) in enumerate(self.columns)
        ]

    def cell(self, index: int, kind: str, value, number_format: str | None) -> WriteOnlyCell:
        styles = self.styles
        if value is None:
            cell = self._styled(index, "empty", alignment=styles.wrap)
        elif number_format is not None or kind == "number":
            value = float(value) if isinstance(value, Decimal) else value
            cell = self._styled(
                index,
                number_format,
                alignment=styles.right,
                **({"number_format": number_format} if number_format else {}),
            )
        elif kind == "percent":
            value = float(value)
            cell = self._styled(index, "percent", alignment=styles.right, number_format="0.0%")
        elif kind == "light" and value in LIGHT_LABELS:
            cell = self._styled(index, value, alignment=styles.center, fill=styles.fills[value])
            value = LIGHT_LABELS[value]
        elif type(value) is str and value and value[0] in TRIGGER_CHARS:
            # The formula guard: text a person typed as "=HYPERLINK(…)" stays text, shown as typed.
            cell = self._styled(index, "quoted", alignment=styles.wrap, quotePrefix=True)
            cell.value = value
            cell.data_type = "s"
            return cell
        else:
            cell = self._styled(index, "text", alignment=styles.wrap)
        cell.value = float(value) if isinstance(value, Decimal) else value
        return cell


@dataclass(frozen=True)
class Sheet:
    """One table of a workbook: its title row, an optional line under it (the document number, or the
    data stamp "数据截至…"), its columns and its rows."""

    title: str
    columns: list
    rows: Iterable
    sheet_title: str = "台账"
    subtitle: str = ""


def write_table(
    out,
    *,
    title: str,
    columns,
    rows: Iterable,
    sheet_title: str = "台账",
    subtitle: str = "",
    author: str = "",
    progress: Callable[[int], None] | None = None,
    every: int = 1000,
) -> int:
    """Stream `rows` into a new workbook saved to `out` (a path or binary file); returns the row count."""
    return write_sheets(
        out,
        [Sheet(title=title, columns=columns, rows=rows, sheet_title=sheet_title, subtitle=subtitle)],
        author=author,
        progress=progress,
        every=every,
    )


def write_sheets(
    out,
    sheets: list[Sheet],
    *,
    author: str = "",
    progress: Callable[[int], None] | None = None,
    every: int = 1000,
) -> int:
    """Stream each sheet into one new workbook saved to `out`; returns the number of rows written.

    The workbook's properties name who issues it (`author`), never the library ("openpyxl"), and carry the
    first sheet's title, as the Word files do."""
    workbook = named_workbook(author=author, title=sheets[0].title if sheets else "")
    styles = _Styles()
    total = 0
    for sheet in sheets:
        total += _write_sheet(workbook.create_sheet(sheet.sheet_title), sheet, styles, progress, every)
    workbook.save(out)
    return total


def named_workbook(*, author: str, title: str, write_only: bool = True):
    """A new workbook whose properties name who issues it and its title, in zh-CN: never openpyxl's
    default creator "openpyxl". Every workbook the product makes starts here (write-only for the
    streamed tables, a normal one for the sheets styled cell by cell)."""
    workbook = openpyxl.Workbook(write_only=write_only)
    workbook.properties.creator = workbook.properties.lastModifiedBy = author
    workbook.properties.title = title
    workbook.properties.language = "zh-CN"
    return workbook


def _write_sheet(ws, sheet: Sheet, styles: _Styles, progress, every: int) -> int:
    columns = sheet.columns
    header_rows = 4 if sheet.subtitle else 3
    _prepare_sheet(ws, columns, header_rows=header_rows)
    _write_headers(ws, sheet.title, columns, styles, sheet.subtitle)
    convert = _Converters(ws, styles, columns)
    merging = [i for i, column in enumerate(columns) if column.merge_same]
    runs = {i: (None, 0) for i in merging}  # column -> (value, first data row of its run)
    count = 0
    widths = [column.width for column in columns]
    for count, row in enumerate(sheet.rows, start=1):
        cells = convert.row(row)
        lines = max((_lines(cell.value, width) for cell, width in zip(cells, widths)), default=1)
        if lines > 1:
            ws.row_dimensions[count + header_rows].height = lines * LINE_HEIGHT_PT
        for i in merging:
            value = columns[i].get(row)
            previous, first = runs[i]
            if count > 1 and value == previous:
                cells[i] = None  # the merged cell above shows it
            else:
                _merge_run(ws, i, first, count - 1, header_rows)
                runs[i] = (value, count)
        ws.append(cells)
        if progress and count % every == 0:
            progress(count)
    for i, (_value, first) in runs.items():
        _merge_run(ws, i, first, count, header_rows)
    return count


def write_list(out, *, sheet_title: str, columns, rows: Iterable, author: str = "") -> int:
    """One sheet with a bold header in its first row and a row per item under it, nothing above or beside.

    For a file people sort and filter, or fill in and upload back (the village table, the income import
    template): a title or merged cells above the header would read as data there. Every value goes through
    `safe_value`, the formula guard; a column's `number_format` formats its numbers. Its properties name
    `author` and carry `sheet_title`, as write_sheets' do. Returns the row count.
    """
    workbook = named_workbook(author=author, title=sheet_title)
    ws = workbook.create_sheet(sheet_title[:31])
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = _cell(ws, column.header, font=bold)
        if is_formula_like(column.header):
            cell.data_type, cell.quotePrefix = "s", True
        header.append(cell)
    ws.append(header)
    count = 0
    for count, row in enumerate(rows, start=1):
        ws.append([_list_cell(ws, column, row) for column in columns])
    workbook.save(out)
    return count


def _list_cell(ws, column: Column, row):
    raw = column.get(row)
    value = safe_value(ws, raw)
    number_format = column.number_format(row) if column.number_format else None
    if number_format is None or value is None or is_formula_like(raw):
        return value
    cell = WriteOnlyCell(ws, value)
    cell.number_format = number_format
    return cell


LINE_HEIGHT_PT = 14.5  # one line of 11 pt 宋体


def _lines(value, width: float) -> int:
    """How many lines a wrapped text takes in a column `width` characters wide (a Chinese character
    counts two): a written file carries its rows' heights, since neither LibreOffice nor every Excel
    fits them to wrapped text when it opens one."""
    if type(value) is not str or len(value) * 2 <= width - 1:
        return 1
    # A digit or Latin letter of 宋体 is a little wider than the unit a column's width counts in.
    shown = sum(1.2 if ord(c) < 0x2E80 else 2 for c in value)
    return max(1, -(-int(shown) // max(int(width - 2), 1)))


def _merge_run(ws, column_index: int, first: int, last: int, header_rows: int) -> None:
    if first and last > first:
        letter = get_column_letter(column_index + 1)
        ws.merged_cells.add(f"{letter}{first + header_rows}:{letter}{last + header_rows}")


def set_text(cell, value) -> None:
    """Put a value in a cell of an ordinary (not write-only) sheet, text never read as a formula."""
    cell.value = float(value) if isinstance(value, Decimal) else value
    if is_formula_like(value):
        cell.data_type, cell.quotePrefix = "s", True


@dataclass(frozen=True)
class SheetHead:
    title: str
    subtitle: str = ""  # e.g. the document number


def style_table_sheet(
    ws,
    head: SheetHead,
    headers: list[str],
    rows: list[list],
    *,
    formats: list[str | None],
    widths: list[float],
    lights: dict[str, str] | None = None,
) -> None:
    """Write one table as a printable sheet of an ordinary workbook: title and subtitle rows merged over
    the table, a bordered bold header, wrapped bordered cells in the CJK font, `formats` (an Excel
    number format, or None for text) per column, light words filled in their colours, print setup."""
    styles = _Styles()
    last = get_column_letter(len(headers))
    top = [(head.title, styles.title_font)] + ([(head.subtitle, styles.font)] if head.subtitle else [])
    for r, (text, font) in enumerate(top, start=1):
        set_text(ws.cell(row=r, column=1), text)
        ws.cell(row=r, column=1).font, ws.cell(row=r, column=1).alignment = font, styles.center
        ws.merge_cells(f"A{r}:{last}{r}")
    header_row = len(top) + 1
    for c, text in enumerate(headers, start=1):
        cell = ws.cell(row=header_row, column=c)
        set_text(cell, text)
        cell.font, cell.alignment, cell.border = styles.header_font, styles.center, styles.border
    fills = {label: styles.fills[light] for light, label in (lights or {}).items()}
    # Each kind of cell is styled once and its style copied to the others: assigning font, border and
    # alignment to every cell makes openpyxl hash and look up each of them per cell.
    made: dict = {}
    for r, row in enumerate(rows, start=header_row + 1):
        for c, (value, number_format) in enumerate(zip(row, formats), start=1):
            cell = ws.cell(row=r, column=c)
            set_text(cell, value)
            key = (number_format, None if number_format else fills.get(value) and value, cell.quotePrefix)
            style = made.get(key)
            if style is not None:
                cell._style = copy(style)
                continue
            cell.font, cell.border = styles.font, styles.border
            cell.alignment = styles.right if number_format else styles.wrap
            if number_format:
                cell.number_format = number_format
            elif value in fills:
                cell.fill = fills[value]
            made[key] = copy(cell._style)
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = f"A{header_row + 1}"
    print_setup(ws, header_row)
