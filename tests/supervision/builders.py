"""Small builders for the supervision tests: reports as the services would leave them."""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from targets.choices import ReportStatus

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
