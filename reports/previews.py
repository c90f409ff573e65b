"""The server-side store of upload previews: what an upload produced, kept for its uploader until it expires.

A parsed plan waits here while the office checks and edits its preview, and a progress workbook
marked with its problems waits for its download. Each preview belongs to the user who uploaded it
(another user's token finds nothing), lives UPLOAD_PREVIEW_HOURS from its last save, and is deleted
by the nightly `reports.tasks.purge_upload_previews`. Nothing of it sits in the session.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .models import UploadPreview

Kind = UploadPreview.Kind


def _expiry(now: datetime) -> datetime:
    return now + timedelta(hours=settings.UPLOAD_PREVIEW_HOURS)


def preview_save(*, by, kind: str, data=None, content: bytes = b"") -> str:
    """Keep a new preview for `by`; the token that finds it again."""
    token = secrets.token_urlsafe(16)
    UploadPreview.objects.create(
        token=token, user=by, kind=kind, data=data, content=content, expires_at=_expiry(timezone.now())
    )
    return token


def _live(*, by, kind: str, token: str):
    return UploadPreview.objects.filter(token=token, user=by, kind=kind, expires_at__gt=timezone.now())


def preview_get(*, by, kind: str, token: str) -> UploadPreview | None:
    """The user's own preview under this token while it has not expired; None otherwise."""
    return _live(by=by, kind=kind, token=token).first()


def preview_update(*, by, kind: str, token: str, data) -> bool:
    """Replace the preview's data (the person edited it) and give it its full time again; False when gone."""
    return bool(_live(by=by, kind=kind, token=token).update(data=data, expires_at=_expiry(timezone.now())))


def preview_discard(*, by, kind: str, token: str) -> None:
    UploadPreview.objects.filter(token=token, user=by, kind=kind).delete()


def previews_purge(*, now: datetime | None = None) -> int:
    """Delete every expired preview; how many went."""
    deleted, _by_model = UploadPreview.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
