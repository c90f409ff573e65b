"""The targets admin on a phone: a task with its indicators, an indicator with its milestones and allocations fit
375 px (static/css/admin.css) as they fit 1366 px."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Role
from targets.models import Allocation

from ..browser_checks import WIDTHS, watch_assets
from ..conftest import browser_login
from ..factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_targets_and_an_indicators_inlines_fit_a_phone(browser_page, indicator, town_unit):
    UserFactory(username="sysadmin", role=Role.ADMIN, is_staff=True, is_superuser=True)
    indicator.milestones.create(date=date(2026, 6, 30), value=Decimal("60"))
    indicator.milestones.create(date=date(2026, 9, 30), value=Decimal("90"))
    Allocation.objects.create(indicator=indicator, unit=town_unit, target_value=Decimal("30"))
    page, base = browser_page, browser_page.base_url
    browser_login(page, "sysadmin")
    failed = watch_assets(page)
    for name, url in (
        ("indicator", f"/admin/targets/indicator/{indicator.pk}/change/"),
        ("target", f"/admin/targets/target/{indicator.target_id}/change/"),
    ):
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 812})
            page.goto(base + url)
            page.wait_for_load_state("networkidle")
            page.shot(f"{name}-{width}")
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"{url} is {scroll} px wide at {width} px"
            wide = page.evaluate(
                "() => Array.from(document.querySelectorAll('.inline-group')).map(g => g.scrollWidth - g.clientWidth)"
            )
            assert max(wide, default=0) <= 0, f"an inline of {url} scrolls sideways at {width} px: {wide}"
    assert not failed, f"assets failed: {failed}"
