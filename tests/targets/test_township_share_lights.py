"""A township's pages read its own share: My work's light and the review queue's light and target.

The walkthrough found 大门镇's My work showing the county figure's 红灯 ("…至今未报送", another
township's missing report) right above its own report, and /review/ reading a township's value
against the county target (9.71 个 / 80 个) instead of its share."""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from targets import selectors
from targets.choices import ReportStatus
from targets.lights import lights_rejudge_all
from targets.models import Allocation, ProgressReport

from ..factories import RegionFactory, UnitFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2025, 7, 10)


@pytest.fixture
def shared(indicator, town_unit, town_reporter, county):
    """1,200 座 for the county: 大门镇 130, on pace every month; 北岙街道 1,070, never reported."""
    other = UnitFactory(
        county=county,
        name="北岙街道",
        kind="township",
        township=RegionFactory(code="330305001000", name="北岙街道", level="township"),
    )
    Allocation.objects.create(indicator=indicator, unit=town_unit, target_value=Decimal("130"))
    Allocation.objects.create(indicator=indicator, unit=other, target_value=Decimal("1070"))
    for month in range(1, 7):
        status = ReportStatus.SUBMITTED if month == 6 else ReportStatus.APPROVED
        ProgressReport.objects.create(
            indicator=indicator,
            unit=town_unit,
            period_start=date(2025, month, 1),
            value=Decimal(12 * month),
            status=status,
            created_by=town_reporter,
            submitted_by=town_reporter,
            submitted_at=datetime.combine(date(2025, month, 20), time(10), tzinfo=SHANGHAI),
        )
    return indicator


def _my_work_status(client, indicator) -> str:
    html = client.get("/my-work/").content.decode()
    row = html[html.index(f'data-indicator="{indicator.pk}"') :]
    return row[row.index('data-status="') + 13 :].split('"')[0]


@pytest.mark.parametrize("stored", [True, False], ids=["stored lights", "judged afresh"])
@time_machine.travel("2025-07-10 10:00 +08:00", tick=False)
def test_my_work_shows_the_townships_own_light_not_the_countys(client, town_reporter, town_unit, shared, stored):
    if stored:
        lights_rejudge_all()
    county = selectors.indicator_status(shared, TODAY)
    assert county.status == "red"  # 北岙街道 never reported
    own = selectors.share_lights(indicator_ids=[shared.pk], unit_ids=[town_unit.pk], as_of=TODAY)
    assert own[(shared.pk, town_unit.pk)].status == "green"
    client.force_login(town_reporter)
    assert _my_work_status(client, shared) == "green"
    html = client.get("/my-work/").content.decode()
    assert "未报送" not in html[html.index(f'data-indicator="{shared.pk}"') :][:1500]


@time_machine.travel("2025-07-10 10:00 +08:00", tick=False)
def test_the_review_queue_reads_a_townships_value_against_its_share(client, supervisor, town_unit, shared):
    lights_rejudge_all()
    report = ProgressReport.objects.get(unit=town_unit, period_start=date(2025, 6, 1))
    client.force_login(supervisor)
    html = client.get("/review/").content.decode()
    card = html[html.index(f'data-report="{report.pk}"') :]
    card = card[: card.index("</li>")]
    assert 'data-light="green"' in card
    assert 'data-target="130' in card and "72 座" in card and "/ <span" in card and "1,200" not in card
    detail = client.get(f"/reports/{report.pk}/").content.decode()
    assert 'data-target="130' in detail
