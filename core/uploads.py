"""The one door every uploaded file comes through: plan import, progress workbook, village income
and region tables, evidence photos and documents.

What a file is comes from its bytes, never its name; the name must then agree. Each family has
its own attacks, refused here before any parser or person sees the file:

- Office Open XML (.xlsx/.docx) is a zip of XML parts: a zip bomb (a few kilobytes that inflate to
  gigabytes) and an XML bomb or external entity ("billion laughs", XXE). The central directory is
  read first (entry count, declared sizes, compression ratio, at no decompression cost); then every
  part is inflated in small chunks and counted, never stored, so headers that lie are caught as soon
  as the cap is passed. No part may declare a DOCTYPE or ENTITY (Office never writes one), and the
  package's own XML is parsed with defusedxml. Macros (vbaProject.bin, macro-enabled content types,
  Excel 4 macro sheets) and external templates or objects are refused.
- OLE2 compound files (.xls/.doc) are accepted only when clean: read with olefile, refused if they
  hold a VBA project, an Excel 4 macro sheet, a packaged (embedded) file or an encrypted package.
- PDF is recognised by its signature, then refused when it carries active content: JavaScript, a
  Launch action, additional actions (/AA), an open action that is more than a page to show, embedded
  files or rich media. Names are read with their #xx escapes undone, and the dictionaries packed in
  compressed object streams are inflated (bounded) and read too, so neither hides a key.
- JPEG and PNG are recognised by their signature; CSV is text with no binary signature.

A refusal is :class:`UnsafeFile` (or :class:`UnreadableFile` for damage) whose ``str()`` is a plain
sentence for the person who sent the file. Readers then open the vetted bytes: :func:`read_rows`
(python-calamine, values only), :func:`open_workbook` (openpyxl), :func:`open_document` (python-docx).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.utils.translation import gettext as _

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CHUNK = 64 * 1024
PROLOG_LIMIT = 64 * 1024
ROOT_ELEMENT = re.compile(rb"<[A-Za-z_]")
FORBIDDEN_PROLOG = (b"<!DOCTYPE", b"<!ENTITY")
MACRO_SUFFIXES = {".xlsm", ".xltm", ".xlam", ".xlsb", ".docm", ".dotm", ".pptm"}
LEGACY_SUFFIXES = {".xls": ".xlsx", ".doc": ".docx"}

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLS, DOC = "application/vnd.ms-excel", "application/msword"
PDF, JPEG, PNG, CSV = "application/pdf", "image/jpeg", "image/png", "text/csv"

# kind: (suffixes a person may give it, the content type it is stored and served as)
KINDS = {
    "xlsx": ({".xlsx"}, XLSX),
    "docx": ({".docx"}, DOCX),
    "xls": ({".xls"}, XLS),
    "doc": ({".doc"}, DOC),
    "pdf": ({".pdf"}, PDF),
    "jpeg": ({".jpg", ".jpeg"}, JPEG),
    "png": ({".png"}, PNG),
    "csv": ({".csv"}, CSV),
}
OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
}
MACRO_PARTS = re.compile(
    r"(^|/)(vbaproject\.bin|vbaprojectsignature\w*\.bin|vbadata\.xml)$|(^|/)macrosheets/", re.IGNORECASE
)
# Relationship types Office follows to fetch content from elsewhere (remote template injection).
EXTERNAL_RISKY = ("attachedTemplate", "oleObject", "frame", "subDocument")
OLE_MACRO_STORAGES = {"macros", "_vba_project_cur", "_vba_project", "vba"}


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_upload_bytes() -> int:
    return _limit("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)


def max_unpacked_bytes() -> int:
    return _limit("UPLOAD_MAX_UNPACKED_BYTES", 300 * 1024 * 1024)


def max_ratio() -> int:
    return _limit("UPLOAD_MAX_COMPRESSION_RATIO", 200)


def max_entries() -> int:
    return _limit("UPLOAD_MAX_ENTRIES", 2000)


class UnsafeFile(ValueError):
    """The upload is refused; ``str(exc)`` is a plain sentence to show the person who sent it."""


class UnreadableFile(UnsafeFile):
    """The upload is damaged or is not the kind of file expected."""


@dataclass(frozen=True)
class SafeUpload:
    """Bytes that passed every check in this module, with the kind they were found to be."""

    name: str
    kind: str
    data: bytes

    @property
    def content_type(self) -> str:
        return KINDS[self.kind][1]

    @property
    def size(self) -> int:
        return len(self.data)

    def stream(self) -> io.BytesIO:
        return io.BytesIO(self.data)


def check_upload(upload, *, kinds=("xlsx",), name: str | None = None, max_bytes: int | None = None) -> SafeUpload:
    """Read an uploaded file (Django UploadedFile or any binary file object) and vet it as one of ``kinds``."""
    name = name or getattr(upload, "name", "") or "upload"
    claimed = _claimed_kind(name, kinds)
    data = _read_upload(upload, max_bytes or max_upload_bytes())
    if not data:
        raise UnreadableFile(_("%(name)s is empty.") % {"name": name})
    found = _detect(data)
    if found != claimed:
        raise UnreadableFile(
            _("%(name)s does not contain what its name says (%(suffix)s); save it again in that format or rename it.")
            % {"name": name, "suffix": _suffix(name)}
        )
    return SafeUpload(name=name, kind=found, data=data)


def _suffix(name: str) -> str:
    return PurePosixPath(name.lower()).suffix


def _claimed_kind(name: str, kinds) -> str:
    suffix = _suffix(name)
    if suffix in MACRO_SUFFIXES:
        raise UnsafeFile(
            _(
                "Files with macros (%(suffix)s) are not accepted; save the file as .xlsx or .docx "
                "without macros and upload it again."
            )
            % {"suffix": suffix}
        )
    for kind in kinds:
        if suffix in KINDS[kind][0]:
            return kind
    if suffix in LEGACY_SUFFIXES:
        raise UnreadableFile(
            _("Old %(suffix)s files are not accepted; open the file and save it as %(new)s.")
            % {"suffix": suffix, "new": LEGACY_SUFFIXES[suffix]}
        )
    expected = ", ".join(sorted(s for kind in kinds for s in KINDS[kind][0]))
    raise UnreadableFile(_("Expected a %(expected)s file, got “%(name)s”.") % {"expected": expected, "name": name})


def _read_upload(upload, limit: int) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise UnsafeFile(_too_big(limit))
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if hasattr(upload, "seek"):
        upload.seek(0)
    if len(data) > limit:
        raise UnsafeFile(_too_big(limit))
    return data


def _too_big(limit: int) -> str:
    return _("The file is larger than %(size)s MB; split it or remove pictures and try again.") % {
        "size": round(limit / 1024 / 1024, 1)
    }


def _damaged() -> UnreadableFile:
    return UnreadableFile(
        _(
            "The file could not be read: it is damaged or not a real Office file. Open it in "
            "Excel or WPS, save it again and upload the new copy."
        )
    )


def _detect(data: bytes) -> str | None:
    """The kind the bytes are, after that family's checks; None for anything we do not accept."""
    if data.startswith(ZIP_MAGIC):
        return _check_ooxml(data)
    if data.startswith(OLE2_MAGIC):
        return _check_ole2(data)
    if data.startswith(b"%PDF-"):
        _check_pdf(data)
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if b"\0" not in data[:8192]:
        return "csv"
    return None


