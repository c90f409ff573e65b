"""A county whose dispatches fall at the ends of May, August and November (Xunyi): the milestones of December to
February, between its November and May dispatches, are listed in the November one as due next."""

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from docx import Document

from reports import services
from reports.bulletins.document import table
from reports.models import ReportKind, ReportSchedule
from targets.models import Milestone

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
DATES = [date(2025, 11, 20), date(2025, 12, 31), date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]


@pytest.fixture
def xunyi_like(county, plan, indicator):
    ReportSchedule.objects.create(region=county, dispatch_months="5,8,11")
    plan.end_date = indicator.deadline = date(2026, 12, 31)
    plan.save()
    indicator.save()
    for n, day in enumerate(DATES, start=1):
        Milestone.objects.create(indicator=indicator, date=day, value=Decimal(100 * n))
    return county


def _dispatch(region, month: date, made: datetime):
    with time_machine.travel(made, tick=False):
        report = services.report_request(region=region, kind=ReportKind.QUARTERLY, month=month, enqueue=False)
        return services.report_generate(report_id=report.pk, render_pdf=False)


def test_the_november_dispatch_lists_december_to_february_as_due_next(xunyi_like):
    report = _dispatch(xunyi_like, date(2025, 11, 1), datetime(2025, 11, 26, 8, 0, tzinfo=SHANGHAI))
    assert (report.period_start, report.period_end) == (date(2025, 9, 1), date(2025, 11, 30))
    assert [r[2] for r in table(report.content, "milestones")["rows"]] == ["2025年11月20日"]
    upcoming = table(report.content, "milestones_next")["rows"]
    assert [(r[2], r[-1]) for r in upcoming] == [
        ("2025年12月31日", "下期到期"),
        ("2026年1月31日", "下期到期"),
        ("2026年2月28日", "下期到期"),
    ]  # March's falls in the May dispatch's span
    with report.docx.open("rb") as f:
        document = Document(BytesIO(f.read()))
    paragraphs = [p.text for p in document.paragraphs]
    assert "下期到期节点目标" in paragraphs
    assert any("至2026年2月28日还有3个节点目标到期" in p for p in paragraphs)
    keys = [b["key"] for b in report.content["blocks"] if b["type"] == "table"]
    docx_rows = document.tables[keys.index("milestones_next")].rows[1:]
    assert [r.cells[2].text for r in docx_rows] == ["2025年12月31日", "2026年1月31日", "2026年2月28日"]


def test_the_may_dispatch_judges_march_and_looks_to_august(xunyi_like):
    report = _dispatch(xunyi_like, date(2026, 5, 1), datetime(2026, 5, 26, 8, 0, tzinfo=SHANGHAI))
    assert (report.period_start, report.period_end) == (date(2026, 3, 1), date(2026, 5, 31))
    rows = table(report.content, "milestones")["rows"]
    assert [(r[2], r[-1]) for r in rows] == [("2026年3月31日", "未达成")]  # nothing reported for March
    assert "milestones_next" not in [b.get("key") for b in report.content["blocks"]]
