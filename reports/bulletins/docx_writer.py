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

import re
from datetime import date
from io import BytesIO

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from core.docx import (
    PPR_ORDER,
    RPR_ORDER,
    TYPE_WIDTH_MM,
    TableColumn,
    add_table,
    column_widths,
    insert_ordered,
    no_grid,
    page_number_footer,
    set_language,
    set_run_font,
)

from .document import NUMERIC_FORMATS, chinese_date, format_cell

TITLE_FONT, BODY_FONT = "宋体", "仿宋"
HEADING_FONTS = {1: ("黑体", False), 2: ("楷体", False), 3: ("仿宋", True)}
TITLE_SIZE, BODY_SIZE, IMPRINT_SIZE = Pt(22), Pt(16), Pt(14)
RED = RGBColor(0xFF, 0x00, 0x00)
TYPE_HEIGHT_MM = 225
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


def _no_grid(paragraph) -> None:
    """Keep a paragraph off the character grid (tables, the mark, the title): laid out by its own font."""
    no_grid(paragraph._p.get_or_add_pPr())


def _condense(run) -> None:
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(CONDENSE_TWIPS))
    insert_ordered(run._element.get_or_add_rPr(), spacing, RPR_ORDER)


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
        insert_ordered(element, container, PPR_ORDER)
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
    page_number_footer(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    page_number_footer(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)


def text_width(text: str) -> float:
    """Width in characters of the body font: a Chinese character is one, a digit or Latin letter half."""
    return sum(0.5 if ord(c) < 0x2E80 else 1 for c in text)


def _table(document, block, caption: bool = True, last_rows_over: int = 0) -> None:
    """A table with its head repeated on each page and its columns fitted (core.docx.add_table).

    `last_rows_over` > 0 starts a new page before the table's last rows (the head repeated over them, the
    widths those of the whole table): the PDF's second render when the first left the 版记 after the last
    attachment's table alone on a page (reports.bulletins.pdf)."""
    if caption:  # an attachment's table has the attachment's title instead
        head = _paragraph(
            document, block["title"], HEADING_FONTS[3][0], BODY_SIZE, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER
        )
        head.paragraph_format.keep_with_next = True  # a caption never stands alone at the foot of a page
    columns = table_columns(block["columns"])
    cells = [
        [format_cell(value, column["fmt"]) for value, column in zip(row, block["columns"])] for row in block["rows"]
    ]
    over = min(last_rows_over, len(cells) - 1)
    if over <= 0:
        add_table(document, columns, cells)
        return
    widths = column_widths(columns, cells)
    add_table(document, columns, cells[:-over], widths_mm=widths)
    # A paragraph of one point that starts the page: the rest of the table goes on under its repeated head.
    page = _paragraph(document, "", BODY_FONT, Pt(1), exact_pitch=False)
    page.paragraph_format.page_break_before = True
    page.paragraph_format.line_spacing_rule, page.paragraph_format.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(1)
    add_table(document, columns, cells[-over:], widths_mm=widths)


def table_columns(columns: list[dict]) -> list[TableColumn]:
    """A report table's columns as core.docx measures them: a figure is any of the numeric formats."""
    return [TableColumn(column["header"], numeric=column["fmt"] in NUMERIC_FORMATS) for column in columns]


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


def _imprint_per_line(width_twips: int) -> int:
    return max(int(width_twips / 20 / IMPRINT_SIZE.pt), 1)


def _imprint_lines(text: str, width_twips: int) -> int:
    return -(-int(text_width(text) + 0.5) // _imprint_per_line(width_twips)) or 1


COPY_TO_LEAD = "抄送："
_ORGANS = re.compile(r"[^，、,；;]+(?:[，、,；;。]+|$)")


def copy_to_lines(copy_to: str, per_line: int) -> list[str]:
    """The 抄送 line broken between organs, never inside one's name (县政府督查/室。): each line holds the
    whole names that fit, the lines after the first under the first name (they start after 抄送：)."""
    lines, line = [], COPY_TO_LEAD
    for organ in _ORGANS.findall(copy_to.strip()):
        room = per_line - (0 if not lines else len(COPY_TO_LEAD))
        if line.strip() and line != COPY_TO_LEAD and text_width(line + organ) > room:
            lines.append(line)
            line = ""
        line += organ
    return [*lines, line]


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
    insert_ordered(paragraph._p.get_or_add_pPr(), frame, PPR_ORDER)


def _right_tab(paragraph, position_twips: int) -> None:
    tabs = OxmlElement("w:tabs")
    tab = OxmlElement("w:tab")
    tab.set(qn("w:val"), "right")
    tab.set(qn("w:pos"), str(position_twips))
    tabs.append(tab)
    insert_ordered(paragraph._p.get_or_add_pPr(), tabs, PPR_ORDER)


IMPRINT_LINE_TWIPS = int(IMPRINT_LINE.pt * 20)
IMPRINT_PAD_TWIPS = 60  # the lines' width and their one point of space


def _keep_end_with_imprint(document) -> None:
    """The body's last lines go with the 版记 when the body ends with the date under the signature (which the
    signature and the body's last paragraph keep with): a body that ends in the 版记's place at a page's
    foot carries them over with it, instead of leaving the 版记 alone on a page of its own.

    An attachment's table is left as it is: LibreOffice keeps a table with what follows by moving the whole
    of its part on that page, which empties the page before and still fails when the part is long."""
    last = document.element.body[-2]  # the element before the section's properties
    if last.tag == qn("w:p"):
        insert_ordered(last.get_or_add_pPr(), OxmlElement("w:keepNext"), PPR_ORDER)


def _imprint(document, content) -> None:
    """The 版记 at the foot of the last page: 抄送, then 印发机关 with 印发日期 at the right, each between
    lines (the first and last 0.35 mm, the one between 0.25 mm), the last line on the type area's foot."""
    frame = content.get("frame") or {}
    issued = chinese_date(date.fromisoformat(content["issued_on"]))
    _keep_end_with_imprint(document)
    indent = int(IMPRINT_SIZE.pt * 20)
    per_line = _imprint_per_line(TYPE_WIDTH_TWIPS - 2 * indent)
    rows = [("\n".join(copy_to_lines(frame["copy_to"], per_line)), "")] if frame.get("copy_to") else []
    rows.append((frame.get("printed_by", ""), f"{issued}印发"))
    heights = [
        (len(left.split("\n")) if not right else _imprint_lines(left + right, TYPE_WIDTH_TWIPS - 2 * indent))
        * IMPRINT_LINE_TWIPS
        + IMPRINT_PAD_TWIPS
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
        if not right and "\n" in left:  # 抄送 wraps under the first name, after the colon (GB/T 9704 7.4.2)
            fmt.left_indent = Pt(IMPRINT_SIZE.pt * (1 + len(COPY_TO_LEAD)))
            fmt.first_line_indent = Pt(-IMPRINT_SIZE.pt * len(COPY_TO_LEAD))
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, IMPRINT_LINE
        fmt.keep_with_next = True  # with the paragraph LibreOffice anchors the frames to
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
    set_language(
        document,
        author=frame.get("signature") or content.get("issuer", ""),
        title=content["title"],
        subject=content.get("doc_number", ""),
    )


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


def _block(document, block, before_table: bool = False, last_rows_over: int = 0) -> None:
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
        _table(document, block, caption="annex" not in block, last_rows_over=last_rows_over)


def write_docx(content: dict, *, last_rows_over: int = 0) -> bytes:
    """The report as a .docx. `last_rows_over` (the PDF's second render only) puts that many of the last
    attachment's last rows on a page of their own, with the 版记 under them."""
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
    insert_ordered(normal.element.get_or_add_pPr(), snap, PPR_ORDER)
    _properties(document, content)
    _masthead(document, content)
    blocks = content["blocks"]
    # The attachments (附件) follow the signature, each from a new page; the 附件说明 closes the body.
    first_annex = next((i for i, b in enumerate(blocks) if b["type"] == "annex"), len(blocks))
    follows = [b["type"] for b in blocks[1:]] + [None]
    for block, after in zip(blocks[:first_annex], follows):
        _block(document, block, before_table=after == "table")
    _signature(document, content)
    annexed = blocks[first_annex:]
    for n, block in enumerate(annexed):
        _block(document, block, last_rows_over=last_rows_over if n == len(annexed) - 1 else 0)
    if content.get("frame"):
        _imprint(document, content)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
