from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.audit_chain import MINIMUM_RETENTION_DAYS, audit_purge


class Command(BaseCommand):
    help = f"Delete audit records past retention; never any younger than {MINIMUM_RETENTION_DAYS} days."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.AUDIT_RETENTION_DAYS,
            help=f"keep this many days (values below {MINIMUM_RETENTION_DAYS} are raised to it)",
        )

    def handle(self, *args, days, **options):
        count = audit_purge(days=days)
        self.stdout.write(f"purged {count} audit records older than {max(days, MINIMUM_RETENTION_DAYS)} days")
