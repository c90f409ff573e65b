"""The office picks the red and amber list in the browser and downloads it as .xlsx, the rows the page shows."""

from datetime import date
from io import BytesIO

import pytest
import time_machine
from openpyxl import load_workbook

from supervision.services import snapshot_freeze

from ..conftest import browser_login
from .builders import submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_downloads_the_red_and_amber_list_it_filtered_on_a_phone(
    browser_page, supervisor, indicator, dept, dept_reporter
):
    submitted(indicator, dept, date(2025, 5, 1), 300, date(2025, 5, 20), dept_reporter)
    with time_machine.travel("2025-07-01 10:00 +08:00", tick=False):
        snapshot_freeze(as_of=date(2025, 6, 30))
    page = browser_page
    browser_login(page, supervisor.username)
    page.goto(page.base_url + "/supervision/list/?as_of=2025-06")
    page.click("details.filters-box > summary")  # on a phone the filters start folded
    page.select_option("#id_light", "flagged")
    page.click("form[data-filters] button[type=submit]")
    page.wait_for_load_state("networkidle")
    shown = page.locator("tr[data-indicator]").count()
    assert shown == 1
    page.shot("red-and-amber-list")
    with page.expect_download() as download:
        page.click("#export-xlsx")
    assert download.value.suggested_filename == "洞头区-2025年6月-红灯、黄灯指标清单.xlsx"
    with open(download.value.path(), "rb") as f:
        sheet = load_workbook(BytesIO(f.read()))["指标清单"]
    assert sheet["A1"].value == "洞头区红灯、黄灯指标清单（2025年6月）"
    rows = [r for r in sheet.iter_rows(min_row=5, values_only=True) if r[0] is not None]
    assert len(rows) == shown and rows[0][1] == indicator.name and rows[0][3] == "红灯"
