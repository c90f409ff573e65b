"""The audit log's key and its anchors: what the database alone cannot forge.

A hash chain computed with a public formula can be extended by anyone who can INSERT (hash the forged
row the way the code does) and cut silently (delete the newest rows: what is left still chains).
So each record's hash is an HMAC-SHA256 under a key held outside the database (``AUDIT_HMAC_KEY``,
or the file ``AUDIT_HMAC_KEY_FILE``), and the chain's head (last id, its hash, the count) is written
at least daily, signed with the same key, to an anchor file outside the table (``AUDIT_ANCHOR_FILE``)
and into every backup's manifest. ``verify_audit`` checks the chain against the key and against
every anchor: a record an anchor names must still be there with the hash it had.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from core.keyfiles import key_from_file

_cache: dict = {}


def audit_key() -> bytes:
    """The HMAC key: the setting, else the key file (created on first use where that is allowed)."""
    if settings.AUDIT_HMAC_KEY:
        return settings.AUDIT_HMAC_KEY.encode()
    path = Path(settings.AUDIT_HMAC_KEY_FILE)
    if path in _cache:
        return _cache[path]
    key = key_from_file(
        path,
        create=settings.AUDIT_HMAC_KEY_CREATE,
        missing=f"the audit key file {path} is missing; set AUDIT_HMAC_KEY or "
        "AUDIT_HMAC_KEY_FILE (see docs/operations.md)",
    )
    if len(key) < 32:
        raise ImproperlyConfigured(f"the audit key in {path} is shorter than 32 characters")
    _cache[path] = key
    return key


def keyed_digest(payload: bytes) -> str:
    return hmac.new(audit_key(), payload, hashlib.sha256).hexdigest()


def _canonical(body: dict) -> bytes:
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def sign(body: dict) -> dict:
    return {**body, "signature": keyed_digest(b"anchor:" + _canonical(body))}


def signature_ok(anchor: dict) -> bool:
    body = {k: v for k, v in anchor.items() if k != "signature"}
    return hmac.compare_digest(str(anchor.get("signature", "")), keyed_digest(b"anchor:" + _canonical(body)))


def chain_head() -> dict:
    from .models import AuditEvent

    last = AuditEvent.objects.order_by("-id").values("id", "hash").first() or {"id": 0, "hash": ""}
    return {
        "last_id": last["id"],
        "last_hash": last["hash"],
        "count": AuditEvent.objects.count(),
        "at": timezone.now().isoformat(),
    }


def anchor_write() -> dict:
    """Append the signed chain head to the anchor file (one JSON object a line) and return it."""
    anchor = sign(chain_head())
    path = Path(settings.AUDIT_ANCHOR_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(anchor, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return anchor


def anchors_read(path: Path | None = None) -> list[dict]:
    path = Path(path or settings.AUDIT_ANCHOR_FILE)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
