"""A report document as a .docx laid out per GB/T 9704-2012 (DOMAIN.md "The official document layout").

A4; margins top 37, bottom 35, left 28, right 26 mm, so a 156 × 225 mm type area of 22 lines of 28
characters (the `w:docGrid` line and character pitch); title 22 pt in 宋体 bold (小标宋 is not on a
stock Windows or WPS install, and the standard names 宋体 bold as its stand-in); body 16 pt 仿宋;
headings 一、黑体, (一)楷体, 1. 仿宋 bold; page numbers "— 1 —" in 14 pt 宋体, 7 mm below the type area.
Word and WPS take the Chinese font from the East Asian slot of each run (w:eastAsia), so every run sets it.

The frame, in order: the organ's mark in red over the document number and a red line across the
type area; the title; 主送; the opening paragraph; the body; the signature centred over the date,
the date four characters in from the right; the 版记 (抄送, 印发机关 and 印发日期 between lines) at the
foot of the last page.
"""

import math
import re
from copy import deepcopy
from datetime import date
from functools import lru_cache
from io import BytesIO
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor

from .document import NUMERIC_FORMATS, chinese_date, format_cell

TITLE_FONT, BODY_FONT, PAGE_NUMBER_FONT = "宋体", "仿宋", "宋体"
HEADING_FONTS = {1: ("黑体", False), 2: ("楷体", False), 3: ("仿宋", True)}
TITLE_SIZE, BODY_SIZE, TABLE_SIZE, PAGE_NUMBER_SIZE, IMPRINT_SIZE = Pt(22), Pt(16), Pt(12), Pt(14), Pt(14)
RED = RGBColor(0xFF, 0x00, 0x00)
TYPE_WIDTH_MM, TYPE_HEIGHT_MM = 156, 225
# 22 lines on a 225 mm type area: 225 mm / 22 ≈ 28.9 pt a line (578 twips).
LINE_PITCH = Pt(28.9)
LINE_PITCH_TWIPS = 578
# 28 characters on 156 mm: 442.2 pt / 28 = 15.79 pt a character. Word's grid states the pitch as the
# difference from the 16 pt body size in 4096ths of a point: (15.79 − 16) × 4096 ≈ −849.
CHAR_SPACE = -849
# A 16 pt character is wider than that pitch. Condensing each by 0.3 pt (w:spacing −6 twips) sets 28
# on a line in Word and in LibreOffice alike (at −5 LibreOffice breaks after 27; the PDF test counts them).
CONDENSE_TWIPS = -6
MARGINS_MM = {"top_margin": 37, "bottom_margin": 35, "left_margin": 28, "right_margin": 26}
# The page number's line sits 7 mm under the type area: the footer's bottom edge is 35 − 7 mm less
# the number's own line (about 5 mm) above the paper's edge.
FOOTER_DISTANCE_MM = 23
MARK_MAX_SIZE = 36


def _run_properties(name: str, size, bold: bool, color) -> str:
    """A run's w:rPr as XML: the font in every slot (Word and WPS take Chinese from w:eastAsia), size, bold."""
    colour = f'<w:color w:val="{color}"/>' if color is not None else ""
    return (
        f'<w:rPr {nsdecls("w")}><w:rFonts w:ascii="{name}" w:hAnsi="{name}" w:eastAsia="{name}" w:cs="{name}"/>'
        f'<w:b w:val="{1 if bold else 0}"/>{colour}<w:sz w:val="{int(size.pt * 2)}"/></w:rPr>'
    )


@lru_cache(maxsize=64)
def _run_properties_element(name: str, half_points: int, bold: bool, color):
    return parse_xml(_run_properties(name, Pt(half_points / 2), bold, color))


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


def _insert_ordered(parent, child, order) -> None:
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


def _no_grid(paragraph) -> None:
    """Keep a paragraph off the character grid (tables, the mark, the title): laid out by its own font."""
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    _insert_ordered(paragraph._p.get_or_add_pPr(), snap, PPR_ORDER)


