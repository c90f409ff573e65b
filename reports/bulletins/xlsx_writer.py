"""The tables of a report document as an .xlsx: one sheet per table, numbers as numbers.

Numbers are right-aligned with thousands separators; amounts (万元) keep two decimals;
percentages are stored as fractions with a percent format, so a sum in Excel still works.
"""
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .document import AMOUNT, INT, NUMERIC_FORMATS, PERCENT, tables

NUMBER_FORMATS = {INT: "#,##0", AMOUNT: "#,##0.00", PERCENT: "0.0%"}
RIGHT = Alignment(horizontal="right")
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
    number = Decimal(str(value))
    return int(number) if fmt == INT and number == number.to_integral_value() else float(number)


def write_xlsx(content: dict) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set = set()
    for block in tables(content):
        sheet = workbook.create_sheet(_sheet_title(block["title"], used))
        columns = block["columns"]
        sheet.append([block["title"]])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append([c["header"] for c in columns])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in block["rows"]:
            sheet.append([_cell_value(v, c["fmt"]) for v, c in zip(row, columns)])
        for index, column in enumerate(columns, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = 14 if column["fmt"] in NUMERIC_FORMATS else 28
            if column["fmt"] in NUMERIC_FORMATS:
                for (cell,) in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
                    cell.number_format = NUMBER_FORMATS[column["fmt"]]
                    cell.alignment = RIGHT
        sheet.freeze_panes = "A3"
    if not workbook.sheetnames:
        workbook.create_sheet("—")
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
