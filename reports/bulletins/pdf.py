"""A report's .docx as PDF, rendered by LibreOffice (`soffice`) where it is installed.

Offices forward PDF. The worker image installs LibreOffice and fonts-noto-cjk; `fonts/fonts.conf`
binds the fonts the .docx names (宋体, 仿宋, 楷体, 黑体) to the Noto CJK SC faces, so the PDF
shows Chinese faces rather than a fallback. Each conversion runs in its own LibreOffice profile, so
two workers converting at once do not lock each other out.
"""

import os
import shutil
import subprocess
import tempfile
from io import BytesIO
from pathlib import Path

FONTS_CONF = Path(__file__).with_name("fonts") / "fonts.conf"
TIMEOUT_SECONDS = 180


class PdfUnavailable(RuntimeError):
    """LibreOffice is not installed here, or it made no PDF."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes) -> bytes:
    program = soffice()
    if program is None:
        raise PdfUnavailable("soffice is not installed")
    with tempfile.TemporaryDirectory(prefix="report-pdf-") as folder:
        work = Path(folder)
        (work / "report.docx").write_bytes(docx)
        env = {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF), "HOME": folder}
        command = [
            program,
            f"-env:UserInstallation=file://{work / 'profile'}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            folder,
            str(work / "report.docx"),
        ]
        done = subprocess.run(command, env=env, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
        pdf = work / "report.pdf"
        if not pdf.exists():
            raise PdfUnavailable(f"soffice made no PDF (exit {done.returncode}): {done.stderr.decode()[-500:]}")
        return pdf.read_bytes()


# The type area on the page, in PDF points from the top: 37 mm down, 225 mm high (docx_writer).
TYPE_TOP_PT = 37 / 25.4 * 72
TYPE_FOOT_PT = (37 + 225) / 25.4 * 72
IMPRINT_PT = 14  # the 版记's size; the tables are set in 12 pt, the body in 16


def last_page_fault(pdf: bytes, head: str) -> str:
    """What is wrong with the last page of a report ending in an attachment's table, as LibreOffice laid it
    out: "alone" when the 版记 stands there without a line of the table above it, "headless" when the
    table goes on there without its head (LibreOffice moved the rows it would have set over the 版记's place
    to that page, below the head's repetition); "" when the page starts with the attachment or the head."""
    import pdfplumber

    with pdfplumber.open(BytesIO(pdf)) as document:
        if len(document.pages) < 2:
            return ""
        chars = [
            c
            for c in document.pages[-1].chars
            if c["text"].strip() and c["top"] > TYPE_TOP_PT - 3 and c["bottom"] < TYPE_FOOT_PT + 3
        ]
    body = [c for c in chars if abs(c["size"] - IMPRINT_PT) > 0.6]
    if not body:
        return "alone"
    top = min(c["top"] for c in body)
    first = "".join(c["text"] for c in sorted((c for c in body if c["top"] < top + 4), key=lambda c: c["x0"]))
    return "" if first.startswith(("附件", head)) else "headless"


def report_pdf(docx: bytes, content: dict) -> bytes:
    """The report's PDF: its .docx rendered, and rendered again with the last attachment's last row (then two)
    on a page of their own under the table's head when the first render left the 版记 alone on its last page
    or the table's end there without its head (last_page_fault). The .docx itself stays as it was made: Word
    and WPS set the table on their own pages."""
    from .docx_writer import write_docx

    rendered = docx_to_pdf(docx)
    blocks = content.get("blocks") or []
    last = blocks[-1] if blocks else None
    if not (content.get("frame") and last and last["type"] == "table" and "annex" in last and len(last["rows"]) > 1):
        return rendered
    head = last["columns"][0]["header"]
    for over in (1, 2):
        if not last_page_fault(rendered, head):
            break
        rendered = docx_to_pdf(write_docx(content, last_rows_over=over))
    return rendered
