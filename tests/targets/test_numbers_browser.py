"""Large amounts read with 万/亿 and stored values shown as typed, in a real browser at 1366 px and 375 px."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from targets.choices import ReportStatus

from ..browser_checks import at_each_width
from ..conftest import browser_login
from ..factories import IndicatorFactory, PlanFactory, ProgressReportFactory, TargetFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def grain(county, dept):
    today = timezone.localdate()
    plan = PlanFactory(region=county, start_date=date(today.year, 1, 1), end_date=date(today.year + 1, 12, 31))
    target = TargetFactory(plan=plan, name="粮食生产")
    target.lead_units.add(dept)
    return IndicatorFactory(
        target=target,
        name="粮食总产量",
        unit="斤",
        baseline=Decimal("6000000"),
        target_value=Decimal("6711600"),
        start_date=date(today.year, 1, 1),
        deadline=date(today.year + 1, 12, 31),
    )


def test_my_work_reads_a_large_amount_and_the_entry_field_drops_trailing_zeros(
    browser_page, grain, dept, dept_reporter
):
    page = browser_page
    today = timezone.localdate()
    ProgressReportFactory(
        indicator=grain,
        unit=dept,
        period_start=today.replace(day=1),
        value=Decimal("6100000.5000"),
        status=ReportStatus.RETURNED,
        created_by=dept_reporter,
    )
    browser_login(page, dept_reporter.username)
    at_each_width(page, f"{page.base_url}/my-work/", "my-work")
    row = page.locator(f"li[data-indicator='{grain.pk}']").inner_text()
    assert "671.16万斤" in row and "6711600" not in row
    page.goto(f"{page.base_url}/entry/{grain.pk}/{today:%Y-%m}/")
    assert page.input_value("#id_value") == "6100000.5"
