"""Every plan file an office holds, read into a table (grid) or lines of text, after the upload checks.

* .xlsx / .docx / .pdf / .doc / .xls go through :func:`core.uploads.check_upload` (the bytes must be what
  the name says; size, zip and XML bombs, macros, embedded files); .wps and .et are checked as the
  .doc / .xls they are inside;
  a .docx gives its responsibility table when it has one, and its paragraphs always (for the head);
* .txt: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030 (what Chinese Windows saves);
* .html / .htm saved from a government portal: parsed with lxml (no network, no entities), scripts,
  styles, navigation, headers and footers dropped; a table with a header row is read as the grid;
* .pdf with a text layer, through pdfplumber; lines wrapped by the page are joined again;
* .doc / .wps / .xls / .et are converted by LibreOffice (``soffice --headless --convert-to``) into
  .docx / .xlsx, which then pass the same checks; without LibreOffice the person is told to save the
  file as .docx or .xlsx.

Every refusal is :class:`~core.uploads.UnsafeFile` (or ``UnreadableFile``) with a plain sentence.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.utils.translation import gettext as _

from core.uploads import MACRO_SUFFIXES, UnreadableFile, UnsafeFile, check_upload, max_upload_bytes, open_document

from . import table, text_table

TEXT_SUFFIXES = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html", ".shtml": "html", ".pdf": "pdf"}
CONVERTED = {".doc": "docx", ".wps": "docx", ".xls": "xlsx", ".et": "xlsx"}
OLE_AS = {".doc": "doc", ".wps": "doc", ".xls": "xls", ".et": "xls"}  # the checks of core.uploads that apply
OFFICE = {".xlsx": "xlsx", ".docx": "docx"}
ACCEPT = sorted({*TEXT_SUFFIXES, *CONVERTED, *OFFICE})
CONVERT_SECONDS = 90
MAX_PDF_PAGES = 300
DROPPED_TAGS = (
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "iframe",
    "form",
    "select",
    "button",
    "aside",
    "object",
    "embed",
    "svg",
    "template",
)
CHROME = re.compile(
    r"(?:^|[\s_-])(?:nav|menu|footer|header|breadcrumb|crumb|share|toolbar|sidebar|top|bottom|"
    r"banner|link|search|login)(?:$|[\s_-])",
    re.I,
)
BLOCK_TAGS = (
    "p",
    "div",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "tr",
    "table",
    "section",
    "article",
    "center",
    "blockquote",
    "pre",
    "dd",
    "dt",
)


@dataclass
class PlanFile:
    """What the upload holds: its lines of text, and the responsibility table when there is one."""

    name: str
    kind: str
    lines: list[str] = field(default_factory=list)
    grid: list[list[str]] | None = None
    table_line: int | None = None  # the grid was read from the text, its header on this line (0-based)

    def with_text_table(self) -> "PlanFile":
        """A text without a table grid whose lines hold one cell per line (a table copied as text) gets it."""
        if self.grid is None and self.lines:
            found = text_table.grid_from_lines(self.lines)
            if found is not None:
                self.grid, self.table_line = found
        return self


def suffix_of(name: str) -> str:
    return PurePosixPath((name or "").lower()).suffix


def read_plan_file(upload) -> PlanFile:
    """Check the upload and read it (see the module docstring); raises UnsafeFile with a plain message."""
    name = getattr(upload, "name", "") or "upload"
    suffix = suffix_of(name)
    if suffix not in ACCEPT and suffix not in MACRO_SUFFIXES:
        raise UnreadableFile(
            _("Expected a plan or table file (%(expected)s), got “%(name)s”.")
            % {"expected": " ".join(ACCEPT), "name": name}
        )
    if suffix in OFFICE or suffix in MACRO_SUFFIXES:
        safe = check_upload(upload, kinds=("xlsx", "docx"), name=name)  # refuses macros, bombs, damage
        return _from_office(name, safe.kind, safe)
    if suffix in CONVERTED:
        kind = OLE_AS[suffix]
        safe = check_upload(upload, kinds=(kind,), name=str(PurePosixPath(name).with_suffix("." + kind)))
        return _converted(name, suffix, safe.data)
    if suffix == ".pdf":
        return _from_pdf(name, check_upload(upload, kinds=("pdf",), name=name).data).with_text_table()
    data = _read_capped(upload)
    if not data.strip():
        raise UnreadableFile(_("%(name)s is empty.") % {"name": name})
    return (_from_txt if TEXT_SUFFIXES[suffix] == "txt" else _from_html)(name, data).with_text_table()


def _read_capped(upload) -> bytes:
    limit = max_upload_bytes()
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise UnsafeFile(
            _("The file is larger than %(size)s MB; split it or remove pictures and try again.")
            % {"size": round(limit / 1024 / 1024, 1)}
        )
    return data


def _from_office(name: str, kind: str, safe) -> PlanFile:
    if kind == "xlsx":
        return PlanFile(name=name, kind=kind, grid=table.grid_from_xlsx(safe))
    document = open_document(safe)
    lines = [p.text for p in document.paragraphs]
    found = table.docx_table(document)
    grid = None
    if found is not None:
        title = table._docx_title(document, found)
        grid = ([[title]] if title else []) + table.grid_from_docx_table(found)
    return PlanFile(name=name, kind=kind, lines=lines, grid=grid).with_text_table()


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM or not), UTF-16 with a BOM, else GB18030; binary data is refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise UnreadableFile(_("The file is not plain text; save the plan as .txt, .docx or .pdf and upload it again."))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(_("The text file is neither UTF-8 nor GB18030; save it again as UTF-8 and upload it."))


def _from_txt(name: str, data: bytes) -> PlanFile:
    return PlanFile(name=name, kind="txt", lines=decode_text(data).splitlines())


def _html_text(data: bytes) -> str:
    match = re.search(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_-]+)", data[:4096], re.I)
    if match:
        try:
            return data.decode(match.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data)


def _from_html(name: str, data: bytes) -> PlanFile:
    import lxml.html
    from lxml import etree

    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, encoding="utf-8")
    try:
        root = lxml.html.document_fromstring(_html_text(data).encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise UnreadableFile(
            _("The web page could not be read; save it again as a complete web page or as text.")
        ) from exc
    _drop_chrome(root)
    grid, found = _html_grid(root)
    if found is not None and found.getparent() is not None:
        found.drop_tree()  # the table is read as the grid; the lines are the text around it
    for element in root.iter(*BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
    for cell in root.iter("td", "th"):
        cell.tail = " | " + (cell.tail or "")
    lines = [line.strip() for line in root.text_content().splitlines()]
    return PlanFile(name=name, kind="html", lines=[line for line in lines if line], grid=grid)


def _drop_chrome(root) -> None:
    """Scripts, styles and the portal's navigation, header and footer are not the plan."""
    for element in list(root.iter(*DROPPED_TAGS)):
        element.drop_tree()
    for element in list(root.iter("div", "ul", "section", "span", "p")):
        marks = f"{element.get('id', '')} {element.get('class', '')}"
        if CHROME.search(marks) and element.getparent() is not None:
            element.drop_tree()


