"""Backup and restore of everything: the database, uploaded media and evidence files.

A backup is a directory of encrypted streams (accounts.backup_crypto) and a signed manifest:

- ``db.jsonl.enc``: every table as JSON lines (one header per table, then rows of raw column values),
  read in pk order a few thousand rows at a time and loaded back with bulk inserts in one
  transaction. One format for the embedded SQLite and for PostgreSQL, so a county moving from the
  embedded install to a server keeps its data. Or, on PostgreSQL, ``db.pgdump.enc``: ``pg_dump -Fc``
  taken in the same snapshot as the manifest's counts, restored with ``pg_restore --single-transaction``.
- ``files.tar.enc``: MEDIA_ROOT and EVIDENCE_ROOT as one tar stream.
- ``manifest.json``: row counts, each file's SHA-256, the ciphertexts' SHA-256, the audit chain's
  signed head, signed with a key derived from the backup key, which is not in the backup. A changed
  backup, or one made with another key, is refused before anything is written.

Restore is in steps that can each be run again: files go to a staging folder inside each root and
are checked; the database loads in one transaction; only then are the files moved into place. An
interrupted restore is finished by running it again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import zlib
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path, PurePosixPath
from uuid import UUID

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit_keys
from .backup_crypto import DecryptError, DecryptingReader, EncryptingWriter, manifest_signature

FORMAT = "ruralplan-backup-2"
MANIFEST = "manifest.json"
DB_JSONL, DB_PGDUMP, FILES = "db.jsonl.enc", "db.pgdump.enc", "files.tar.enc"
STAGING = ".restore-staging"
BATCH = 2000
# Rebuilt by migrate on the target, or meaningless after a restore (sessions).
SKIPPED_MODELS = {"contenttypes.contenttype", "auth.permission", "sessions.session"}


class BackupError(Exception):
    pass


def roots() -> dict[str, Path]:
    return {"media": Path(settings.MEDIA_ROOT), "evidence": Path(settings.EVIDENCE_ROOT)}


def backed_up_models() -> list:
    ordered = serializers.sort_dependencies([(config, None) for config in apps.get_app_configs()], allow_cycles=True)
    through = [m for m in apps.get_models(include_auto_created=True) if m._meta.auto_created]
    return [
        m
        for m in ordered + through
        if m._meta.label_lower not in SKIPPED_MODELS and not m._meta.proxy and m._meta.managed
    ]


def row_counts() -> dict:
    return {m._meta.label_lower: m._base_manager.count() for m in backed_up_models()}


# Backing up ----------------------------------------------------------------------------------------


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        raise BackupError(_("The portable backup format cannot hold binary columns."))
    return value


def _write_jsonl(handle, models_list):
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    squeeze = zlib.compressobj(1)

    def emit(obj):
        handle.write(squeeze.compress((json.dumps(obj, ensure_ascii=False, default=_plain) + "\n").encode()))

    emit(
        {
            "contenttypes": {ct.id: [ct.app_label, ct.model] for ct in ContentType.objects.all()},
            "permissions": {
                p.id: [p.content_type.app_label, p.content_type.model, p.codename]
                for p in Permission.objects.select_related("content_type")
            },
        }
    )
    for model in models_list:
        columns = [f.attname for f in model._meta.concrete_fields]
        emit({"model": model._meta.label_lower, "columns": columns})
        for row in model._base_manager.order_by("pk").values_list(*columns).iterator(chunk_size=BATCH):
            emit([_plain(v) for v in row])
    handle.write(squeeze.flush())


def _pg_env() -> dict:
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "PGHOST": db.get("HOST") or "",
        "PGPORT": str(db.get("PORT") or ""),
        "PGUSER": db.get("USER") or "",
        "PGDATABASE": db["NAME"],
    }
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _pipe_into(command: list[str], handle, env) -> None:
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) as process:
        for chunk in iter(lambda: process.stdout.read(1 << 20), b""):
            handle.write(chunk)
        error = process.stderr.read().decode(errors="replace")
    if process.returncode:
        raise BackupError(_("%(command)s failed: %(error)s") % {"command": command[0], "error": error.strip()[:500]})


class _Hashing:
    """Reads a file for tarfile while hashing it, so each file is read once."""

    def __init__(self, handle):
        self.handle, self.digest = handle, hashlib.sha256()

    def read(self, size=-1):
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _write_files(out: Path) -> dict:
    listed = {}
    with EncryptingWriter(out) as sink, tarfile.open(fileobj=sink, mode="w|") as archive:
        for prefix, root in roots().items():
            if not root.exists():
                continue
            for path in sorted(p for p in root.rglob("*") if p.is_file() and STAGING not in p.parts):
                name = f"{prefix}/{path.relative_to(root).as_posix()}"
                info = archive.gettarinfo(str(path), arcname=name)
                with open(path, "rb") as handle:
                    hashing = _Hashing(handle)
                    archive.addfile(info, hashing)
                listed[name] = hashing.digest.hexdigest()
    return {"sha256": sink.sha256, "files": listed}


def backup(out_dir: Path, *, portable: bool = False) -> dict:
    """Write a backup into a new directory; on PostgreSQL through pg_dump unless ``portable``."""
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise BackupError(_("%(path)s is not empty; give a new folder for the backup.") % {"path": out_dir})
    out_dir.mkdir(parents=True, exist_ok=True)
    out_dir.chmod(0o700)
    use_pg_dump = connection.vendor == "postgresql" and not portable
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
        models_list = backed_up_models()
        counts = {m._meta.label_lower: m._base_manager.count() for m in models_list}
        anchor = audit_keys.anchor_write()  # the head as this snapshot sees it
        db_name = DB_PGDUMP if use_pg_dump else DB_JSONL
        with EncryptingWriter(out_dir / db_name) as sink:
            if use_pg_dump:
                _pipe_into(["pg_dump", "-Fc", "--no-owner", "--no-acl", f"--snapshot={snapshot}"], sink, _pg_env())
            else:
                _write_jsonl(sink, models_list)
    files = _write_files(out_dir / FILES)
    manifest = {
        "format": FORMAT,
        "created": timezone.now().isoformat(),
        "database": connection.vendor,
        "db_format": "pg_dump" if use_pg_dump else "jsonl",
        "counts": counts,
        "audit_anchor": anchor,
        "blobs": {db_name: sink.sha256, FILES: files["sha256"]},
        "files": files["files"],
    }
    manifest["signature"] = manifest_signature(_canonical(manifest))
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
    return manifest


def _canonical(manifest: dict) -> bytes:
    body = {k: v for k, v in manifest.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


# Verifying -----------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify(in_dir: Path) -> dict:
    """The manifest, after checking its signature and every encrypted file's checksum."""
    in_dir = Path(in_dir)
    try:
        manifest = json.loads((in_dir / MANIFEST).read_text(encoding="utf-8"))
    except OSError as exc:
        raise BackupError(
            _("%(path)s is missing or cannot be read (%(error)s): give the folder a backup was written to.")
            % {"path": in_dir / MANIFEST, "error": exc.strerror or exc}
        ) from exc
    except ValueError as exc:
        raise BackupError(
            _("%(path)s is not a backup manifest (not JSON: %(error)s): the backup is damaged or not one of ours.")
            % {"path": in_dir / MANIFEST, "error": exc}
        ) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise BackupError(
            _(
                "This backup's format is %(found)s; this version restores only %(expected)s. A backup made by an "
                "older version is restored with that version, then backed up again."
            )
            % {"found": found or _("not stated"), "expected": FORMAT}
        )
    if manifest.get("signature") != manifest_signature(_canonical(manifest)):
        raise BackupError(
            _(
                "The manifest's signature does not match: the backup was changed, or it was made with another "
                "backup key."
            )
        )
    for name, expected in manifest["blobs"].items():
        if not (in_dir / name).is_file():
            raise BackupError(_("%(name)s is listed in the manifest but missing.") % {"name": name})
        if _sha256(in_dir / name) != expected:
            raise BackupError(_("%(name)s does not match its checksum: the backup is damaged.") % {"name": name})
    return manifest


