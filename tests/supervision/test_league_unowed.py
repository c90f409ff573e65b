"""A unit that owed no report in the month is not ranked: not on the page's ranks, not in the
export, not in the bulletin's table (the walkthrough found 区财政局 ranked 21st with 应报数 0)."""

from datetime import date
from io import BytesIO

import pytest
import time_machine
from openpyxl import load_workbook

from reports.bulletins import content
from reports.bulletins.document import DocumentBuilder, table
from supervision import figures
from supervision.services import snapshot_freeze

from ..factories import UnitFactory
from .builders import submitted

NOW = "2025-07-01 10:00 +08:00"


@pytest.fixture
def idle_unit(county, target, indicator, dept, dept_reporter):
    """区财政局 co-leads the task after 区农业农村局, so it owes no report: the first lead reports."""
    finance = UnitFactory(county=county, name="区财政局")
    target.lead_units.add(finance)
    for month in (5, 6):
        submitted(indicator, dept, date(2025, month, 1), 100 * month, date(2025, month, 20), dept_reporter)
    snapshot_freeze(as_of=date(2025, 6, 30))
    return finance


@pytest.fixture
def office(client, supervisor):
    client.force_login(supervisor)
    return client


def test_a_unit_owing_nothing_is_not_ranked_but_named_apart(county, idle_unit):
    units = figures.league_table(region=county, month=date(2025, 6, 1))["units"]
    assert [(r.label, r.rank, r.expected) for r in units] == [("区农业农村局", 1, 1)]
    assert [r.label for r in units.idle] == ["区财政局"]


@time_machine.travel(NOW, tick=False)
def test_the_league_page_and_export_leave_the_unit_out_of_the_ranks(office, idle_unit):
    html = office.get("/supervision/league/?as_of=2025-06").content.decode()
    ranked = html[html.index('data-league="units"') : html.index('data-idle="units"')]
    assert "区农业农村局" in ranked and "区财政局" not in ranked
    idle = html[html.index('data-idle="units"') :]
    assert '本月无应报事项（不参与排名）：<span class="idle-names">区财政局</span>' in idle[:200]
    sheet = load_workbook(BytesIO(office.get("/supervision/league/export.xlsx?as_of=2025-06").content))["部门"]
    names = [row[1] for row in sheet.iter_rows(min_row=5, values_only=True) if row[1]]
    assert names == ["区农业农村局"]


def test_the_bulletin_ranks_only_units_that_owed_a_report(county, idle_unit):
    doc = DocumentBuilder(title="t", doc_number="", issuer="", issued_on=date(2025, 7, 5))
    content.league(doc, region=county, month=date(2025, 6, 1))
    built = doc.as_dict()
    assert [row[1] for row in table(built, "league_units")["rows"]] == ["区农业农村局"]
    assert any(
        b["type"] == "paragraph" and "区财政局" in b["text"] and "不参与排名" in b["text"] for b in built["blocks"]
    )
