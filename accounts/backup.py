"""Backup and restore of the database and the uploaded files, with a SHA-256 manifest.

The database goes out as Django's JSON fixture format rather than pg_dump: one format for the
embedded SQLite and for PostgreSQL, restorable into either (a county moving from the embedded
install to a server keeps its data), readable without PostgreSQL tools of the right version, and
loaded through the ORM so the restore is one transaction that either lands whole or not at all.
The price is speed on very large databases; pg_dump stays the tool for nightly physical backups
of a province-scale server, and this pair for verified logical copies.
"""
import hashlib
import itertools
import json
import shutil
from datetime import datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from targets import light_cache

FORMAT = "ruralplan-backup-1"
DB_FILE = "db.json"
MEDIA_DIR = "media"
MANIFEST = "manifest.json"
# Rebuilt by migrate on the target, or meaningless after a restore (sessions).
SKIPPED_MODELS = {"contenttypes.contenttype", "auth.permission", "sessions.session"}


class BackupError(Exception):
    pass


class PreciseJSONEncoder(DjangoJSONEncoder):
    """Keeps microseconds (Django's encoder cuts them), which the audit log's hashes include."""

    def default(self, o):
        if isinstance(o, datetime):
            return o.isoformat()
        return super().default(o)


def _rows(model):
    # Related rows fetched in bulk: the serializer reads each foreign key's natural key (users by
    # name) and each many-to-many list, which would otherwise be a query per row.
    fields = model._meta.get_fields()
    fks = [f.name for f in fields if f.many_to_one and f.concrete and f.related_model is not None]
    m2m = [f.name for f in fields if f.many_to_many and f.concrete]
    queryset = model._default_manager.select_related(*fks).prefetch_related(*m2m).order_by("pk")
    return queryset.iterator(chunk_size=2000)


def backed_up_models():
    models = [m for m in serializers.sort_dependencies(
        [(config, None) for config in apps.get_app_configs()], allow_cycles=True)
        if m._meta.label_lower not in SKIPPED_MODELS and not m._meta.proxy and m._meta.managed]
    return models


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def row_counts() -> dict:
    return {m._meta.label_lower: m._default_manager.count() for m in backed_up_models()}


def backup(out_dir: Path) -> dict:
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise BackupError(f"{out_dir} is not empty; give a new directory")
    out_dir.mkdir(parents=True, exist_ok=True)
    out_dir.chmod(0o700)  # password hashes and TOTP secrets are in here
    models = backed_up_models()
    # REPEATABLE READ on PostgreSQL: every table is read at the same instant.
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        counts = {m._meta.label_lower: m._default_manager.count() for m in models}
        objects = itertools.chain.from_iterable(_rows(m) for m in models)
        with open(out_dir / DB_FILE, "w", encoding="utf-8") as handle:
            serializers.serialize("json", objects, stream=handle, use_natural_foreign_keys=True,
                                  cls=PreciseJSONEncoder)
    files = {DB_FILE: sha256(out_dir / DB_FILE)}
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists():
        for source in sorted(p for p in media_root.rglob("*") if p.is_file()):
            relative = Path(MEDIA_DIR) / source.relative_to(media_root)
            (out_dir / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, out_dir / relative)
            files[relative.as_posix()] = sha256(out_dir / relative)
    manifest = {"format": FORMAT, "created": timezone.now().isoformat(), "database": connection.vendor,
                "counts": counts, "files": files}
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return manifest


def verify(in_dir: Path) -> dict:
    """The manifest, after checking every file against its checksum (and that none is missing)."""
    in_dir = Path(in_dir)
    try:
        manifest = json.loads((in_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{in_dir / MANIFEST} is missing or unreadable: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}; expected {FORMAT}")
    for name, expected in manifest["files"].items():
        path = in_dir / name
        if not path.is_file():
            raise BackupError(f"{name} is listed in the manifest but missing")
        if sha256(path) != expected:
            raise BackupError(f"{name} does not match its checksum: the backup is damaged")
    return manifest


def non_empty_tables() -> list[str]:
    return [label for label, n in row_counts().items() if n]


def restore(in_dir: Path) -> dict:
    in_dir = Path(in_dir)
    manifest = verify(in_dir)
    occupied = non_empty_tables()
    if occupied:
        raise BackupError("restore needs an empty instance (migrated, no data); these tables have rows: "
                          + ", ".join(occupied[:8]) + ("…" if len(occupied) > 8 else ""))
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists() and any(p.is_file() for p in media_root.rglob("*")):
        raise BackupError(f"restore needs an empty media directory; {media_root} has files")
    with transaction.atomic():
        call_command("loaddata", str(in_dir / DB_FILE), verbosity=0)
        counts = row_counts()
        wrong = {k: (v, counts.get(k)) for k, v in manifest["counts"].items() if counts.get(k) != v}
        if wrong:
            raise BackupError(f"row counts after loading differ from the backup's (expected, got): {wrong}")
        light_cache.forget_all()
    for name, expected in manifest["files"].items():
        if not name.startswith(MEDIA_DIR + "/"):
            continue
        target = media_root / Path(name).relative_to(MEDIA_DIR)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(in_dir / name, target)
        if sha256(target) != expected:
            raise BackupError(f"{target} does not match its checksum after copying")
    return manifest
