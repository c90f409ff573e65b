"""The document every report is built as: title lines, numbered headings, paragraphs and tables.

Plain JSON-ready dicts, stored on the GeneratedReport row, so the page, the .docx and the .xlsx
are written from the very same numbers. Cells hold raw numbers (Decimals as strings); each column
says how it is shown (`fmt`), and `format_cell` is the one place that formats a number for people.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

CHINESE_NUMERALS = "零一二三四五六七八九十"

# How a column is shown: text as is; whole counts with thousands separators; fractions as
# percentages with one decimal; 万元 and other amounts with two decimals.
# A quantity in an indicator's own unit (a milestone's 4 个, 12.5 公里) is whole when it is whole.
# A change of a count reads as an office writes it: 增加6个, 减少9个, 持平 (never "-9").
TEXT, INT, PERCENT, AMOUNT, QUANTITY, CHANGE = "text", "int", "percent", "amount", "quantity", "change"
# Percentage points (落后百分点) to one decimal, as the reasons beside them (落后75.6个百分点) and the dashboards say them.
POINTS = "points"
NUMERIC_FORMATS = (INT, PERCENT, AMOUNT, QUANTITY, CHANGE, POINTS)


def change_cell_words() -> tuple[str, str, str]:
    """The words of a change cell around its number, "{n}" standing for it: 增加{n}个, 减少{n}个, 持平."""
    n = {"n": "{n}"}
    return _("up by %(n)s") % n, _("down by %(n)s") % n, _("unchanged")


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (headings never run past 99)."""
    if n <= 10:
        return CHINESE_NUMERALS[n]
    tens, ones = divmod(n, 10)
    return (CHINESE_NUMERALS[tens] if tens > 1 else "") + "十" + (CHINESE_NUMERALS[ones] if ones else "")


def chinese_date(d: date) -> str:
    """GB/T 9704 dates: 2024年3月29日 (no leading zeros)."""
    return f"{d.year}年{d.month}月{d.day}日"


CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’"
_ISO_DATE = re.compile(r"(?<![\d-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d-])")
_ASCII_BY_CJK = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_ASCII_NEXT_TO_CJK = re.compile(rf"(?<=[{CJK}])\s*([,;:?!])\s*|\s*([,;:?!])\s*(?=[{CJK}])")
# (三) and (企业) as typed in a plan or a report: brackets round Chinese words, not a formula's or a link's.
_ASCII_BRACKETS = re.compile(r"\(([^()\"'=/<>]*[\u4e00-\u9fff][^()\"'=/<>]*)\)")
_SPACE_BEFORE_BRACKET = re.compile(rf"(?<=[{CJK}])\s+(?=（)|(?<=[。；：，！？])\s+")
# A stop or comma set against another stop where a sentence was joined to the next: 。； ，。 。。 ；。
_DOUBLED = re.compile(r"[。，；、：]+(?=[。；！？])|[。，；、]+(?=[，、：])")


# Spans tidy leaves exactly as typed inside a text it tidies: a link (up to a space or Chinese, less a trailing
# stop or comma that belongs to the sentence) and a spreadsheet formula with its bracketed arguments.
_LINK = re.compile(rf"(?:[A-Za-z][A-Za-z0-9+.-]*://|www\.)[^\s{CJK}]*[^\s{CJK},.;:!?)]")
_FORMULA = re.compile(r"=\s*[A-Za-z_][A-Za-z0-9_.]*\(")
_KEPT = "\ue000"  # a private-use mark standing for a kept span while the rest is tidied


def _formula_end(text: str, start: int) -> int:
    """Where a formula starting at `start` ends: after the bracket closing its first one (quotes respected)."""
    depth, quote = 0, False
    for i in range(start, len(text)):
        ch = text[i]
        if ch == '"':
            quote = not quote
        elif not quote and ch == "(":
            depth += 1
        elif not quote and ch == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


def _kept_spans(text: str) -> list[tuple[int, int]]:
    spans, i = [], 0
    while i < len(text):
        formula, link = _FORMULA.search(text, i), _LINK.search(text, i)
        found = min((m for m in (formula, link) if m), key=lambda m: m.start(), default=None)
        if found is None:
            break
        end = _formula_end(text, found.start()) if found is formula else found.end()
        spans.append((found.start(), end))
        i = end
    return spans


def tidy(text: str) -> str:
    """Chinese running text as an office writes it: full-width punctuation next to Chinese (, ; : ( ) as
    typed into a plan or a report become ， ； ： （ ）), dates as 2026年5月31日 not 2026-05-31, and no two
    stops in a row where sentences were joined (。； → ；, ，。 → 。). A formula or a link inside the text is
    left as typed (its commas and brackets are its own), and the sentence around it is tidied all the same."""
    if not text or _KEPT in text:
        return text
    spans = _kept_spans(text)
    kept = [text[a:b] for a, b in spans]
    for a, b in reversed(spans):
        text = text[:a] + _KEPT + text[b:]
    text = _ISO_DATE.sub(lambda m: f"{int(m[1])}年{int(m[2])}月{int(m[3])}日", text)
    text = _ASCII_BRACKETS.sub(r"（\1）", text)
    text = _SPACE_BEFORE_BRACKET.sub("", text)
    text = _ASCII_NEXT_TO_CJK.sub(lambda m: _ASCII_BY_CJK[m[1] or m[2]], text)
    text = _DOUBLED.sub("", text)
    pieces = text.split(_KEPT)
    return "".join(piece + (kept[n] if n < len(kept) else "") for n, piece in enumerate(pieces))