# Office Open XML -----------------------------------------------------------------------------------


def _check_ooxml(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = _check_directory(archive)
            names = {info.filename for info in entries}
            if "[Content_Types].xml" not in names:
                raise _damaged()
            _inflate_and_check(archive, entries)
            kind = _check_content_types(archive.read("[Content_Types].xml"))
            for rels in (n for n in names if n.endswith(".rels")):
                _check_relationships(rels, archive.read(rels))
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        OSError,
        NotImplementedError,
        RuntimeError,
    ) as exc:
        raise _damaged() from exc
    return kind


def _macros() -> UnsafeFile:
    return UnsafeFile(_("The file contains macros (vbaProject.bin); save it without macros and upload it again."))


def _check_directory(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    entries = archive.infolist()
    if len(entries) > max_entries():
        raise UnsafeFile(
            _("The file holds too many parts (%(count)s) to be a normal workbook.") % {"count": len(entries)}
        )
    total = 0
    for info in entries:
        if MACRO_PARTS.search(info.filename):
            raise _macros()
        total += info.file_size
        if info.file_size > 1024 * 1024 and info.file_size > max_ratio() * max(info.compress_size, 1):
            raise _bomb(info.filename)
    if total > max_unpacked_bytes():
        raise UnsafeFile(
            _("The file unpacks to more than %(size)s MB; it is refused.")
            % {"size": max_unpacked_bytes() // 1024 // 1024}
        )
    return entries


def _bomb(part: str) -> UnsafeFile:
    return UnsafeFile(
        _("The file unpacks to far more than its size (part %(part)s); it looks like a zip bomb and is refused.")
        % {"part": part}
    )


def _check_prolog(name: str, head: bytes) -> None:
    root = ROOT_ELEMENT.search(head)
    prolog = head[: root.start()] if root else head
    if any(marker in prolog.upper() for marker in FORBIDDEN_PROLOG):
        raise UnsafeFile(
            _("Part %(part)s declares XML entities (a DOCTYPE); Office never writes one, so the file is refused.")
            % {"part": name}
        )
    if root is None and len(head) >= PROLOG_LIMIT:
        raise UnsafeFile(_("Part %(part)s does not look like Office XML; the file is refused.") % {"part": name})


def _inflate_and_check(archive: zipfile.ZipFile, entries) -> None:
    """Inflate every part in chunks, counting bytes (headers may lie) and looking at each XML prolog."""
    budget = max_unpacked_bytes()
    for info in entries:
        is_xml = info.filename.lower().endswith((".xml", ".rels", ".vml"))
        head = b""
        inflated = 0
        with archive.open(info) as part:
            while chunk := part.read(CHUNK):
                inflated += len(chunk)
                budget -= len(chunk)
                if budget < 0 or inflated > max_ratio() * max(info.compress_size, 1) + 1024 * 1024:
                    raise _bomb(info.filename)
                if is_xml and len(head) < PROLOG_LIMIT:
                    head += chunk[: PROLOG_LIMIT - len(head)]
        if is_xml:
            _check_prolog(info.filename, head)


def _parse_xml(name: str, data: bytes):
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        return fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise UnsafeFile(
            _("Part %(part)s declares XML entities (a DOCTYPE); Office never writes one, so the file is refused.")
            % {"part": name}
        ) from exc
    except ParseError as exc:
        raise _damaged() from exc


def _check_content_types(data: bytes) -> str | None:
    """The document kind named by the package's main part; macro-enabled packages refused."""
    types = [element.get("ContentType", "") for element in _parse_xml("[Content_Types].xml", data)]
    if any("macroenabled" in t.lower() or "vbaproject" in t.lower() for t in types):
        raise UnsafeFile(_("The file is macro-enabled; save it as a plain .xlsx or .docx and upload it again."))
    kinds = {OOXML_MAIN[t] for t in types if t in OOXML_MAIN}
    return kinds.pop() if len(kinds) == 1 else None


def _check_relationships(name: str, data: bytes) -> None:
    for rel in _parse_xml(name, data):
        if rel.get("TargetMode", "") == "External" and rel.get("Type", "").endswith(EXTERNAL_RISKY):
            raise UnsafeFile(
                _(
                    "The file loads a template or object from elsewhere (%(target)s); save it as a "
                    "plain document and upload it again."
                )
                % {"target": rel.get("Target", "")[:80]}
            )


# PDF ------------------------------------------------------------------------------------------------

PDF_NAME = re.compile(rb"/((?:[A-Za-z0-9_.+*:-]|#[0-9A-Fa-f]{2})+)")
PDF_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
PDF_STREAM = re.compile(rb"stream\r?\n")
PDF_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b")
# Inflating every object stream of a PDF is bounded like an archive: a few kilobytes must not become gigabytes.
PDF_INFLATE_LIMIT = 64 * 1024 * 1024


def _pdf_active_words() -> dict[bytes, str]:
    """Names that make a PDF do something when it is opened or clicked, and how a person is told."""
    return {
        b"JavaScript": _("JavaScript"),
        b"JS": _("JavaScript"),
        b"Launch": _("an action that starts a program (Launch)"),
        b"AA": _("actions that run by themselves (AA)"),
        b"EmbeddedFile": _("an embedded file"),
        b"EmbeddedFiles": _("an embedded file"),
        b"RichMedia": _("rich media (Flash)"),
    }


def _pdf_names(chunk: bytes):
    """(name with its #xx escapes undone, offset just after it) for every name token in chunk."""
    for match in PDF_NAME.finditer(chunk):
        yield PDF_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1)), match.end()


