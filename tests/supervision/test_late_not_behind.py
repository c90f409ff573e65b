"""An indicator ahead of its pace but lit because it is late shows why in words (逾期未报 / 逾期未完成) where
the lists show 落后百分点, never a negative figure: the page, the history, the API, the exports, the bulletin."""

import re
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from docx import Document
from openpyxl import load_workbook

from reports import services as report_services
from reports.bulletins.document import table
from reports.bulletins.xlsx_writer import write_xlsx
from supervision.rules import behind
from supervision.services import snapshot_freeze
from targets.rules import Reason

from ..conftest import api_as
from .builders import submitted

NOW = "2025-07-01 10:00 +08:00"


@pytest.fixture
def ahead_but_late(indicator, dept, dept_reporter):
    """1,000 of 1,200 by May (far ahead of the expected ~580 at 25 June), June's report missing: amber at the
    June end with a gap of about −35 points."""
    for month, value in ((1, 200), (2, 400), (3, 600), (4, 800), (5, 1000)):
        submitted(indicator, dept, date(2025, month, 1), value, date(2025, month, 20), dept_reporter)
    snapshot_freeze(as_of=date(2025, 6, 30))
    return indicator


def test_a_gap_shown_behind_stays_a_figure_and_a_late_light_ahead_of_pace_says_why():
    missing = Reason("missing", period="2025-06", due="2025-06-25")
    overdue = Reason("overdue", deadline="2025-12-31", completion="90.0")
    # (expected, completion) as a light keeps them, in fractions; the figure is the shown difference.
    assert behind(Decimal("0.5"), Decimal("0.377"), [missing]) == Decimal("12.3")
    assert behind(Decimal("0.5"), Decimal("0.5014"), [missing]) == "逾期未报"
    assert behind(Decimal("0.5004"), Decimal("0.5"), [missing.as_data()]) == "逾期未报"
    assert behind(Decimal("0.5"), Decimal("0.53"), [overdue, missing]) == "逾期未完成"
    assert behind(None, Decimal("0.5"), [missing]) == "逾期未报"
    assert behind(Decimal("0.5"), Decimal("0.55"), []) is None


@time_machine.travel(NOW, tick=False)
def test_the_red_and_amber_page_and_its_exports_say_late_instead_of_a_negative_gap(client, supervisor, ahead_but_late):
    client.force_login(supervisor)
    html = client.get("/supervision/list/?as_of=2025-06&light=flagged").content.decode()
    row = re.search(rf'<tr data-indicator="{ahead_but_late.pk}".*?</tr>', html, re.S)[0]
    assert "逾期未报" in row and not re.search(r">\s*-\d", row)
    sheet = load_workbook(BytesIO(client.get("/supervision/list/export.xlsx?as_of=2025-06&light=flagged").content))
    values = [row for row in sheet.active.iter_rows(values_only=True) if ahead_but_late.name in row]
    assert values and values[0][5] == "逾期未报"
    document = Document(BytesIO(client.get("/supervision/list/export.docx?as_of=2025-06&light=flagged").content))
    cells = [c.text.replace("\n", "") for r in document.tables[0].rows[1:] for c in r.cells]
    assert "逾期未报" in cells and not any(re.fullmatch(r"-[\d.,]+", c) for c in cells)


@time_machine.travel(NOW, tick=False)
def test_the_indicator_history_and_the_snapshots_api_never_show_a_negative_figure_as_behind(
    client, supervisor, ahead_but_late
):
    client.force_login(supervisor)
    html = client.get(f"/supervision/indicators/{ahead_but_late.pk}/").content.decode()
    row = re.search(r'<tr data-month="2025-06".*?</tr>', html, re.S)[0]
    assert "逾期未报" in row and not re.search(r">\s*-\d", row)
    snapshot = api_as(supervisor).get(f"/api/status-snapshots/?indicator={ahead_but_late.pk}").json()["results"][0]
    assert float(snapshot["gap"]) < 0 and snapshot["behind"] == "逾期未报"


@time_machine.travel(NOW, tick=False)
def test_the_bulletin_says_late_in_its_table_its_word_file_and_its_workbook(county, supervisor, ahead_but_late):
    request = report_services.report_request(region=county, kind="monthly", month=date(2025, 6, 30), by=supervisor)
    report = report_services.report_generate(report_id=request.pk, render_pdf=False)
    rows = table(report.content, "flagged_amber")["rows"]
    assert [row[3] for row in rows if row[0] == ahead_but_late.name] == ["逾期未报"]
    document = Document(report.docx.path)
    cells = [c.text.replace("\n", "") for t in document.tables for r in t.rows for c in r.cells]
    assert "逾期未报" in cells and not any(re.fullmatch(r"-[\d.,]+", c) for c in cells)
    workbook = load_workbook(BytesIO(write_xlsx(report.content)))
    values = [v for ws in workbook.worksheets for r in ws.iter_rows(values_only=True) for v in r]
    assert "逾期未报" in values
