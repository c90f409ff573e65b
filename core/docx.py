"""The product's Word tables and printed lists: what the bulletins (reports.bulletins.docx_writer) and the lists
people forward (supervision.exporters) share.

A table is written as one piece of XML: its head row repeated on each page (w:tblHeader), no row split over
two pages (w:cantSplit), the columns measured to their content (`column_widths`), the head in 黑体 and the
cells in 12 pt 仿宋, figures at the right. Word and WPS take the Chinese font from the East Asian slot of each
run (w:eastAsia), so every run sets it.

`write_list_docx` writes the sheets of a printed list (core.xlsx.Sheet, the same column lists as the .xlsx)
as a Word document: A4, the title, the data stamp under it, a table per sheet, page numbers "— 1 —".
"""

from __future__ import annotations

import math
import re
from copy import deepcopy
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from io import BytesIO
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from .xlsx import LIGHT_FILLS, LIGHT_LABELS

BODY_FONT, HEAD_FONT, TITLE_FONT, PAGE_NUMBER_FONT = "仿宋", "黑体", "宋体", "宋体"
TABLE_SIZE, PAGE_NUMBER_SIZE = Pt(12), Pt(14)
# The type area of GB/T 9704-2012: 156 mm wide on A4 upright.
TYPE_WIDTH_MM = 156


def run_properties(name: str, size, bold: bool, color) -> str:
    """A run's w:rPr as XML: the font in every slot (Word and WPS take Chinese from w:eastAsia), size, bold."""
    colour = f'<w:color w:val="{color}"/>' if color is not None else ""
    return (
        f'<w:rPr {nsdecls("w")}><w:rFonts w:ascii="{name}" w:hAnsi="{name}" w:eastAsia="{name}" w:cs="{name}"/>'
        f'<w:b w:val="{1 if bold else 0}"/>{colour}<w:sz w:val="{int(size.pt * 2)}"/></w:rPr>'
    )


@lru_cache(maxsize=64)
def _run_properties_element(name: str, half_points: int, bold: bool, color):
    return parse_xml(run_properties(name, Pt(half_points / 2), bold, color))


def set_run_font(run, name: str, size, bold: bool = False, color=None) -> None:
    """Give a run its font, size and weight: a copy of one parsed w:rPr per combination, since setting them
    through python-docx's properties costs a schema lookup per property and run."""
    existing = run._element.rPr
    if existing is not None:
        run._element.remove(existing)
    run._element.insert(
        0, deepcopy(_run_properties_element(name, int(size.pt * 2), bold, str(color) if color is not None else None))
    )


# The schema's order of a paragraph's and a run's properties: Word refuses a file that breaks it.
PPR_ORDER = (
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
)
RPR_ORDER = (
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
)


def insert_ordered(parent, child, order) -> None:
    """Insert `child` into pPr/rPr where the schema puts it, replacing one of the same name."""
    name = child.tag.split("}")[1]
    existing = parent.find(qn(f"w:{name}"))
    if existing is not None:
        parent.remove(existing)
    later = order[order.index(name) + 1 :]
    for index, sibling in enumerate(parent):
        if sibling.tag.split("}")[1] in later:
            parent.insert(index, child)
            return
    parent.append(child)


def no_grid(element) -> None:
    """Keep a paragraph (or a style: its pPr) off the character grid: laid out by its own font."""
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    insert_ordered(element, snap, PPR_ORDER)


