from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

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
        try:
            manifest = backup(out_dir, portable=portable)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        audit_record(
            action="ops.backup",
            object_type="backup",
            object_repr=str(out_dir),
            new={
                "rows": sum(manifest["counts"].values()),
                "files": len(manifest["files"]),
                "db_format": manifest["db_format"],
            },
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"backup written to {out_dir} ({manifest['db_format']}): {sum(manifest['counts'].values())} rows, "
                f"{len(manifest['files'])} files"
            )
        )
