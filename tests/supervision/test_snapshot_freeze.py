from datetime import date
from decimal import Decimal

from supervision.models import StatusSnapshot
from core.periods import month_end
from supervision.services import snapshot_freeze
from targets.choices import ReportStatus
from targets.models import Indicator

from ..factories import ProgressReportFactory


def test_month_end_handles_february_of_a_leap_year():
    assert month_end(date(2024, 2, 3)) == date(2024, 2, 29)


def test_freezing_twice_replaces_the_month_rather_than_duplicating_it(indicator, dept, dept_reporter):
    snapshot_freeze(as_of=date(2025, 6, 30))
    ProgressReportFactory(indicator=indicator, unit=dept, period_start=date(2025, 6, 1), value=Decimal("1200"),
                          status=ReportStatus.SUBMITTED, submitted_by=dept_reporter,
                          submitted_at="2025-06-20T10:00:00+08:00", created_by=dept_reporter)
    assert snapshot_freeze(as_of=date(2025, 6, 30), indicators=Indicator.objects.all()) == 1
    snapshot = StatusSnapshot.objects.get()
    assert snapshot.status == "done"
    assert snapshot.actual == Decimal("1200")