def page_number_footer(footer, align) -> None:
    """The page number as "— 1 —" in 14 pt 宋体, one character in from the type area's edge at the side."""
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.alignment = align
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = PAGE_NUMBER_SIZE
    elif align == WD_ALIGN_PARAGRAPH.LEFT:
        paragraph.paragraph_format.left_indent = PAGE_NUMBER_SIZE
    set_run_font(paragraph.add_run("— "), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    # One run per part of the field, each in the number's font: LibreOffice sizes the number it
    # computes by the run that holds the result, Word by the one that holds the field's start.
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        set_run_font(run, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = " PAGE "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._element.append(element)
    set_run_font(paragraph.add_run(" —"), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)


def set_language(document, *, author: str, title: str, subject: str = "") -> None:
    """zh-CN as the document's language, and the office (not the library) as its author."""
    props = document.core_properties
    props.title, props.subject = title, subject
    props.author = props.last_modified_by = author
    props.comments = props.keywords = ""
    props.language = "zh-CN"
    rpr = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        insert_ordered(rpr, lang, RPR_ORDER)
    # Chinese text is zh-CN; the Latin slot (digits, Latin letters) is en-US, as Word sets it on a Chinese
    # system: with zh-CN there LibreOffice breaks a line inside a number ("（2" / "026年10月31日）").
    for key, value in (("w:val", "en-US"), ("w:eastAsia", "zh-CN"), ("w:bidi", "ar-SA")):
        lang.set(qn(key), value)


# Measuring a table ---------------------------------------------------------------------------------------

TABLE_CHAR_MM = TABLE_SIZE.pt / 72 * 25.4
# A cell's text stands 1.9 mm in from each side (Word's default cell margins), with a little to spare.
CELL_PADDING_MM = 4.6
# Widths in the table face (Noto Serif CJK for 仿宋, in ems), measured in the PDF: a digit is 0.56, not
# half a character, and "%" nearly a whole one, so "100.0%" takes 3.5 characters and broke at 3.
LATIN_WIDTHS = {**dict.fromkeys("0123456789", 0.56), ".": 0.33, ",": 0.33, "%": 0.93, "-": 0.35, " ": 0.25}
# What LibreOffice and Word round up when they set a figure in a cell.
FIGURE_SLACK = 0.3
# Word and LibreOffice set a fifth of an em between Chinese and a figure (autoSpaceDE/DN): 2026年12月31日
# is 7.3 ems of glyphs and 8.3 set.
CJK_LATIN_GAP = 0.2
CHINESE_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")
# A text column whose cells are at most this many characters (a unit's name, 区精神文明建设指导中心) wants them
# on one line before the figures' headers do.
SHORT_TEXT = 12


def set_width(text: str) -> float:
    """Width in characters (ems) of `text` as set in a table: a Chinese character 1, a digit 0.56, "%" 0.93,
    and the gap wherever Chinese meets a figure or a Latin letter."""
    wide = [ord(c) >= 0x2E80 for c in text]
    gaps = sum(1 for a, b in zip(wide, wide[1:]) if a != b)
    return sum(1 if w else LATIN_WIDTHS.get(c, 0.6) for c, w in zip(text, wide)) + gaps * CJK_LATIN_GAP


@dataclass(frozen=True)
class TableColumn:
    header: str
    numeric: bool = False  # a figure: right-aligned, never broken
    light: bool = False  # a light word (红灯): centred on its colour


# Words of four or more characters and no figure in a figure's column (逾期未报, not 持平 or 增加6个).
WORDS_IN_FIGURES = re.compile(r"[\u4e00-\u9fff、]{4,}")


def column_widths(columns: list[TableColumn], cells: list[list[str]], total_mm: float = TYPE_WIDTH_MM) -> list[float]:
    """Widths (mm) fitted to content, a Chinese character counting as wide as two digits.

    A figure, a date (2026年12月31日) or a short word (个, 下期到期) is never broken (words of four or more
    characters standing for a figure, 逾期未报, wrap onto two lines as a header): its column is at least
    as wide as its longest cell and as half its header (a header wraps onto two lines at most, 按时/报送,
    never 按时报/送). The headers are then set on one line, the narrowest first, where the text columns
    still get their natural width: the mean of their cells, at least their longest cell up to SHORT_TEXT
    characters and their header's first word. When the texts do not fit, they share the room by their mean length (each
    keeping six characters), so a long reason gets more than a unit's name."""
    least, full, wanted, floor, mean = {}, {}, {}, {}, {}
    for index, column in enumerate(columns):
        lengths = [set_width(row[index]) for row in cells] or [0]
        longest = max(lengths)
        header = set_width(column.header)
        two_lines = math.ceil(header / 2)
        dates = bool(cells) and all(CHINESE_DATE.fullmatch(row[index]) for row in cells)
        if column.numeric or dates:
            # Words standing for a figure (落后百分点: 逾期未报) wrap onto two lines as a header does.
            figures = [
                n if not WORDS_IN_FIGURES.fullmatch(row[index]) else math.ceil(n / 2) for row, n in zip(cells, lengths)
            ]
            content = max(figures, default=0) + FIGURE_SLACK
        elif longest <= 4:
            content = longest
        else:
            mean[index] = sum(lengths) / len(lengths) or 1
            wanted[index] = max(min(mean[index] * 1.3, 30), min(longest, SHORT_TEXT), min(header, 4), 2) + 1
            floor[index] = longest
            continue
        least[index] = max(content, two_lines, 2) * TABLE_CHAR_MM + CELL_PADDING_MM
        full[index] = max(content, header, 2) * TABLE_CHAR_MM + CELL_PADDING_MM
    room = total_mm - sum(least.values())
    if room < 12 * len(wanted) or (not wanted and room < 0):  # too many figures: everything scales alike
        widths = [least.get(i) or wanted[i] * TABLE_CHAR_MM for i in range(len(columns))]
        return [w * total_mm / sum(widths) for w in widths]
    natural = {i: w * TABLE_CHAR_MM for i, w in wanted.items()}
    fixed, spare = dict(least), room - sum(natural.values())
    for index in sorted(fixed, key=lambda i: full[i] - least[i]):  # headers on one line where texts lose nothing
        if full[index] - least[index] <= spare:
            spare -= full[index] - least[index]
            fixed[index] = full[index]
    if not wanted:  # figures only: the spare room goes to every column alike
        return [fixed[i] * total_mm / sum(fixed.values()) for i in range(len(columns))]
    left = total_mm - sum(fixed.values())
    if sum(natural.values()) <= left:  # room to spare: the texts grow alike
        return [fixed[i] if i in fixed else natural[i] * left / sum(natural.values()) for i in range(len(columns))]
    # Too narrow for all: widths go by the texts' mean length, so a row's columns wrap onto about as many lines
    # (a reason gets more than a unit's name), each keeping its longest cell up to six characters (县农业农村局).
    for chars in (6, 5, 4, 3, 2):
        kept = {i: min(longest, chars) * TABLE_CHAR_MM + CELL_PADDING_MM for i, longest in floor.items()}
        if sum(kept.values()) <= left:
            break
    else:
        return [fixed[i] if i in fixed else natural[i] * left / sum(natural.values()) for i in range(len(columns))]
    widths, free = {}, set(wanted)
    while free:
        scale = (left - sum(widths.values())) / sum(mean[i] for i in free)
        short = {i for i in free if mean[i] * scale < kept[i]}
        if not short:
            widths.update({i: mean[i] * scale for i in free})
            break
        widths.update({i: kept[i] for i in short})
        free -= short
    return [fixed[i] if i in fixed else widths[i] for i in range(len(columns))]


# Writing a table -----------------------------------------------------------------------------------------


def _cell_xml(text: str, width_twips: int, font: str, align: str | None, fill: str | None = None) -> str:
    jc = f'<w:jc w:val="{align}"/>' if align else ""
    shading = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width_twips}"/>{shading}</w:tcPr><w:p><w:pPr>'
        f'<w:snapToGrid w:val="0"/>{jc}</w:pPr><w:r>{run_properties(font, TABLE_SIZE, False, None)}'
        + "<w:br/>".join(f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in text.split("\n"))
        + "</w:r></w:p></w:tc>"
    )