# Restoring -----------------------------------------------------------------------------------------


def _jsonl_lines(path: Path):
    source, expand, pending = DecryptingReader(path), zlib.decompressobj(), b""
    while chunk := source.read(1 << 20):
        pending += expand.decompress(chunk)
        *lines, pending = pending.split(b"\n")
        yield from lines
    pending += expand.flush()
    yield from (line for line in pending.split(b"\n") if line)


class _Loader:
    """Rows of one table at a time into bulk inserts, content types and permissions mapped to the target's."""

    def __init__(self, header):
        from django.contrib.auth.models import Permission
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()
        # Content types are made by migrate on the target, with ids of their own; one missing is made here.
        self.contenttypes = {
            int(old): ContentType.objects.get_or_create(app_label=key[0], model=key[1])[0].id
            for old, key in header["contenttypes"].items()
            if _model_exists(key)
        }
        self.permissions = {}
        for old, (app_label, model, codename) in header["permissions"].items():
            found = (
                Permission.objects.filter(
                    content_type__app_label=app_label, content_type__model=model, codename=codename
                )
                .values_list("id", flat=True)
                .first()
            )
            if found:
                self.permissions[int(old)] = found
        self.model, self.batch = None, []

    def start(self, header):
        self.flush()
        self.model = apps.get_model(header["model"])
        fields = {f.attname: f for f in self.model._meta.concrete_fields}
        self.fields = [fields[name] for name in header["columns"]]

    def _value(self, field, value):
        if value is None:
            return None
        related = getattr(field, "related_model", None)
        if related is not None and related._meta.label_lower == "contenttypes.contenttype":
            return self.contenttypes[value]
        if related is not None and related._meta.label_lower == "auth.permission":
            return self.permissions[value]
        if isinstance(field, models.JSONField):
            return value
        return field.to_python(value)

    def add(self, row):
        self.batch.append(self.model(**{f.attname: self._value(f, v) for f, v in zip(self.fields, row)}))
        if len(self.batch) >= BATCH:
            self.flush()

    def flush(self):
        if self.model is not None and self.batch:
            self.model._base_manager.bulk_create(self.batch, batch_size=500)
        self.batch = []


