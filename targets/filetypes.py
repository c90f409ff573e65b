"""What an uploaded evidence file really is, read from its bytes rather than its name: pure, no database."""
from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.utils.translation import gettext as _

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_EVIDENCE_FILES = 10

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
DOC, XLS = "application/msword", "application/vnd.ms-excel"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

EXTENSIONS = {
    ".jpg": JPEG, ".jpeg": JPEG, ".png": PNG, ".pdf": PDF,
    ".doc": DOC, ".xls": XLS, ".docx": DOCX, ".xlsx": XLSX,
}
ALLOWED_NAMES = "jpg, png, pdf, doc, docx, xls, xlsx"

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class RejectedFile(ValueError):
    pass


@dataclass(frozen=True)
class Detected:
    content_type: str
    size: int


def _content_family(head: bytes, fileobj) -> set[str]:
    """The types the bytes could be; an OLE2 container is a .doc or an .xls, which only its name tells apart."""
    if head.startswith(b"\xff\xd8\xff"):
        return {JPEG}
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return {PNG}
    if head.startswith(b"%PDF-"):
        return {PDF}
    if head.startswith(_OLE2):
        return {DOC, XLS}
    if head.startswith(b"PK\x03\x04"):
        fileobj.seek(0)
        try:
            names = set(zipfile.ZipFile(fileobj).namelist())
        except zipfile.BadZipFile:
            return set()
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return {DOCX}
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return {XLSX}
    return set()


def inspect_upload(name: str, fileobj, size: int) -> Detected:
    """Accept a photo, PDF or Office document of at most 10 MB whose content matches its name."""
    if size > MAX_EVIDENCE_BYTES:
        raise RejectedFile(_("%(name)s is %(size)s MB; each file may be at most %(limit)s MB.") % {
            "name": name, "size": f"{size / 1024 / 1024:.1f}", "limit": MAX_EVIDENCE_BYTES // 1024 // 1024})
    if size == 0:
        raise RejectedFile(_("%(name)s is empty.") % {"name": name})
    claimed = EXTENSIONS.get(PurePath(name).suffix.lower())
    if claimed is None:
        raise RejectedFile(_("%(name)s: only these file types are accepted: %(types)s.") % {
            "name": name, "types": ALLOWED_NAMES})
    fileobj.seek(0)
    family = _content_family(fileobj.read(8), fileobj)
    fileobj.seek(0)
    if claimed not in family:
        raise RejectedFile(_("%(name)s does not contain what its name says (%(ext)s); "
                             "save it again in that format or rename it.") % {
            "name": name, "ext": PurePath(name).suffix.lower()})
    return Detected(content_type=claimed, size=size)
