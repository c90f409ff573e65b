from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

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
        try:
            with translation.override(settings.LANGUAGE_CODE):  # refusals in the operators' language (Chinese)
                manifest = restore(in_dir)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        audit_record(
            action="ops.restore",
            object_type="backup",
            object_repr=str(in_dir),
            new={"rows": sum(manifest["counts"].values()), "created": manifest["created"]},
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"restored {sum(manifest['counts'].values())} rows and {len(manifest['files'])} files from {in_dir}"
            )
        )