def _model_exists(key) -> bool:
    try:
        apps.get_model(*key)
        return True
    except LookupError:
        return False


def _load_jsonl(path: Path) -> None:
    lines = _jsonl_lines(path)
    loader = _Loader(json.loads(next(lines)))
    for line in lines:
        item = json.loads(line)
        if isinstance(item, dict):
            loader.start(item)
        else:
            loader.add(item)
    loader.flush()
    statements = connection.ops.sequence_reset_sql(no_style(), backed_up_models())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _load_pg_dump(path: Path) -> None:
    command = [
        "pg_restore",
        "--no-owner",
        "--no-acl",
        "--single-transaction",
        "--exit-on-error",
        "-d",
        settings.DATABASES["default"]["NAME"],
    ]
    with subprocess.Popen(command, stdin=subprocess.PIPE, stderr=subprocess.PIPE, env=_pg_env()) as process:
        try:
            for chunk in DecryptingReader(path)._chunks:
                process.stdin.write(chunk)
        finally:
            process.stdin.close()
        error = process.stderr.read().decode(errors="replace")
    if process.returncode:
        raise BackupError(_("pg_restore failed and nothing was restored: %(error)s") % {"error": error.strip()[:500]})


def _public_tables() -> list[str]:
    return connection.introspection.table_names()


def _database_restored(manifest) -> bool:
    """Whether this very backup is already in the database (a restore interrupted after its commit)."""
    if not _public_tables():
        return False
    counts, anchor = row_counts(), manifest["audit_anchor"]
    same = all(counts.get(k) == v for k, v in manifest["counts"].items() if k != "accounts.auditevent")
    from .models import AuditEvent

    head = AuditEvent.objects.filter(id=anchor["last_id"]).values_list("hash", flat=True).first()
    return same and (anchor["last_id"] == 0 or head == anchor["last_hash"])


def _check_database_empty(manifest) -> None:
    if manifest["db_format"] == "pg_dump":
        if connection.vendor != "postgresql":
            raise BackupError(
                _(
                    "This backup was made with pg_dump: restore it into PostgreSQL, or take a portable one "
                    "(backup --portable)."
                )
            )
        if _public_tables():
            raise BackupError(
                _(
                    "A pg_dump backup restores into an empty database: create it (createdb) and do not run "
                    "migrate before the restore."
                )
            )
        return
    occupied = [label for label, n in row_counts().items() if n]
    if occupied:
        raise BackupError(
            _("A restore needs an empty instance (migrated, with no data); these tables have rows: %(tables)s")
            % {"tables": "、".join(occupied[:8]) + ("…" if len(occupied) > 8 else "")}
        )