def _condense(run) -> None:
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(CONDENSE_TWIPS))
    _insert_ordered(run._element.get_or_add_rPr(), spacing, RPR_ORDER)


def _paragraph(container, text, font, size, bold=False, align=None, indent=False, exact_pitch=True, color=None):
    paragraph = container.add_paragraph()
    if not exact_pitch:
        _no_grid(paragraph)
    fmt = paragraph.paragraph_format
    if exact_pitch:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE_PITCH
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size.pt * 2)
    if align is not None:
        paragraph.alignment = align
    run = paragraph.add_run(text)
    set_run_font(run, font, size, bold, color)
    if exact_pitch:
        _condense(run)
    return paragraph


def _border(element, side: str, *, size: int, color: str = "000000", space: int = 0) -> None:
    """A line on one side of a paragraph (w:pBdr); size in eighths of a point, space in points."""
    container = element.find(qn("w:pBdr"))
    if container is None:
        container = OxmlElement("w:pBdr")
        _insert_ordered(element, container, PPR_ORDER)
    line = OxmlElement(f"w:{side}")
    for key, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", str(space)), ("w:color", color)):
        line.set(qn(key), value)
    container.append(line)


def _page_setup(document) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    for attribute, mm in MARGINS_MM.items():
        setattr(section, attribute, Mm(mm))
    section.footer_distance = Mm(FOOTER_DISTANCE_MM)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
    grid.set(qn("w:charSpace"), str(CHAR_SPACE))
    # GB/T 9704-2012 7.5: odd pages numbered at the right, even pages at the left, each one
    # character in from the edge of the type area, as a printed and bound document opens.
    document.settings.odd_and_even_pages_header_footer = True
    _page_number_footer(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number_footer(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)


def _page_number_footer(footer, align) -> None:
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.alignment = align
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = PAGE_NUMBER_SIZE
    else:
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


def text_width(text: str) -> float:
    """Width in characters of the body font: a Chinese character is one, a digit or Latin letter half."""
    return sum(0.5 if ord(c) < 0x2E80 else 1 for c in text)


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


def set_width(text: str) -> float:
    """Width in characters (ems) of `text` as set in a table: a Chinese character 1, a digit 0.56, "%" 0.93,
    and the gap wherever Chinese meets a figure or a Latin letter."""
    wide = [ord(c) >= 0x2E80 for c in text]
    gaps = sum(1 for a, b in zip(wide, wide[1:]) if a != b)
    return sum(1 if w else LATIN_WIDTHS.get(c, 0.6) for c, w in zip(text, wide)) + gaps * CJK_LATIN_GAP


CHINESE_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")


def column_widths(columns: list[dict], cells: list[list[str]], total_mm: float = TYPE_WIDTH_MM) -> list[float]:
    """Widths (mm) fitted to content, a Chinese character counting as wide as two digits.

    A figure, a date (2026年12月31日) or a short word (个, 下期到期) is never broken: its column is at least
    as wide as its longest cell and as half its header (a header wraps onto two lines at most, 按时/报送,
    never 按时报/送). The headers are then set on one line, the narrowest first, where the text columns
    still get their natural width: the mean of their cells, at least their longest short cell and their
    header's first word. When the texts do not fit, they share the room by their mean length (each
    keeping six characters), so a long reason gets more than a unit's name."""
    least, full, wanted, floor, mean = {}, {}, {}, {}, {}
    for index, column in enumerate(columns):
        lengths = [set_width(row[index]) for row in cells] or [0]
        longest = max(lengths)
        header = set_width(column["header"])
        two_lines = math.ceil(header / 2)
        dates = bool(cells) and all(CHINESE_DATE.fullmatch(row[index]) for row in cells)
        if column["fmt"] in NUMERIC_FORMATS or dates:
            content = longest + FIGURE_SLACK
        elif longest <= 4:
            content = longest
        else:
            mean[index] = sum(lengths) / len(lengths) or 1
            wanted[index] = max(min(mean[index] * 1.3, 30), min(longest, 6), min(header, 4), 2) + 1
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


def _cell_xml(text: str, width_twips: int, font: str, align: str | None) -> str:
    jc = f'<w:jc w:val="{align}"/>' if align else ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width_twips}"/></w:tcPr><w:p><w:pPr><w:snapToGrid w:val="0"/>'
        f"{jc}</w:pPr><w:r>{_run_properties(font, TABLE_SIZE, False, None)}"
        f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p></w:tc>'
    )


