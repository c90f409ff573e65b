"""Which files a progress report may carry as evidence; the checks themselves are core.uploads'."""

from __future__ import annotations

from core import uploads

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_EVIDENCE_FILES = 10
# Photos, scans and office documents; a legacy .doc/.xls only when it holds no macros (core.uploads).
EVIDENCE_KINDS = ("jpeg", "png", "pdf", "docx", "xlsx", "doc", "xls")
EXTENSIONS = sorted(suffix for kind in EVIDENCE_KINDS for suffix in uploads.KINDS[kind][0])


def check_evidence(upload) -> uploads.SafeUpload:
    """The vetted file, or UnsafeFile whose message names the file and what is wrong with it."""
    name = getattr(upload, "name", "") or "upload"
    try:
        return uploads.check_upload(upload, kinds=EVIDENCE_KINDS, name=name, max_bytes=MAX_EVIDENCE_BYTES)
    except uploads.UnsafeFile as exc:
        message = str(exc)
        raise uploads.UnsafeFile(message if name in message else f"{name}: {message}") from exc
