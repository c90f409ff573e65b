"""Encryption at rest for backups: AES-256-GCM in 1 MiB chunks, streamed both ways, memory flat.

A backup holds password hashes, TOTP secrets and every evidence file, so nothing in it is in clear.
Each chunk is sealed on its own (12-byte random nonce, 16-byte tag) with its index and a last-chunk
flag as associated data: a chunk changed, swapped, dropped or a file cut short fails to open.
The key (``BACKUP_KEY`` or the file ``BACKUP_KEY_FILE``) never goes into the backup; from it two
keys are derived, one to encrypt and one to sign the manifest.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from core.keyfiles import key_from_file

MAGIC = b"RPBK1\n"
CHUNK = 1 << 20


class DecryptError(Exception):
    pass


def _master_key() -> bytes:
    if settings.BACKUP_KEY:
        return settings.BACKUP_KEY.encode()
    path = Path(settings.BACKUP_KEY_FILE)
    return key_from_file(
        path,
        create=settings.BACKUP_KEY_CREATE,
        missing=_("The backup key file %(path)s is missing; set BACKUP_KEY or BACKUP_KEY_FILE.") % {"path": path},
    )


def _derived(purpose: bytes) -> bytes:
    return hmac.new(_master_key(), b"ruralplan-backup:" + purpose, hashlib.sha256).digest()


def manifest_signature(canonical: bytes) -> str:
    return hmac.new(_derived(b"sign"), canonical, hashlib.sha256).hexdigest()


class EncryptingWriter:
    """A binary file object: what is written goes to ``path`` encrypted; ``sha256`` of the ciphertext after close."""

    def __init__(self, path: Path):
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._aead, self._file, self._buffer, self._index = (
            AESGCM(_derived(b"encrypt")),
            open(path, "wb"),
            bytearray(),
            0,
        )
        self._digest = hashlib.sha256()
        self._emit(MAGIC)

    def _emit(self, data: bytes):
        self._digest.update(data)
        self._file.write(data)

    def _seal(self, plain: bytes, last: bool):
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plain, struct.pack("<Q?", self._index, last))
        self._emit(struct.pack("<I", len(sealed)) + nonce + sealed)
        self._index += 1

    def write(self, data) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK:
            self._seal(bytes(self._buffer[:CHUNK]), False)
            del self._buffer[:CHUNK]
        return len(data)

    def flush(self):
        pass

    def close(self):
        if self._file.closed:
            return
        self._seal(bytes(self._buffer), True)
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        self.sha256 = self._digest.hexdigest()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def decrypted_chunks(path: Path):
    """The plaintext of an encrypted file, chunk by chunk; DecryptError if anything was changed or cut."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    aead = AESGCM(_derived(b"encrypt"))
    with open(path, "rb") as handle:
        if handle.read(len(MAGIC)) != MAGIC:
            raise DecryptError(_("%(name)s is not an encrypted backup file.") % {"name": path.name})
        index, last = 0, False
        while not last:
            header = handle.read(4)
            if len(header) < 4:
                raise DecryptError(_("%(name)s is cut short: the backup is incomplete.") % {"name": path.name})
            sealed_length = struct.unpack("<I", header)[0]
            nonce, sealed = handle.read(12), handle.read(sealed_length)
            for last in (False, True):
                try:
                    plain = aead.decrypt(nonce, sealed, struct.pack("<Q?", index, last))
                    break
                except InvalidTag:
                    plain = None
            if plain is None:
                raise DecryptError(
                    _("%(name)s was changed, or the backup key is not the one it was made with.") % {"name": path.name}
                )
            yield plain
            index += 1
        if handle.read(1):
            raise DecryptError(
                _("%(name)s has data after its last part: the backup was changed.") % {"name": path.name}
            )


class DecryptingReader:
    """A binary file object over decrypted_chunks, for tarfile and line readers."""

    def __init__(self, path: Path):
        self._chunks, self._buffer, self._position = decrypted_chunks(path), b"", 0

    def readable(self):
        return True

    def read(self, size=-1) -> bytes:
        # The buffer is copied only when a chunk is added, not on every small read.
        while size < 0 or len(self._buffer) - self._position < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer, self._position = self._buffer[self._position :] + chunk, 0
        end = len(self._buffer) if size < 0 else min(len(self._buffer), self._position + size)
        data, self._position = self._buffer[self._position : end], end
        return data
