"""manage.py import_regions FILE: load regions from the statistical division code list (CSV or xlsx)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role, User
from villages.excel import FileRefused, ImportRejected
from villages.services import region_import


class Command(BaseCommand):
    help = (
        "Load counties, townships and villages from a CSV or Excel file in the layout of the national "
        "statistical division code list (统计用区划代码, 名称, 城乡分类代码). All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", default="", help="Username recorded in the audit log (default: the first admin).")

    def handle(self, *args, file: Path, user: str, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        by = User.objects.filter(username=user).first() if user else User.objects.filter(role=Role.ADMIN).first()
        if user and by is None:
            raise CommandError(f"no user named {user!r}")
        try:
            summary = region_import(name=file.name, data=file.read_bytes(), by=by)
        except FileRefused as exc:
            raise CommandError(str(exc)) from exc
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"nothing imported: {len(exc.errors)} problem(s)") from exc
        self.stdout.write(
            f"{summary['rows']} rows: {summary['created']} added, {summary['renamed']} renamed, "
            f"{summary['reclassified']} reclassified"
        )