def _in_figures(text: str, numeric: bool) -> str:
    """Words in a figure's column on two even lines (逾期/未报), as column_widths measured them, not 逾期未/报."""
    if not numeric or not WORDS_IN_FIGURES.fullmatch(text):
        return text
    half = math.ceil(len(text) / 2)
    return f"{text[:half]}\n{text[half:]}"


def add_table(
    document,
    columns: list[TableColumn],
    cells: list[list[str]],
    total_mm: float = TYPE_WIDTH_MM,
    widths_mm: list[float] | None = None,
):
    """A table at the end of the body with its head repeated on each page and its columns fitted
    (column_widths, or `widths_mm` when the table is the second part of one measured whole), written as one
    piece of XML: python-docx's cell objects cost more than the rest of a bulletin together. A light column's
    cells carry the light's colour. Returns the w:tbl element."""
    widths = [int(Mm(w).twips) for w in (widths_mm or column_widths(columns, cells, total_mm))]
    aligns = ["right" if c.numeric else "center" if c.light else None for c in columns]
    fills = {label: LIGHT_FILLS[light] for light, label in LIGHT_LABELS.items()}
    head = "".join(_cell_xml(column.header, width, HEAD_FONT, "center") for column, width in zip(columns, widths))
    # A row is never split over two pages (w:cantSplit); the head row repeats on each page (w:tblHeader).
    body = "".join(
        "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
        + "".join(
            _cell_xml(
                _in_figures(text, column.numeric), width, BODY_FONT, align, fills.get(text) if column.light else None
            )
            for text, width, align, column in zip(row, widths, aligns, columns)
        )
        + "</w:tr>"
        for row in cells
    )
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in widths)
    table = parse_xml(
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:type="auto" w:w="0"/>'
        '<w:jc w:val="center"/><w:tblLayout w:type="fixed"/><w:tblLook w:firstColumn="1" w:firstRow="1" '
        'w:lastColumn="0" w:lastRow="0" w:noHBand="0" w:noVBand="1" w:val="04A0"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>"
        f'<w:tr><w:trPr><w:cantSplit/><w:tblHeader w:val="true"/></w:trPr>{head}</w:tr>{body}</w:tbl>'
    )
    document.element.body.find(qn("w:sectPr")).addprevious(table)
    return table


