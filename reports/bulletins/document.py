"""The document every report is built as: title lines, numbered headings, paragraphs and tables.

Plain JSON-ready dicts, stored on the GeneratedReport row, so the page, the .docx and the .xlsx
are written from the very same numbers. Cells hold raw numbers (Decimals as strings); each column
says how it is shown (`fmt`), and `format_cell` is the one place that formats a number for people.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CHINESE_NUMERALS = "零一二三四五六七八九十"

# How a column is shown: text as is; whole counts with thousands separators; fractions as
# percentages with one decimal; 万元 and other amounts with two decimals.
# A quantity in an indicator's own unit (a milestone's 4 个, 12.5 公里) is whole when it is whole.
TEXT, INT, PERCENT, AMOUNT, QUANTITY = "text", "int", "percent", "amount", "quantity"
NUMERIC_FORMATS = (INT, PERCENT, AMOUNT, QUANTITY)


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (headings never run past 99)."""
    if n <= 10:
        return CHINESE_NUMERALS[n]
    tens, ones = divmod(n, 10)
    return (CHINESE_NUMERALS[tens] if tens > 1 else "") + "十" + (CHINESE_NUMERALS[ones] if ones else "")


def chinese_date(d: date) -> str:
    """GB/T 9704 dates: 2024年3月29日 (no leading zeros)."""
    return f"{d.year}年{d.month}月{d.day}日"


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def format_cell(value, fmt: str) -> str:
    """A cell as people read it; the .docx and the page both call this, the .xlsx uses number formats."""
    if fmt == TEXT:
        return "" if value is None else str(value)
    number = _decimal(value)
    if number is None:
        return "—"
    if fmt == QUANTITY:
        fmt = INT if number == number.to_integral_value() else AMOUNT
    if fmt == INT:
        return f"{number.quantize(Decimal('1'), rounding=ROUND_HALF_UP):,}"
    if fmt == PERCENT:
        return f"{(number * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):,}%"
    return f"{number.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


def jsonable_number(value):
    """Decimals are kept as strings so no precision is lost in JSON; numbers stay numbers; lazy text becomes text."""
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, (int, float)):
        return value
    return str(value)


@dataclass
class Column:
    header: str
    fmt: str = TEXT

    def as_dict(self) -> dict:
        return {"header": str(self.header), "fmt": self.fmt}


@dataclass
class DocumentBuilder:
    """Collects the blocks of one report, numbering headings the way official documents do."""

    title: str
    doc_number: str
    issuer: str
    issued_on: date
    subtitle: str = ""
    frame: dict = field(default_factory=dict)
    opening: str = ""
    blocks: list = field(default_factory=list)
    _counters: list = field(default_factory=lambda: [0, 0, 0])

    def heading(self, level: int, text: str) -> None:
        self._counters[level - 1] += 1
        for deeper in range(level, 3):
            self._counters[deeper] = 0
        n = self._counters[level - 1]
        prefix = {1: f"{chinese_number(n)}、", 2: f"（{chinese_number(n)}）", 3: f"{n}."}[level]
        self.blocks.append({"type": "heading", "level": level, "text": prefix + text})

    def paragraph(self, text: str) -> None:
        self.blocks.append({"type": "paragraph", "text": text})

    def table(self, title: str, columns: list[Column], rows: list[list], key: str, empty: str = "") -> None:
        """`key` names the table for tests and for the workbook's sheet; rows hold raw values.

        With no rows and an `empty` sentence ("本月无新完成指标"), the sentence stands in for the table:
        an official document never prints a header over nothing.
        """
        if not rows and empty:
            self.blocks.append({"type": "paragraph", "text": str(empty), "stands_for": key})
            return
        self.blocks.append(
            {
                "type": "table",
                "key": key,
                "title": str(title),
                "columns": [c.as_dict() for c in columns],
                "rows": [[jsonable_number(v) for v in row] for row in rows],
            }
        )

    def as_dict(self) -> dict:
        return {
            "title": self.title,
            "subtitle": self.subtitle,
            "doc_number": self.doc_number,
            "issuer": self.issuer,
            "issued_on": self.issued_on.isoformat(),
            "frame": self.frame,
            "opening": self.opening,
            "blocks": self.blocks,
        }


def tables(content: dict) -> list[dict]:
    return [b for b in content.get("blocks", []) if b["type"] == "table"]


def table(content: dict, key: str) -> dict:
    return next(b for b in tables(content) if b["key"] == key)