def _refuse_pdf(what: str) -> UnsafeFile:
    return UnsafeFile(
        _(
            "The PDF contains %(what)s, which may run when it is opened or clicked; it is not accepted. "
            "Print it to a new PDF, or scan the paper, and upload that."
        )
        % {"what": what}
    )


def _check_pdf_dictionaries(chunk: bytes) -> None:
    words = _pdf_active_words()
    for name, end in _pdf_names(chunk):
        if name in words:
            raise _refuse_pdf(words[name])
        # An open action that is a destination array ([page /Fit]) only shows a page; an action dictionary
        # or a reference to one runs something.
        if name == b"OpenAction" and not chunk[end : end + 64].lstrip().startswith(b"["):
            raise _refuse_pdf(_("an action that runs when it is opened (OpenAction)"))


def _pdf_streams(data: bytes):
    """(offset where the stream's dictionary may begin, stream start, stream end) for every stream, in order."""
    position = 0
    while (match := PDF_STREAM.search(data, position)) is not None:
        if data[max(0, match.start() - 3) : match.start()] == b"end":
            position = match.end()
            continue
        end = data.find(b"endstream", match.end())
        end = len(data) if end == -1 else end
        yield position, match.start(), match.end(), end
        position = end + len(b"endstream")


def _check_pdf(data: bytes) -> None:
    """Active content in the file's own dictionaries (everything outside the streams, whose bytes are images
    and page text and would give false alarms) and in the dictionaries packed in compressed object streams."""
    budget, outside = PDF_INFLATE_LIMIT, 0
    for before, keyword, start, end in _pdf_streams(data):
        _check_pdf_dictionaries(data[outside:keyword])
        outside = end
        objects = [m.end() for m in PDF_OBJECT.finditer(data, max(before, keyword - 4096), keyword)]
        header = {
            name for name, _end in _pdf_names(data[objects[-1] if objects else max(before, keyword - 4096) : keyword])
        }
        if b"ObjStm" not in header:
            continue
        if header & {b"Filter"} and b"FlateDecode" not in header:
            raise _refuse_pdf(_("object streams packed in a way that cannot be checked"))
        unpacked = _inflate_pdf(data[start:end], budget) if b"FlateDecode" in header else data[start:end]
        budget -= len(unpacked)
        _check_pdf_dictionaries(unpacked)
    _check_pdf_dictionaries(data[outside:])