def _stage_files(in_dir: Path, manifest) -> None:
    """Unpack every file into each root's staging folder and check it; a marker says it is complete."""
    marker = manifest["signature"]
    if all(
        (root / STAGING / ".complete").exists() and (root / STAGING / ".complete").read_text() == marker
        for root in roots().values()
    ):
        return
    for root in roots().values():
        shutil.rmtree(root / STAGING, ignore_errors=True)
        (root / STAGING).mkdir(parents=True)
    seen = set()
    try:
        with tarfile.open(fileobj=DecryptingReader(in_dir / FILES), mode="r|") as archive:
            for member in archive:
                seen.add(_extract(archive, member, manifest["files"]))
    except DecryptError as exc:
        raise BackupError(str(exc)) from exc
    if seen != set(manifest["files"]):
        raise BackupError(
            _("%(count)s files listed in the manifest are not in the backup: the backup is damaged.")
            % {"count": len(set(manifest["files"]) - seen)}
        )
    for root in roots().values():
        (root / STAGING / ".complete").write_text(marker)


def _extract(archive, member, listed) -> str:
    name = PurePosixPath(member.name)
    prefix, *rest = name.parts
    if not member.isfile() or name.is_absolute() or ".." in name.parts or prefix not in roots() or not rest:
        raise BackupError(
            _("The backup holds an entry it should not (%(name)s): it was not made by this product.")
            % {"name": member.name}
        )
    if member.name not in listed:
        raise BackupError(
            _("%(name)s is in the backup but not in its manifest: the backup was changed.") % {"name": member.name}
        )
    target = roots()[prefix] / STAGING / Path(*rest)
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with archive.extractfile(member) as source, open(target, "wb") as out:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != listed[member.name]:
        raise BackupError(_("%(name)s does not match its checksum: the backup is damaged.") % {"name": member.name})
    return member.name


def _swap_files() -> None:
    """Move staged files into place; what an interrupted run already moved is skipped."""
    for root in roots().values():
        staging = root / STAGING
        if not staging.exists():
            continue
        for source in sorted(p for p in staging.rglob("*") if p.is_file() and p.name != ".complete"):
            target = root / source.relative_to(staging)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
        shutil.rmtree(staging)


def _check_roots_empty() -> None:
    for root in roots().values():
        if root.exists() and any(p.is_file() for p in root.rglob("*") if STAGING not in p.parts):
            raise BackupError(
                _("A restore needs an empty %(path)s; it has files. Restore into a new instance.") % {"path": root}
            )


def restore(in_dir: Path) -> dict:
    in_dir = Path(in_dir)
    manifest = verify(in_dir)
    if _database_restored(manifest):  # a run interrupted after the database commit: finish the files
        _stage_files(in_dir, manifest)
        _swap_files()
        return manifest
    _check_database_empty(manifest)
    _check_roots_empty()
    _stage_files(in_dir, manifest)
    try:
        if manifest["db_format"] == "pg_dump":
            _load_pg_dump(in_dir / DB_PGDUMP)
            connection.close()
            _check_counts(manifest)
        else:
            with transaction.atomic():
                _load_jsonl(in_dir / DB_JSONL)
                _check_counts(manifest)
    except DecryptError as exc:
        raise BackupError(str(exc)) from exc
    _swap_files()
    return manifest


def _check_counts(manifest) -> None:
    counts = row_counts()
    wrong = {k: (v, counts.get(k)) for k, v in manifest["counts"].items() if counts.get(k) != v}
    if wrong:
        raise BackupError(
            _("The row counts after loading differ from the backup's: %(tables)s")
            % {
                "tables": "；".join(
                    _("%(table)s: %(expected)s expected, %(got)s loaded")
                    % {"table": table, "expected": expected, "got": got}
                    for table, (expected, got) in wrong.items()
                )
            }
        )


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups in ``folder`` (only directories holding a manifest)."""
    found = sorted((p for p in Path(folder).iterdir() if (p / MANIFEST).is_file()), key=lambda p: p.name)
    doomed = found[:-keep] if keep > 0 else found
    for path in doomed:
        shutil.rmtree(path)
    return doomed