def _html_grid(root) -> tuple[list[list[str]] | None, object | None]:
    """The page's largest table that has a responsibility table's header, rowspan/colspan copied out; and the
    table element it was read from."""
    for element in sorted(root.iter("table"), key=lambda t: -len(t.findall(".//tr"))):
        grid = _table_cells(element)
        try:
            table.find_columns(grid)
        except UnreadableFile:
            continue
        return grid, element
    return None, None


def _table_cells(element) -> list[list[str]]:
    grid: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}  # (row, col) → text of a cell spanning down into it
    for r, row in enumerate(element.iter("tr")):
        cells, col = [], 0
        for cell in row.iter("td", "th"):
            while (r, col) in pending:
                cells.append(pending.pop((r, col)))
                col += 1
            text = "\n".join(t.strip() for t in cell.itertext() if t.strip())
            span, down = _span(cell, "colspan"), _span(cell, "rowspan")
            for c in range(col, col + span):
                cells.append(text)
                for below in range(r + 1, r + down):
                    pending[(below, c)] = text
            col += span
        while (r, col) in pending:
            cells.append(pending.pop((r, col)))
            col += 1
        grid.append(cells)
    return grid


def _span(cell, attribute: str) -> int:
    value = (cell.get(attribute) or "1").strip()
    return min(int(value), 50) if value.isdigit() and int(value) > 0 else 1


