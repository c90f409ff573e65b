"""The 落后百分点 a page, a list or a bulletin shows beside a reason is the number the reason gives: the
shown 序时进度 less the shown completion (targets.rules.shown_figures), not a second rounding of the
stored gap."""

import re
from datetime import date
from decimal import Decimal

import pytest
import time_machine

from reports import services as report_services
from reports.bulletins.document import table
from supervision.services import snapshot_freeze

from .builders import submitted

NOW = "2025-07-01 10:00 +08:00"
# 0 → 1,200 万元 over 2025, 200.76 reported for June: expected 48.077 %, completion 16.73 %, a gap of
# 31.349 points stored 31.35. The column showed 31.4 and the reason "应达48.1%，实际完成16.7%，落后31.3".
REASON = "序时进度应达48.1%，实际完成16.7%，落后31.4个百分点"


@pytest.fixture
def lagging(indicator, dept, dept_reporter):
    indicator.unit = "万元"
    indicator.save()
    for month in range(1, 7):
        submitted(indicator, dept, date(2025, month, 1), "200.76", date(2025, month, 20), dept_reporter)
    snapshot_freeze(as_of=date(2025, 6, 30))
    return indicator


def _points_and_reason(row: str) -> tuple[str, str]:
    cell = re.search(r'data-label="落后百分点">([^<]*)<', row)[1]
    return cell, re.search(r"落后([\d.]+)个百分点", row)[1]


@time_machine.travel(NOW, tick=False)
def test_the_history_row_and_the_list_row_show_the_points_their_reason_gives(client, supervisor, lagging):
    client.force_login(supervisor)
    html = client.get(f"/supervision/indicators/{lagging.pk}/").content.decode()
    row = re.search(r'<tr data-month="2025-06".*?</tr>', html, re.S)[0]
    assert REASON in row and _points_and_reason(row) == ("31.4", "31.4")
    html = client.get("/supervision/list/?as_of=2025-06&light=red").content.decode()
    row = re.search(rf'<tr data-indicator="{lagging.pk}".*?</tr>', html, re.S)[0]
    assert REASON in row and _points_and_reason(row) == ("31.4", "31.4")


@time_machine.travel(NOW, tick=False)
def test_the_bulletin_lists_the_points_its_reason_gives(county, supervisor, lagging):
    request = report_services.report_request(region=county, kind="monthly", month=date(2025, 6, 30), by=supervisor)
    report = report_services.report_generate(report_id=request.pk, render_pdf=False)
    rows = [row for row in table(report.content, "flagged_red")["rows"] if row[0] == lagging.name]
    assert [(Decimal(str(row[3])), REASON in row[4]) for row in rows] == [(Decimal("31.4"), True)]
