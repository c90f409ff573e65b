"""Keys kept in a file outside the database and outside any backup (the audit HMAC key, the backup key)."""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def key_from_file(path: Path, *, create: bool, missing: str) -> bytes:
    """The key in ``path``; a new random one is written there first when it is missing and ``create``
    allows it, else ``missing`` is raised as a configuration error."""
    if not path.exists():
        if not create:
            raise ImproperlyConfigured(missing)
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two processes starting at once keep one key, the first one written.
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_hex(32))
        except FileExistsError:
            pass
    return path.read_text().strip().encode()
