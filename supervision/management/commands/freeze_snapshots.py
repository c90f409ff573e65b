from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.periods import month_end, parse_period
from supervision.services import snapshot_history
from targets.choices import Frequency


class Command(BaseCommand):
    help = (
        "Freeze every indicator's light at a month end (default: the month that just ended). "
        "Running it again replaces that month's snapshots. --months N also freezes the N-1 month ends before it; "
        "the month under way is frozen as of today."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", help="The month to freeze, YYYY-MM.")
        parser.add_argument("--months", type=int, default=1, help="How many month ends to freeze, ending at --month.")

    def handle(self, *args, month=None, months=1, **options):
        today = timezone.localdate()
        if month:
            try:
                start, frequency = parse_period(month)
            except ValueError as error:
                raise CommandError(str(error)) from None
            if frequency != Frequency.MONTHLY:
                raise CommandError(f"--month takes a month, YYYY-MM, not {month!r}")
        else:
            start = today.replace(day=1) - date.resolution
        if months < 1:
            raise CommandError("--months must be at least 1")
        if month_end(start) > month_end(today):
            raise CommandError(f"{start:%Y-%m} has not begun yet; nothing to freeze")
        for end, count in snapshot_history(last=month_end(start), months=months, today=today):
            self.stdout.write(f"{end:%Y-%m}: {count} indicators frozen")
