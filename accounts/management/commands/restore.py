from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.backup import BackupError, restore
from accounts.services import audit_record


class Command(BaseCommand):
    help = (
        "Check a backup's signature and checksums and restore it into an EMPTY instance (migrated, or for a "
        "pg_dump backup a new empty database); an interrupted restore is finished by running it again."
    )

    def add_arguments(self, parser):
        parser.add_argument("in_dir", type=Path)

    def handle(self, *args, in_dir, **options):
        with translation.override(settings.LANGUAGE_CODE):  # refusals in the operators' language (Chinese)
            self._restore(in_dir)

    def _restore(self, in_dir):
        try:
            manifest = restore(in_dir)
        except (BackupError, ImproperlyConfigured) as exc:  # ImproperlyConfigured: no backup key
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["counts"].values())
        audit_record(
            action="ops.restore",
            object_type="backup",
            object_repr=str(in_dir),
            new={"rows": rows, "created": manifest["created"]},
        )
        self.stdout.write(
            self.style.SUCCESS(
                _("Restored %(rows)s rows and %(files)s files from %(path)s.")
                % {"rows": rows, "files": len(manifest["files"]), "path": in_dir}
            )
        )
