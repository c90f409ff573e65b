from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.backup import BackupError, backup
from accounts.services import audit_record


class Command(BaseCommand):
    help = "Dump the database (portable JSON) and the uploaded files into a new directory, with a SHA-256 manifest."

    def add_arguments(self, parser):
        parser.add_argument("out_dir", type=Path)

    def handle(self, *args, out_dir, **options):
        try:
            manifest = backup(out_dir)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        audit_record(action="ops.backup", object_type="backup", object_repr=str(out_dir),
                     new={"rows": sum(manifest["counts"].values()), "files": len(manifest["files"])})
        self.stdout.write(self.style.SUCCESS(
            f"backup written to {out_dir}: {sum(manifest['counts'].values())} rows, {len(manifest['files'])} files"))