def _from_pdf(name: str, data: bytes) -> PlanFile:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > MAX_PDF_PAGES:
                raise UnsafeFile(
                    _("The PDF has more than %(pages)s pages; upload the plan alone.") % {"pages": MAX_PDF_PAGES}
                )
            pages = [page.extract_text() or "" for page in pdf.pages]
    except UnsafeFile:
        raise
    except PDFPasswordIncorrect as exc:
        raise UnreadableFile(_("The PDF is protected by a password; upload a copy without one.")) from exc
    except Exception as exc:  # pdfminer raises its own errors (PSEOF, PDFSyntaxError …) for every kind of damage
        raise UnreadableFile(
            _("The PDF could not be read: it is damaged. Save it again and upload the new copy.")
        ) from exc
    if not "".join(pages).strip():
        raise UnreadableFile(
            _(
                "The PDF holds no text, only pictures (a scan); upload the plan as .docx, .txt or a "
                "PDF saved from the document itself."
            )
        )
    return PlanFile(name=name, kind="pdf", lines=unwrap(line for page in pages for line in page.splitlines()))


PAGE_NUMBER = re.compile(r"^[-—–\s]*\d{1,3}[-—–\s]*$")
ENDS_SENTENCE = ("。", ":", "：", ";", "；", "!", "！", "?", "？")


def unwrap(lines) -> list[str]:
    """Join the lines a PDF page wrapped: a line continues the one before unless that one ended a sentence,
    was short (a heading, a paragraph's last line) or this one starts a numbered heading."""
    from .prose import _mark
    from .units import normalise

    lines = [line.strip() for line in lines if line.strip() and not PAGE_NUMBER.match(line)]
    width = max((len(line) for line in lines), default=0)
    joined: list[str] = []
    for line in lines:
        previous = joined[-1] if joined else ""
        if (
            previous
            and not previous.endswith(ENDS_SENTENCE)
            and len(previous) >= width * 0.85
            and not _mark(normalise(line))
        ):
            joined[-1] = previous + line
        else:
            joined.append(line)
    return joined


def _converted(name: str, suffix: str, data: bytes) -> PlanFile:
    """An old Word/WPS/Excel file, converted by LibreOffice in a private folder, then checked like any other."""
    target = CONVERTED[suffix]
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise UnreadableFile(
            _(
                "%(suffix)s files cannot be read on this server (LibreOffice is not installed); "
                "open the file in WPS or Word, save it as %(new)s and upload that."
            )
            % {"suffix": suffix, "new": "." + target}
        )
    with tempfile.TemporaryDirectory(prefix="plan-import-") as folder:
        source = Path(folder) / f"upload{suffix}"
        source.write_bytes(data)
        try:
            subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation=file://{folder}/profile",
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    target,
                    "--outdir",
                    folder,
                    str(source),
                ],
                capture_output=True,
                timeout=CONVERT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise UnreadableFile(
                _("The file took too long to convert; save it as %(new)s and upload that.") % {"new": "." + target}
            ) from exc
        converted = Path(folder) / f"upload.{target}"
        if not converted.exists():
            raise UnreadableFile(
                _("The file could not be converted: it is damaged or not a real %(suffix)s file.") % {"suffix": suffix}
            )
        safe = check_upload(io.BytesIO(converted.read_bytes()), kinds=(target,), name=f"upload.{target}")
    return _from_office(name, target, safe)
