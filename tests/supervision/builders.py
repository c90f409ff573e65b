"""Small builders for the supervision tests: reports as the services would leave them."""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from targets.choices import ReportStatus
from targets.models import ProgressReport

from ..factories import ProgressReportFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def submitted(indicator, unit, period: date, value, on: date, by, *, late=False):
    return ProgressReportFactory(
        indicator=indicator,
        unit=unit,
        period_start=period,
        value=Decimal(value),
        status=ReportStatus.SUBMITTED,
        submitted_by=by,
        submitted_at=datetime.combine(on, time(10), tzinfo=SHANGHAI),
        created_by=by,
        is_late=late,
    )


def thirty_months_submitted(indicator, units, by, narrative="") -> list[date]:
    """A submitted report of each of `units` for each month of January 2023 to June 2025, the value
    rising by 10 a report: more reports than the indicator page shows on one page. Returns the months."""
    months = [date(2023 + m // 12, m % 12 + 1, 1) for m in range(30)]
    ProgressReport.objects.bulk_create(
        ProgressReport(
            indicator=indicator,
            unit=unit,
            period_start=month,
            value=Decimal(10 * i),
            status=ReportStatus.SUBMITTED,
            submitted_by=by,
            submitted_at=datetime.combine(month.replace(day=20), time(10), tzinfo=SHANGHAI),
            created_by=by,
            narrative=narrative,
        )
        for i, month in enumerate(months)
        for unit in units
    )
    return months
