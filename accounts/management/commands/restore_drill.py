"""Restore a backup into a scratch database and folders, verify it, report time and memory, clean up.

The live instance is not touched: the restore and the checks run in child processes pointed at a
new SQLite file or a new PostgreSQL database (dropped afterwards).
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.backup import BackupError, verify
from accounts.services import audit_record


class Command(BaseCommand):
    help = "Restore a backup into a scratch database, verify its rows, files and audit chain, then drop it."

    def add_arguments(self, parser):
        parser.add_argument("in_dir", type=Path)

    def handle(self, *args, in_dir, **options):
        with translation.override(settings.LANGUAGE_CODE):  # in the operators' language (Chinese)
            self._drill(in_dir)

    def _drill(self, in_dir):
        try:
            manifest = verify(in_dir)
        except (BackupError, ImproperlyConfigured) as exc:  # ImproperlyConfigured: no backup key
            raise CommandError(str(exc)) from exc
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="restore-drill-") as scratch, self._database(manifest, scratch) as url:
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "DJANGO_MEDIA_ROOT": f"{scratch}/media",
                "DJANGO_EVIDENCE_ROOT": f"{scratch}/evidence",
                "AUDIT_ANCHOR_FILE": f"{scratch}/anchors.jsonl",
                "CELERY_BROKER_URL": "",
                "REDIS_CACHE_URL": "",
            }
            anchors = Path(scratch) / "backup-anchor.jsonl"
            anchors.write_text(json.dumps(manifest["audit_anchor"]) + "\n")
            steps = ([["migrate", "--noinput", "-v0"]] if manifest["db_format"] == "jsonl" else []) + [
                ["restore", str(in_dir)],
                ["verify_audit", "--anchors", str(anchors)],
            ]
            for step in steps:
                self._run(step, env)
        elapsed = time.monotonic() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        audit_record(
            action="ops.restore_drill",
            object_type="backup",
            object_repr=str(in_dir),
            new={"seconds": round(elapsed, 1), "peak_mb": round(peak), "rows": sum(manifest["counts"].values())},
        )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Restore drill passed: %(rows)s rows and %(files)s files restored and verified in %(seconds)s s, "
                    "largest process %(mb)s MB."
                )
                % {
                    "rows": sum(manifest["counts"].values()),
                    "files": len(manifest["files"]),
                    "seconds": f"{elapsed:.0f}",
                    "mb": f"{peak:.0f}",
                }
            )
        )

    def _run(self, step, env):
        result = subprocess.run(
            [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *step], env=env, capture_output=True, text=True
        )
        if result.returncode:
            raise CommandError(
                _("The restore drill failed at %(step)s: %(error)s")
                % {"step": step[0], "error": result.stderr.strip()[-800:]}
            )

    def _database(self, manifest, scratch):
        if connection.vendor == "postgresql":
            return _ScratchPostgres()
        if manifest["db_format"] == "pg_dump":
            raise CommandError(_("A pg_dump backup is drilled on PostgreSQL; run the drill there."))
        return _Fixed(f"sqlite:///{scratch}/drill.sqlite3")


class _Fixed:
    def __init__(self, url):
        self.url = url

    def __enter__(self):
        return self.url

    def __exit__(self, *exc):
        return False


class _ScratchPostgres:
    """A new database on the same server, dropped on the way out."""

    def __enter__(self):
        db = settings.DATABASES["default"]
        self.name = f"{db['NAME']}_drill_{uuid.uuid4().hex[:8]}"
        self._execute(f'CREATE DATABASE "{self.name}"')
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        return f"postgres://{auth}@{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{self.name}"

    def __exit__(self, *exc):
        self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        return False

    def _execute(self, sql):
        with connection._nodb_cursor() as cursor:
            cursor.execute(sql)