def _table(document, block, caption: bool = True) -> None:
    """A table with its head repeated on each page and its columns fitted (column_widths), written as one
    piece of XML: python-docx's cell objects cost more than the rest of the document together."""
    if caption:  # an attachment's table has the attachment's title instead
        head = _paragraph(
            document, block["title"], HEADING_FONTS[3][0], BODY_SIZE, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER
        )
        head.paragraph_format.keep_with_next = True  # a caption never stands alone at the foot of a page
    columns = block["columns"]
    cells = [[format_cell(value, column["fmt"]) for value, column in zip(row, columns)] for row in block["rows"]]
    widths = [int(Mm(w).twips) for w in column_widths(columns, cells)]
    aligns = ["right" if column["fmt"] in NUMERIC_FORMATS else None for column in columns]
    head = "".join(_cell_xml(column["header"], width, "黑体", "center") for column, width in zip(columns, widths))
    # A row is never split over two pages (w:cantSplit); the head row repeats on each page (w:tblHeader).
    body = "".join(
        "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
        + "".join(_cell_xml(text, width, BODY_FONT, align) for text, width, align in zip(row, widths, aligns))
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


def _masthead(document, content) -> None:
    frame = content.get("frame") or {}
    center = WD_ALIGN_PARAGRAPH.CENTER
    mark = frame.get("organ_mark", "")
    if mark:
        size = Pt(min(MARK_MAX_SIZE, int(TYPE_WIDTH_MM / 25.4 * 72 / max(text_width(mark), 1)) - 1))
        paragraph = _paragraph(document, mark, TITLE_FONT, size, bold=True, align=center, exact_pitch=False, color=RED)
        paragraph.paragraph_format.space_after = LINE_PITCH
    number = _paragraph(document, content["doc_number"], BODY_FONT, BODY_SIZE, align=center)
    if mark:
        # The red separator 4 mm (about 11 pt) under the number, across the whole type area.
        _border(number._p.get_or_add_pPr(), "bottom", size=12, color="FF0000", space=11)
    _paragraph(document, "", BODY_FONT, BODY_SIZE)
    _paragraph(document, content["title"], TITLE_FONT, TITLE_SIZE, bold=True, align=center, exact_pitch=False)
    if content.get("subtitle"):
        _paragraph(document, content["subtitle"], "楷体", BODY_SIZE, align=center)
    _paragraph(document, "", BODY_FONT, BODY_SIZE)
    if frame.get("main_recipients"):
        _paragraph(document, frame["main_recipients"], BODY_FONT, BODY_SIZE)
    if content.get("opening"):
        _paragraph(document, content["opening"], BODY_FONT, BODY_SIZE, indent=True)


def _signature(document, content) -> None:
    """The signature centred over the date; the date four characters in from the right (GB/T 9704 7.3.5).

    The body's last paragraph (and the 附件说明) keeps with them, so the signature never stands on a page
    of its own without text above it."""
    issued = chinese_date(date.fromisoformat(content["issued_on"]))
    right = WD_ALIGN_PARAGRAPH.RIGHT
    document.paragraphs[-1].paragraph_format.keep_with_next = True
    for _blank in range(2):
        _paragraph(document, "", BODY_FONT, BODY_SIZE).paragraph_format.keep_with_next = True
    signature = _paragraph(document, content["issuer"], BODY_FONT, BODY_SIZE, align=right)
    signature.paragraph_format.keep_with_next = True
    date_line = _paragraph(document, issued, BODY_FONT, BODY_SIZE, align=right)
    char = BODY_SIZE.pt
    date_line.paragraph_format.right_indent = Pt(4 * char)
    offset = 4 * char + (text_width(issued) - text_width(content["issuer"])) * char / 2
    signature.paragraph_format.right_indent = Pt(max(offset, 0))


IMPRINT_LINE = Pt(22)
TWIPS_PER_MM = 1440 / 25.4
TYPE_WIDTH_TWIPS = int(TYPE_WIDTH_MM * TWIPS_PER_MM)


def _imprint_lines(text: str, width_twips: int) -> int:
    per_line = max(int(width_twips / 20 / IMPRINT_SIZE.pt), 1)
    return -(-int(text_width(text) + 0.5) // per_line) or 1


def _frame(paragraph, *, top_twips: int, height_twips: int) -> None:
    """Put the paragraph in a frame as wide as the type area, `top_twips` under its top edge (w:framePr).

    Each line of the 版记 is its own frame, since LibreOffice joins framed paragraphs into one frame
    only when their borders are the same, and the lines differ (0.35 mm outside, 0.25 mm between)."""
    frame = OxmlElement("w:framePr")
    for key, value in (
        ("w:w", str(TYPE_WIDTH_TWIPS)),
        ("w:h", str(height_twips)),
        ("w:hRule", "exact"),
        ("w:vAnchor", "margin"),
        ("w:hAnchor", "margin"),
        ("w:xAlign", "center"),
        ("w:y", str(top_twips)),
    ):
        frame.set(qn(key), value)
    _insert_ordered(paragraph._p.get_or_add_pPr(), frame, PPR_ORDER)


def _right_tab(paragraph, position_twips: int) -> None:
    tabs = OxmlElement("w:tabs")
    tab = OxmlElement("w:tab")
    tab.set(qn("w:val"), "right")
    tab.set(qn("w:pos"), str(position_twips))
    tabs.append(tab)
    _insert_ordered(paragraph._p.get_or_add_pPr(), tabs, PPR_ORDER)


IMPRINT_LINE_TWIPS = int(IMPRINT_LINE.pt * 20)
IMPRINT_PAD_TWIPS = 60  # the lines' width and their one point of space


def _imprint(document, content) -> None:
    """The 版记 at the foot of the last page: 抄送, then 印发机关 with 印发日期 at the right, each between
    lines (the first and last 0.35 mm, the one between 0.25 mm), the last line on the type area's foot."""
    frame = content.get("frame") or {}
    issued = chinese_date(date.fromisoformat(content["issued_on"]))
    rows = [(f"抄送：{frame['copy_to']}", "")] if frame.get("copy_to") else []
    rows.append((frame.get("printed_by", ""), f"{issued}印发"))
    indent = int(IMPRINT_SIZE.pt * 20)
    heights = [
        _imprint_lines(left + right, TYPE_WIDTH_TWIPS - 2 * indent) * IMPRINT_LINE_TWIPS + IMPRINT_PAD_TWIPS
        for left, right in rows
    ]
    top = int(TYPE_HEIGHT_MM * TWIPS_PER_MM) - sum(heights)
    for r, ((left, right), height) in enumerate(zip(rows, heights)):
        paragraph = document.add_paragraph()
        _frame(paragraph, top_twips=top, height_twips=height)
        top += height
        _no_grid(paragraph)
        fmt = paragraph.paragraph_format
        fmt.left_indent = fmt.right_indent = Pt(IMPRINT_SIZE.pt)
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, IMPRINT_LINE
        pPr = paragraph._p.get_or_add_pPr()
        if r == 0:
            _border(pPr, "top", size=8, space=1)
        _border(pPr, "bottom", size=8 if r == len(rows) - 1 else 4, space=1)
        if right:
            _right_tab(paragraph, TYPE_WIDTH_TWIPS - indent)
            text = f"{left}\t{right}"
        else:
            text = left
        set_run_font(paragraph.add_run(text), BODY_FONT, IMPRINT_SIZE)
    # LibreOffice makes a frame of framed paragraphs only when an ordinary paragraph follows them.
    _paragraph(document, "", BODY_FONT, Pt(1), exact_pitch=False)


def _properties(document, content) -> None:
    """zh-CN as the language, and the office (not the library) as the author."""
    frame = content.get("frame") or {}
    props = document.core_properties
    props.title = content["title"]
    props.subject = content.get("doc_number", "")
    props.author = props.last_modified_by = frame.get("signature") or content.get("issuer", "")
    props.comments = props.keywords = ""
    props.language = "zh-CN"
    rpr = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        _insert_ordered(rpr, lang, RPR_ORDER)
    # Chinese text is zh-CN; the Latin slot (digits, Latin letters) is en-US, as Word sets it on a Chinese
    # system: with zh-CN there LibreOffice breaks a line inside a number ("（2" / "026年10月31日）").
    for key, value in (("w:val", "en-US"), ("w:eastAsia", "zh-CN"), ("w:bidi", "ar-SA")):
        lang.set(qn(key), value)


def _annex_note(document, lines: list[str]) -> None:
    """附件说明 (GB/T 9704 7.3.4): a line under the body, two characters in, "附件：1．……", each further
    name under the first."""
    char = BODY_SIZE.pt
    document.paragraphs[-1].paragraph_format.keep_with_next = True  # the body's last words go with the note
    for n, line in enumerate(lines):
        paragraph = _paragraph(document, ("附件：" if n == 0 else "") + line, BODY_FONT, BODY_SIZE)
        paragraph.paragraph_format.keep_with_next = True  # with the signature that follows
        paragraph.paragraph_format.left_indent = Pt(2 * char if n == 0 else 5 * char)
        if n == 0:
            paragraph.paragraph_format.space_before = LINE_PITCH


def _annex_head(document, block) -> None:
    """An attachment starts a page: 附件1 in 黑体 at the top left, its title centred as the document's."""
    mark = _paragraph(document, block["text"], HEADING_FONTS[1][0], BODY_SIZE)
    mark.paragraph_format.page_break_before = True
    mark.paragraph_format.keep_with_next = True
    title = _paragraph(
        document, block["title"], TITLE_FONT, TITLE_SIZE, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, exact_pitch=False
    )
    title.paragraph_format.space_before = title.paragraph_format.space_after = LINE_PITCH
    title.paragraph_format.keep_with_next = True


def _block(document, block, before_table: bool = False) -> None:
    if block["type"] == "heading":
        font, bold = HEADING_FONTS[block["level"]]
        heading = _paragraph(document, block["text"], font, BODY_SIZE, bold=bold, indent=True)
        heading.paragraph_format.keep_with_next = True  # never left alone at the foot of a page
    elif block["type"] == "paragraph":
        paragraph = _paragraph(document, block["text"], BODY_FONT, BODY_SIZE, indent=True)
        # The sentence that introduces a table ("黄灯指标共9个。") stays on the page of the table's head.
        paragraph.paragraph_format.keep_with_next = before_table
    elif block["type"] == "annex_note":
        _annex_note(document, block["lines"])
    elif block["type"] == "annex":
        _annex_head(document, block)
    else:
        _table(document, block, caption="annex" not in block)


def write_docx(content: dict) -> bytes:
    document = Document()
    _page_setup(document)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    # The grid declares 22 × 28 for Word's page setup; paragraphs keep off it and meet it through
    # the exact line pitch and the condensed characters, since LibreOffice pads Latin runs
    # ("2026年") to whole grid cells.
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    _insert_ordered(normal.element.get_or_add_pPr(), snap, PPR_ORDER)
    _properties(document, content)
    _masthead(document, content)
    blocks = content["blocks"]
    # The attachments (附件) follow the signature, each from a new page; the 附件说明 closes the body.
    first_annex = next((i for i, b in enumerate(blocks) if b["type"] == "annex"), len(blocks))
    follows = [b["type"] for b in blocks[1:]] + [None]
    for block, after in zip(blocks[:first_annex], follows):
        _block(document, block, before_table=after == "table")
    _signature(document, content)
    for block in blocks[first_annex:]:
        _block(document, block)
    if content.get("frame"):
        _imprint(document, content)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
