"""The tables of a report document as an .xlsx: one printable sheet per table, numbers as numbers.

Written through `core.xlsx` (the product's one writer and formula guard): each sheet carries the
report's title and document number, bordered and wrapped cells in a CJK font, light words in their
colours, A4 landscape fitted to the width with the header repeated. Numbers are right-aligned with
thousands separators; amounts (万元) keep two decimals; percentages are fractions with a percent
format, so a sum in Excel still works.
"""

from decimal import Decimal, InvalidOperation
from io import BytesIO

from core.xlsx import SheetHead, named_workbook, style_table_sheet
from targets.choices import Light

from .document import (
    AMOUNT,
    CHANGE,
    INT,
    NUMERIC_FORMATS,
    PERCENT,
    POINTS,
    QUANTITY,
    change_cell_words,
    format_cell,
    tables,
)
from .docx_writer import text_width

# A quantity shows as typed in Excel's General format: 4, 12.5 (a column's format is one for all its rows).
NUMBER_FORMATS = {INT: "#,##0", AMOUNT: "#,##0.00", PERCENT: "0.0%", QUANTITY: "General", POINTS: "#,##0.0"}


def change_format() -> str:
    """Excel's format for a change, in the page's words and still a number: "增加"#,##0"个";"减少"#,##0"个";"持平"."""
    up, down, same = change_cell_words()

    def side(words):
        before, _n, after = words.partition("{n}")
        return (f'"{before}"' if before else "") + "#,##0" + (f'"{after}"' if after else "")

    return f'{side(up)};{side(down)};"{same}"'


def _number_format(fmt: str) -> str | None:
    return change_format() if fmt == CHANGE else NUMBER_FORMATS.get(fmt)


SHEET_NAME_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


def _sheet_title(title: str, used: set) -> str:
    base = title.translate(SHEET_NAME_FORBIDDEN)[:28] or "Sheet"
    name, n = base, 1
    while name in used:
        n += 1
        name = f"{base[:26]}_{n}"
    used.add(name)
    return name


def _cell_value(value, fmt):
    if fmt not in NUMERIC_FORMATS or value in (None, ""):
        return value
    try:
        number = Decimal(str(value))
    except InvalidOperation:  # words in a figure's column (落后百分点: 逾期未报) stay words
        return value
    whole = fmt in (INT, QUANTITY, CHANGE) and number == number.to_integral_value()
    return int(number) if whole else float(number)


def _quantity_formats(sheet, columns, first_row: int) -> None:
    """A quantity column (a milestone's value: 12 个, 27.5 %, 600000 万元) holds whole numbers and decimals: each
    cell is shown as the Word table shows it, #,##0 or #,##0.00, never General's 600000 without its separator."""
    for index, column in enumerate(columns, start=1):
        if column["fmt"] != QUANTITY:
            continue
        for (cell,) in sheet.iter_rows(min_row=first_row, min_col=index, max_col=index):
            if isinstance(cell.value, (int, float)):
                cell.number_format = NUMBER_FORMATS[INT] if isinstance(cell.value, int) else NUMBER_FORMATS[AMOUNT]


def _widths(columns, rows) -> list[float]:
    """Excel widths (in Latin characters) fitted to the longest cell, a long text wrapping at 40."""
    widths = []
    for index, column in enumerate(columns):
        shown = [text_width(format_cell(row[index], column["fmt"])) * 2 for row in rows]
        widths.append(min(max([text_width(column["header"]) * 2, *shown, 6]) + 2, 42))
    return widths


def write_xlsx(content: dict) -> bytes:
    workbook = named_workbook(
        author=(content.get("frame") or {}).get("signature") or content.get("issuer", ""),
        title=content.get("title", ""),
        write_only=False,
    )
    workbook.remove(workbook.active)
    used: set = set()
    lights = {light: str(Light(light).label) for light in Light.values}
    for block in tables(content):
        sheet = workbook.create_sheet(_sheet_title(block["title"], used))
        columns = block["columns"]
        head = SheetHead(
            title=f"{content['title']}{content.get('subtitle', '')}·{block['title']}",
            subtitle=content.get("doc_number", ""),
        )
        style_table_sheet(
            sheet,
            head,
            [c["header"] for c in columns],
            [[_cell_value(v, c["fmt"]) for v, c in zip(row, columns)] for row in block["rows"]],
            formats=[_number_format(c["fmt"]) for c in columns],
            widths=_widths(columns, block["rows"]),
            lights=lights,
        )
        _quantity_formats(sheet, columns, first_row=(3 if head.subtitle else 2) + 1)
    if not workbook.sheetnames:
        workbook.create_sheet("—")
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
