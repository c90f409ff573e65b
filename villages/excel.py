"""Tables in and out: reading an uploaded CSV or xlsx safely, writing xlsx that Excel cannot mistake for formulas.

`read_table` is the one place villages reads uploaded files: every file goes through the shared
door of `core.uploads` (type from the bytes, size, zip-bomb, XML-bomb and macro checks), CSV is decoded here.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ROWS = 100_000


class FileRefused(ValueError):
    """The upload is not a table we read (wrong type, too large, a macro workbook, a zip bomb)."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        where = _("row %(row)s") % {"row": self.row} if self.row else ""
        if self.column:
            where = f"{where}, {self.column}" if where else self.column
        return f"{where}: {self.message}" if where else self.message


class ImportRejected(Exception):
    """Nothing was written: every problem found, each with its row and column."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(e) for e in errors[:5]))
        self.errors = errors


def read_table(name: str, data: bytes) -> list[tuple[int, list[str]]]:
    """(row number as people count it, cells as stripped strings) for every non-empty row of the first sheet.

    The file goes through the shared upload checks (type from the bytes, size, zip and XML bombs,
    macros) before either reader sees it.
    """
    from core.uploads import UnsafeFile, check_upload, read_rows

    try:
        upload = check_upload(io.BytesIO(data), kinds=("xlsx", "csv"), name=name, max_bytes=MAX_UPLOAD_BYTES)
    except UnsafeFile as exc:
        raise FileRefused(str(exc)) from exc
    if upload.kind == "csv":
        rows = _read_csv(upload.data)
    else:
        try:
            rows = [[_cell_text(v) for v in row] for row in read_rows(upload)]
        except UnsafeFile as exc:
            raise FileRefused(str(exc)) from exc
    numbered = [(n, cells) for n, cells in enumerate(rows, start=1) if any(cells)]
    if len(numbered) > MAX_ROWS:
        raise FileRefused(_("The file has more than %(rows)s rows.") % {"rows": MAX_ROWS})
    return numbered


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _read_csv(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileRefused(_("The CSV file is neither UTF-8 nor GB18030 text."))
    return [[_cell_text(c) for c in row] for row in csv.reader(io.StringIO(text))]


# Writing -----------------------------------------------------------------------------------------

MONEY_FORMAT = "#,##0.00"


def write_xlsx(title: str, columns, rows, *, author: str = "") -> bytes:
    """A one-sheet workbook: `columns` is [(header, getter, number format or None), …] applied to each row.

    Written by core.xlsx.write_list, the product's one writer: text beginning with = + - @ or a tab is
    stored as text, never as a formula, and the sheet streams out in write-only mode. `author` is who the
    file goes out under (its properties name it).
    """
    from core.xlsx import Column, write_list

    out = io.BytesIO()
    write_list(
        out,
        sheet_title=title,
        columns=[
            Column(
                group=header,
                header=header,
                get=getter,
                width=max(10, len(header) * 2 + 2),
                number_format=(lambda _row, number_format=number_format: number_format) if number_format else None,
            )
            for header, getter, number_format in columns
        ],
        rows=rows,
        author=author,
    )
    return out.getvalue()
