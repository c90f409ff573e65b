"""The one door every uploaded .xlsx / .docx comes through.

An Office file is a zip archive of XML parts, which makes it a vehicle for two classic attacks:
a zip bomb (a few kilobytes that inflate to gigabytes) and an XML bomb (entities that expand
exponentially, "billion laughs"). Both are refused here before any parser sees the file:

1. size: the upload itself is capped (``EXCEL_UPLOAD_MAX_BYTES``);
2. archive: the central directory is read first (it is at the end of the file and costs no
   decompression) and the declared entry count, total size and per-entry compression ratio are
   checked; then every entry is inflated in small chunks and counted, never stored, so an archive
   whose headers lie is stopped as soon as it passes the cap, using little memory;
3. XML: every part's prolog (what comes before its root element) must hold no DOCTYPE and no
   ENTITY declaration; Office never writes one, so none is needed;
4. macros: .xlsm/.docm files and any ``vbaProject.bin`` part are refused;
5. a damaged file (truncated, bad CRC, not a zip at all) gets :class:`UnreadableFile` with a
   plain message, never a server error.

Readers then open the vetted bytes: :func:`read_rows` with python-calamine (fast, values only)
and :func:`open_workbook` with openpyxl (merged cells, styles), :func:`open_document` with
python-docx.
"""
from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.utils.translation import gettext as _

ZIP_MAGIC = b"PK\x03\x04"
CHUNK = 64 * 1024
PROLOG_LIMIT = 64 * 1024
MACRO_SUFFIXES = {".xlsm", ".xltm", ".xlam", ".docm", ".dotm"}
ACCEPTED = {"xlsx": {".xlsx"}, "docx": {".docx"}}
ROOT_ELEMENT = re.compile(rb"<[A-Za-z_]")
FORBIDDEN_PROLOG = (b"<!DOCTYPE", b"<!ENTITY")


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_upload_bytes() -> int:
    return _limit("EXCEL_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)


def max_unpacked_bytes() -> int:
    return _limit("EXCEL_MAX_UNPACKED_BYTES", 300 * 1024 * 1024)


def max_ratio() -> int:
    return _limit("EXCEL_MAX_COMPRESSION_RATIO", 200)


def max_entries() -> int:
    return _limit("EXCEL_MAX_ENTRIES", 2000)


class UnsafeFile(ValueError):
    """The upload is refused; ``str(exc)`` is a plain sentence to show the person who sent it."""


class UnreadableFile(UnsafeFile):
    """The upload is damaged or is not the kind of file expected."""


@dataclass(frozen=True)
class SafeUpload:
    """Bytes that passed every check in this module, with the kind they were checked as."""

    name: str
    kind: str
    data: bytes

    def stream(self) -> io.BytesIO:
        return io.BytesIO(self.data)


def _read_upload(upload) -> bytes:
    limit = max_upload_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise UnsafeFile(_too_big(limit))
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise UnsafeFile(_too_big(limit))
    return data


def _too_big(limit: int) -> str:
    return _("The file is larger than %(size)s MB; split it or remove pictures and try again.") % {
        "size": round(limit / 1024 / 1024, 1)
    }


def _kind_of(name: str, kinds) -> str:
    suffix = PurePosixPath(name.lower()).suffix
    if suffix in MACRO_SUFFIXES:
        raise UnsafeFile(_("Files with macros (%(suffix)s) are not accepted; save the file as .xlsx or .docx "
                           "without macros and upload it again.") % {"suffix": suffix})
    if suffix == ".xls" or suffix == ".doc":
        raise UnreadableFile(_("Old %(suffix)s files are not accepted; open the file and save it as %(new)s.")
                             % {"suffix": suffix, "new": suffix + "x"})
    for kind in kinds:
        if suffix in ACCEPTED[kind]:
            return kind
    expected = ", ".join(sorted(s for kind in kinds for s in ACCEPTED[kind]))
    raise UnreadableFile(_("Expected a %(expected)s file, got “%(name)s”.") % {"expected": expected, "name": name})


def _damaged() -> UnreadableFile:
    return UnreadableFile(_("The file could not be read: it is damaged or not a real Office file. Open it in "
                            "Excel or WPS, save it again and upload the new copy."))


def _check_directory(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    entries = archive.infolist()
    if len(entries) > max_entries():
        raise UnsafeFile(_("The file holds too many parts (%(count)s) to be a normal workbook.")
                         % {"count": len(entries)})
    total = 0
    for info in entries:
        if PurePosixPath(info.filename).name.lower() == "vbaproject.bin":
            raise UnsafeFile(_("The file contains macros (vbaProject.bin); save it without macros and upload "
                               "it again."))
        total += info.file_size
        if info.file_size > 1024 * 1024 and info.file_size > max_ratio() * max(info.compress_size, 1):
            raise UnsafeFile(_("The file unpacks to far more than its size (part %(part)s); it looks like a zip "
                               "bomb and is refused.") % {"part": info.filename})
    if total > max_unpacked_bytes():
        raise UnsafeFile(_("The file unpacks to more than %(size)s MB; it is refused.")
                         % {"size": max_unpacked_bytes() // 1024 // 1024})
    return entries


def _check_prolog(name: str, head: bytes) -> None:
    root = ROOT_ELEMENT.search(head)
    prolog = head[: root.start()] if root else head
    if any(marker in prolog.upper() for marker in FORBIDDEN_PROLOG):
        raise UnsafeFile(_("Part %(part)s declares XML entities (a DOCTYPE); Office never writes one, so the "
                           "file is refused.") % {"part": name})
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
                    raise UnsafeFile(_("The file unpacks to far more than its size (part %(part)s); it looks "
                                       "like a zip bomb and is refused.") % {"part": info.filename})
                if is_xml and len(head) < PROLOG_LIMIT:
                    head += chunk[: PROLOG_LIMIT - len(head)]
        if is_xml:
            _check_prolog(info.filename, head)


def check_upload(upload, *, kinds=("xlsx",), name: str | None = None) -> SafeUpload:
    """Read an uploaded file (Django UploadedFile or any binary file object) and vet it.

    Raises :class:`UnsafeFile` (or its subclass :class:`UnreadableFile`) with a message for the user.
    """
    name = name or getattr(upload, "name", "") or "upload"
    kind = _kind_of(name, kinds)
    data = _read_upload(upload)
    if not data.startswith(ZIP_MAGIC):
        raise _damaged()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = _check_directory(archive)
            names = {info.filename for info in entries}
            if "[Content_Types].xml" not in names:
                raise _damaged()
            _inflate_and_check(archive, entries)
            content_types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise _damaged() from exc
    if b"macroEnabled" in content_types:
        raise UnsafeFile(_("The file is macro-enabled; save it as a plain .xlsx or .docx and upload it again."))
    return SafeUpload(name=name, kind=kind, data=data)


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