def quoted(text: str) -> str:
    """A name set inside “…” in a sentence: its own double quotes become single ones (“二、深化‘千村示范’工程”)."""
    return "“" + text.replace("“", "‘").replace("”", "’") + "”"


def chinese_span(start: date, end: date) -> str:
    """2026年9月1日至11月30日: the year once when both days are in it; one day is named once."""
    if start == end:
        return chinese_date(start)
    if start.year == end.year:
        return f"{chinese_date(start)}至{end.month}月{end.day}日"
    return f"{chinese_date(start)}至{chinese_date(end)}"


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
        # A figure's column may say in words why there is no figure (落后百分点: 逾期未报).
        return "—" if value is None or value == "" else str(value)
    if fmt == QUANTITY:
        fmt = INT if number == number.to_integral_value() else AMOUNT
    if fmt == CHANGE:
        up, down, same = change_cell_words()
        whole = int(number.quantize(Decimal("1"), rounding=ROUND_HALF_UP))
        return (up if whole > 0 else down).replace("{n}", f"{abs(whole):,}") if whole else same
    if fmt == INT:
        return f"{number.quantize(Decimal('1'), rounding=ROUND_HALF_UP):,}"
    if fmt == PERCENT:
        return f"{(number * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):,}%"
    if fmt == POINTS:
        return f"{number.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):,}"
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
    annexes: list = field(default_factory=list)
    _counters: list = field(default_factory=lambda: [0, 0, 0])

    def heading(self, level: int, text: str) -> None:
        self._counters[level - 1] += 1
        for deeper in range(level, 3):
            self._counters[deeper] = 0
        n = self._counters[level - 1]
        prefix = {1: f"{chinese_number(n)}、", 2: f"（{chinese_number(n)}）", 3: f"{n}."}[level]
        self.blocks.append({"type": "heading", "level": level, "text": prefix + tidy(str(text))})

    def paragraph(self, text: str) -> None:
        self.blocks.append({"type": "paragraph", "text": tidy(str(text))})

    def annex(self, title: str, columns: list[Column], rows: list[list], key: str) -> int:
        """A table printed in full as an attachment (附件) after the signature; returns its number, for the
        body to say "见附件1". The body ends with the 附件说明 naming each attachment."""
        n = len(self.annexes) + 1
        table = self._table_block(title, columns, rows, key)
        self.annexes.append({"type": "annex", "n": n, "title": str(title), "text": f"附件{n}", "table": table})
        return n

    def _table_block(self, title, columns, rows, key) -> dict:
        return {
            "type": "table",
            "key": key,
            "title": str(title),
            "columns": [c.as_dict() for c in columns],
            "rows": [
                [tidy(v) if c.fmt == TEXT and isinstance(v, str) else jsonable_number(v) for v, c in zip(row, columns)]
                for row in rows
            ],
        }

    def table(self, title: str, columns: list[Column], rows: list[list], key: str, empty: str = "") -> None:
        """`key` names the table for tests and for the workbook's sheet; rows hold raw values.

        With no rows and an `empty` sentence ("本月无新完成指标"), the sentence stands in for the table:
        an official document never prints a header over nothing.
        """
        if not rows and empty:
            self.blocks.append({"type": "paragraph", "text": str(empty), "stands_for": key})
            return
        self.blocks.append(self._table_block(title, columns, rows, key))

    def as_dict(self) -> dict:
        return {
            "title": self.title,
            "subtitle": self.subtitle,
            "doc_number": self.doc_number,
            "issuer": self.issuer,
            "issued_on": self.issued_on.isoformat(),
            "frame": self.frame,
            "opening": self.opening,
            "blocks": self.blocks + self._annex_blocks(),
        }

    def _annex_blocks(self) -> list[dict]:
        """The 附件说明 closing the body (附件：1．……), then each attachment: its marker, then its table."""
        if not self.annexes:
            return []
        lines = [f"{a['n']}．{a['title']}" for a in self.annexes]
        blocks = [{"type": "annex_note", "lines": lines, "text": "附件：" + "；".join(lines)}]
        for annex in self.annexes:
            blocks += [{k: v for k, v in annex.items() if k != "table"}, {**annex["table"], "annex": annex["n"]}]
        return blocks


def tables(content: dict) -> list[dict]:
    return [b for b in content.get("blocks", []) if b["type"] == "table"]


def table(content: dict, key: str) -> dict:
    return next(b for b in tables(content) if b["key"] == key)