def _inflate_pdf(packed: bytes, budget: int) -> bytes:
    inflater = zlib.decompressobj()
    try:
        unpacked = inflater.decompress(packed, budget + 1)
    except zlib.error as exc:
        raise UnreadableFile(
            _("The PDF is damaged (a compressed part cannot be read); save or scan it again and upload the new copy.")
        ) from exc
    if len(unpacked) > budget or inflater.unconsumed_tail:
        raise UnsafeFile(_("The PDF unpacks to far more than its size (a compression bomb); it is not accepted."))
    return unpacked


# OLE2 (.xls / .doc) -------------------------------------------------------------------------------


def _check_ole2(data: bytes) -> str | None:
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            paths = [[part.lower() for part in path] for path in ole.listdir(streams=True, storages=True)]
            _refuse_ole_content(paths)
            if ["worddocument"] in paths:
                return "doc"
            for stream in ("Workbook", "Book"):
                if ole.exists(stream):
                    _check_biff_sheets(ole.openstream(stream).read())
                    return "xls"
    except UnsafeFile:
        raise
    except (OSError, ValueError, struct.error, IndexError, TypeError, RecursionError) as exc:
        raise _damaged() from exc
    return None


def _refuse_ole_content(paths: list[list[str]]) -> None:
    if any(OLE_MACRO_STORAGES.intersection(path) for path in paths):
        raise UnsafeFile(_("The file contains macros (a VBA project); save it without macros and upload it again."))
    if any(path[-1] == "\x01ole10native" for path in paths):
        raise UnsafeFile(_("The file carries an embedded file (an OLE package); remove it and upload again."))
    if ["encryptedpackage"] in paths or ["encryptioninfo"] in paths:
        raise UnsafeFile(
            _("The file is password-protected, so it cannot be checked; remove the password and upload it again.")
        )


def _check_biff_sheets(stream: bytes) -> None:
    """Walk the workbook globals (BIFF8 records) for sheets of type 'macro sheet' (Excel 4 macros)."""
    offset = 0
    while offset + 4 <= len(stream):
        record, length = struct.unpack_from("<HH", stream, offset)
        if record == 0x000A:  # EOF of the globals substream: sheets come after it
            return
        if record == 0x0085 and length >= 6 and stream[offset + 9] in (0x01, 0x06):  # BOUNDSHEET, dt
            raise UnsafeFile(_("The file contains Excel 4.0 macro sheets; save it without macros and upload it again."))
        offset += 4 + length


# Readers of vetted bytes ---------------------------------------------------------------------------


def read_rows(upload: SafeUpload, sheet: int | str = 0) -> list[list]:
    """Every row of one sheet as plain Python values (str, float, int, date, datetime, ""), via calamine."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(upload.stream())
        names = workbook.sheet_names
        name = names[sheet] if isinstance(sheet, int) else sheet
        return workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except (IndexError, KeyError) as exc:
        raise UnreadableFile(_("The workbook has no sheet %(sheet)s.") % {"sheet": sheet}) from exc
    except Exception as exc:  # calamine raises its own errors for every kind of damage
        raise _damaged() from exc


def open_workbook(upload: SafeUpload, **options):
    """The workbook through openpyxl, for merged cells, styles and comments (slower than read_rows)."""
    import openpyxl

    try:
        return openpyxl.load_workbook(upload.stream(), **options)
    except Exception as exc:  # openpyxl raises KeyError, ValueError, TypeError… on damaged parts
        raise _damaged() from exc


def open_document(upload: SafeUpload):
    """The Word document through python-docx."""
    import docx

    try:
        return docx.Document(upload.stream())
    except Exception as exc:
        raise _damaged() from exc
