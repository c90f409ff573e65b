"""A report document as a .docx laid out per GB/T 9704-2012 (DOMAIN.md "The official document layout").

A4; margins top 37, bottom 35, left 28, right 26 mm; title 22 pt in 宋体 bold (小标宋 is not on a
stock Windows or WPS install, and the standard names 宋体 bold as its stand-in); body 16 pt 仿宋;
headings 一、黑体, (一)楷体, 1. 仿宋 bold; page numbers "— 1 —" in 14 pt 宋体 at the foot. Word
and WPS take the Chinese font from the East Asian slot of each run (w:eastAsia), so every run sets it.
"""
from datetime import date
from io import BytesIO

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .document import NUMERIC_FORMATS, chinese_date, format_cell

TITLE_FONT, BODY_FONT, PAGE_NUMBER_FONT = "宋体", "仿宋", "宋体"
HEADING_FONTS = {1: ("黑体", False), 2: ("楷体", False), 3: ("仿宋", True)}
TITLE_SIZE, BODY_SIZE, TABLE_SIZE, PAGE_NUMBER_SIZE = Pt(22), Pt(16), Pt(12), Pt(14)
# 22 lines on a 225 mm type area: 225 mm / 22 ≈ 28.9 pt a line.
LINE_PITCH = Pt(28.9)
MARGINS_MM = {"top_margin": 37, "bottom_margin": 35, "left_margin": 28, "right_margin": 26}


def set_run_font(run, name: str, size, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), name)


def _paragraph(container, text, font, size, bold=False, align=None, indent=False, exact_pitch=True):
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    if exact_pitch:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE_PITCH
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size.pt * 2)
    if align is not None:
        paragraph.alignment = align
    set_run_font(paragraph.add_run(text), font, size, bold)
    return paragraph


def _page_setup(document) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    for attribute, mm in MARGINS_MM.items():
        setattr(section, attribute, Mm(mm))
    section.footer_distance = Mm(20)
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
    run = paragraph.add_run()
    set_run_font(run, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
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


def _table(document, block) -> None:
    _paragraph(document, block["title"], HEADING_FONTS[3][0], BODY_SIZE, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    columns = block["columns"]
    grid = document.add_table(rows=1 + len(block["rows"]), cols=len(columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for index, column in enumerate(columns):
        cell = grid.rows[0].cells[index]
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        set_run_font(cell.paragraphs[0].add_run(column["header"]), "黑体", TABLE_SIZE)
    for r, row in enumerate(block["rows"], start=1):
        cells = grid.rows[r].cells
        for index, column in enumerate(columns):
            paragraph = cells[index].paragraphs[0]
            if column["fmt"] in NUMERIC_FORMATS:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            set_run_font(paragraph.add_run(format_cell(row[index], column["fmt"])), BODY_FONT, TABLE_SIZE)


def write_docx(content: dict) -> bytes:
    document = Document()
    _page_setup(document)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(document, content["doc_number"], BODY_FONT, BODY_SIZE, align=center)
    _paragraph(document, content["title"], TITLE_FONT, TITLE_SIZE, bold=True, align=center, exact_pitch=False)
    if content.get("subtitle"):
        _paragraph(document, content["subtitle"], "楷体", BODY_SIZE, align=center)
    for block in content["blocks"]:
        if block["type"] == "heading":
            font, bold = HEADING_FONTS[block["level"]]
            _paragraph(document, block["text"], font, BODY_SIZE, bold=bold, indent=True)
        elif block["type"] == "paragraph":
            _paragraph(document, block["text"], BODY_FONT, BODY_SIZE, indent=True)
        else:
            _table(document, block)
    right = WD_ALIGN_PARAGRAPH.RIGHT
    _paragraph(document, content["issuer"], BODY_FONT, BODY_SIZE, align=right)
    issued_on = date.fromisoformat(content["issued_on"])
    _paragraph(document, chinese_date(issued_on), BODY_FONT, BODY_SIZE, align=right)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
