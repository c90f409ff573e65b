"""Print how long each kind of report takes to generate, and how many queries it makes, per region.

    python manage.py bench_reports --month 2025-05            # every region with plans
    python manage.py bench_reports --month 2025-05 --region 330305000000

Each run makes real report rows (new versions); use a scratch database (e.g. after `load_demo`).
"""
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.periods import parse_period
from reports import services
from reports.models import ReportKind
from reports.selectors import schedule_regions
from supervision.figures import indicators_in


class Command(BaseCommand):
    help = "Generate each kind of report for a month and print the seconds and queries each took."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM, the last month covered.")
        parser.add_argument("--region", help="Division code; every region with plans when absent.")

    def handle(self, *args, month, region=None, **options):
        try:
            start, _frequency = parse_period(month)
        except ValueError as error:
            raise CommandError(str(error)) from None
        regions = schedule_regions()
        if region:
            regions = regions.filter(code=region)
        self.stdout.write(f"{'region':<14}{'indicators':>11}  {'kind':<10}{'seconds':>9}{'queries':>9}{'rows':>7}")
        for r in regions:
            count = indicators_in(region=r).count()
            for kind in ReportKind.values:
                report = services.report_request(region=r, kind=kind, month=start, enqueue=False)
                began = time.perf_counter()
                with CaptureQueriesContext(connection) as queries:
                    report = services.report_generate(report_id=report.pk)
                took = time.perf_counter() - began
                rows = sum(len(b["rows"]) for b in report.content.get("blocks", []) if b["type"] == "table")
                self.stdout.write(f"{r.code:<14}{count:>11}  {kind:<10}{took:>9.2f}{len(queries):>9}{rows:>7}")