# A printed list as Word: the sheets of its .xlsx ----------------------------------------------------------

LIST_TITLE_SIZE, LIST_STAMP_SIZE, LIST_CAPTION_SIZE = Pt(18), Pt(12), Pt(14)
# A4 across for a wide list (the red and amber list, the supervision ledger), upright for a narrow one.
LIST_MARGINS_MM = {
    False: {"top_margin": 37, "bottom_margin": 35, "left_margin": 28, "right_margin": 26},
    True: {"top_margin": 26, "bottom_margin": 24, "left_margin": 30, "right_margin": 30},
}


def cell_text(column, value, row) -> str:
    """A value of a core.xlsx column as a Word cell reads: its number format spelt out (#,##0.0 → 1,234.5),
    a fraction as 66.7%, a light as its word, nothing as "—"."""
    if value is None or value == "":
        return "—" if column.kind in ("number", "percent", "light") or column.number_format else ""
    if column.kind == "light":
        return LIGHT_LABELS.get(value, str(value))
    if isinstance(value, str) and column.kind in ("number", "percent"):
        return value  # words in a figure's column: why there is no figure (落后百分点: 逾期未报)
    if column.kind == "percent":
        return f"{(Decimal(str(value)) * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):,}%"
    if column.number_format:
        pattern = column.number_format(row)
        places = Decimal(1).scaleb(-len(pattern.split(".")[1])) if "." in pattern else Decimal(1)
        return f"{Decimal(str(value)).quantize(places, rounding=ROUND_HALF_UP):,}"
    return str(value)


def _list_paragraph(document, text: str, font: str, size, *, bold=False, before=0, after=0, keep=False) -> None:
    paragraph = document.add_paragraph()
    no_grid(paragraph._p.get_or_add_pPr())
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.keep_with_next = keep
    set_run_font(paragraph.add_run(text), font, size, bold)


def _list_page(document, landscape: bool) -> float:
    """A4 upright or across with its margins and a centred page number; returns the type area's width (mm)."""
    section = document.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
    margins = LIST_MARGINS_MM[landscape]
    for attribute, mm in margins.items():
        setattr(section, attribute, Mm(mm))
    section.footer_distance = Mm(12 if landscape else 23)
    page_number_footer(section.footer, WD_ALIGN_PARAGRAPH.CENTER)
    width = 297 if landscape else 210
    return width - margins["left_margin"] - margins["right_margin"]


def write_list_docx(*, title: str, subtitle: str, sheets, author: str, landscape: bool = True) -> bytes:
    """The sheets of a printed list (core.xlsx.Sheet, the columns of its .xlsx) as one Word document: the
    list's title and data stamp at the top, then each sheet's table, under the sheet's name when there are
    several. A sheet with no rows says so in a line instead of a head over nothing."""
    document = Document()
    total_mm = _list_page(document, landscape)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, TABLE_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    set_language(document, author=author, title=title, subject=subtitle)
    _list_paragraph(document, title, TITLE_FONT, LIST_TITLE_SIZE, bold=True, keep=True)
    if subtitle:
        _list_paragraph(document, subtitle, "楷体", LIST_STAMP_SIZE, before=4, keep=True)
    for sheet in sheets:
        if len(sheets) > 1:
            _list_paragraph(document, sheet.sheet_title, HEAD_FONT, LIST_CAPTION_SIZE, before=12, after=6, keep=True)
        else:
            _list_paragraph(document, "", BODY_FONT, Pt(6), keep=True)
        rows = list(sheet.rows)
        if not rows:
            _list_paragraph(document, "（无）", BODY_FONT, LIST_CAPTION_SIZE)
            continue
        columns = [
            TableColumn(c.header, numeric=c.kind in ("number", "percent"), light=c.kind == "light")
            for c in sheet.columns
        ]
        add_table(document, columns, [[cell_text(c, c.get(row), row) for c in sheet.columns] for row in rows], total_mm)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
