"""The last page of a report that ends in an attachment's table, as LibreOffice renders the PDF: the 版记 never
stands there alone, and the table never goes on there without its head (reports.bulletins.pdf.report_pdf)."""

import hashlib
import re
import shutil
import zipfile
from datetime import date
from io import BytesIO

import pdfplumber
import pytest
from django.utils import translation

from reports.bulletins import pdf as bulletin_pdf
from reports.bulletins.document import AMOUNT, Column, DocumentBuilder
from reports.bulletins.docx_writer import write_docx
from reports.bulletins.pdf import TYPE_FOOT_PT, docx_to_pdf, last_page_fault, report_pdf

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")

FRAME = {
    "organ_mark": "测试区人民政府办公室",
    "main_recipients": "各乡镇人民政府，区政府直属各单位：",
    "signature": "测试区人民政府办公室",
    "copy_to": "区委办公室，区人大常委会办公室，区政协办公室。",
    "printed_by": "测试区人民政府办公室",
}
COLUMNS = [Column("指标"), Column("任务"), Column("牵头单位"), Column("落后百分点", AMOUNT), Column("原因")]
ROW = re.compile(r"测试指标(\d+)")


def _content(rows: int) -> dict:
    doc = DocumentBuilder(
        title="测试区乡村振兴目标任务推进情况通报",
        doc_number="测政办督〔2026〕1号",
        issuer=FRAME["signature"],
        issued_on=date(2026, 12, 5),
        frame=FRAME,
        opening="为压实工作责任，现将推进情况通报如下：",
    )
    doc.heading(1, "红灯指标")
    doc.paragraph("红灯指标全部列于附件1。")
    table = [[f"测试指标{i}", "示例任务", "区农业农村局", "10.00", "序时进度应达75.6%"] for i in range(1, rows + 1)]
    doc.annex("红灯指标清单", COLUMNS, table, key="flagged_red")
    return doc.as_dict()


_PDFS: dict[bytes, bytes] = {}


def _pdf_once(docx: bytes) -> bytes:
    """LibreOffice's PDF of a .docx, rendered once in this module: report_pdf's first render of a document is
    of the very document the test has just rendered unfixed (write_docx writes the same parts for the same
    content; only the zip's timestamps differ)."""
    with zipfile.ZipFile(BytesIO(docx)) as parts:
        key = hashlib.sha256(b"".join(info.filename.encode() + b"\0" + parts.read(info) for info in parts.infolist()))
    key = key.digest()
    if key not in _PDFS:
        _PDFS[key] = docx_to_pdf(docx)
    return _PDFS[key]


@pytest.fixture(autouse=True)
def _each_docx_rendered_once(monkeypatch):
    monkeypatch.setattr(bulletin_pdf, "docx_to_pdf", _pdf_once)


def _render(content: dict, fixed: bool) -> bytes:
    with translation.override("zh-hans"):
        docx = write_docx(content)
        return report_pdf(docx, content) if fixed else _pdf_once(docx)


def _rows_per_page(pdf: bytes) -> list[list[int]]:
    with pdfplumber.open(BytesIO(pdf)) as document:
        return [[int(n) for n in ROW.findall(page.extract_text() or "")] for page in document.pages]


def _last_page(pdf: bytes) -> tuple[str, list]:
    with pdfplumber.open(BytesIO(pdf)) as document:
        page = document.pages[-1]
        return (page.extract_text() or "").replace(" ", ""), [c for c in page.chars if c["text"].strip()]


def _check_fixed(content: dict, rows: int) -> None:
    pdf = _render(content, fixed=True)
    assert last_page_fault(pdf, "指标") == ""
    listed = [n for page in _rows_per_page(pdf) for n in page]
    assert listed == list(range(1, rows + 1))  # every row once, in order
    text, chars = _last_page(pdf)
    assert text.startswith("指标任务牵头单位") and f"测试指标{rows}" in text  # the head over the last row
    assert "抄送：区委办公室" in text and "2026年12月5日印发" in text
    imprint = [c for c in chars if abs(c["size"] - 14) < 0.6 and c["bottom"] < TYPE_FOOT_PT + 3]
    table = [c for c in chars if abs(c["size"] - 12) < 0.6]
    assert abs(max(c["bottom"] for c in imprint) - TYPE_FOOT_PT) < 12  # on the foot of the type area
    assert max(c["bottom"] for c in table) < min(c["top"] for c in imprint)


def test_the_last_rows_go_over_with_the_imprint_when_the_table_would_leave_it_alone_or_lose_its_head():
    # One render measures the rows that fit the attachment's first page and a whole page after it.
    pages = [rows for rows in _rows_per_page(_render(_content(80), fixed=False)) if rows]
    first, whole = len(pages[0]), len(pages[1])
    # A table filling its second page to the foot leaves no room for the 版记, which stands alone on a page of
    # its own.
    rows = first + whole
    assert last_page_fault(_render(_content(rows), fixed=False), "指标") == "alone"
    _check_fixed(_content(rows), rows)
    # A row or so fewer reach into the 版记's place, and LibreOffice moves the rows of that page to the next
    # one without their head (how many rows fewer depends on the faces' metrics: the first that does).
    for fewer in (1, 2, 3):
        if last_page_fault(_render(_content(rows - fewer), fixed=False), "指标") == "headless":
            break
    else:
        pytest.fail("no table of a few rows fewer reached into the 版记's place")
    _check_fixed(_content(rows - fewer), rows - fewer)


def test_a_table_that_ends_with_room_for_the_imprint_is_rendered_as_it_is():
    pdf = _render(_content(5), fixed=True)
    text, _chars = _last_page(pdf)
    assert last_page_fault(pdf, "指标") == "" and len(_rows_per_page(pdf)) == 2
    assert text.startswith("附件1") and "测试指标5" in text and "2026年12月5日印发" in text
