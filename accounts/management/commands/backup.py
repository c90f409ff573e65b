from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.backup import BackupError, backup
from accounts.services import audit_record


class Command(BaseCommand):
    help = (
        "Back up the database, media and evidence files into a new directory: encrypted streams and a "
        "signed manifest (pg_dump on PostgreSQL unless --portable)."
    )

    def add_arguments(self, parser):
        parser.add_argument("out_dir", type=Path)
        parser.add_argument(
            "--portable",
            action="store_true",
            help="JSON lines instead of pg_dump, restorable into SQLite or PostgreSQL",
        )

    def handle(self, *args, out_dir, portable=False, **options):
        with translation.override(settings.LANGUAGE_CODE):  # in the operators' language (Chinese)
            self._backup(out_dir, portable)

    def _backup(self, out_dir, portable):
        try:
            manifest = backup(out_dir, portable=portable)
        except (BackupError, ImproperlyConfigured) as exc:  # ImproperlyConfigured: no backup key
            raise CommandError(str(exc)) from exc
        rows, files = sum(manifest["counts"].values()), len(manifest["files"])
        audit_record(
            action="ops.backup",
            object_type="backup",
            object_repr=str(out_dir),
            new={"rows": rows, "files": files, "db_format": manifest["db_format"]},
        )
        self.stdout.write(
            self.style.SUCCESS(
                _("Backup written to %(path)s (%(format)s): %(rows)s rows, %(files)s files.")
                % {"path": out_dir, "format": manifest["db_format"], "rows": rows, "files": files}
            )
        )
