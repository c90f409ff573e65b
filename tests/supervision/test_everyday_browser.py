"""The pages the everyday fixes touch, in a real browser at 1366 px and 375 px: dates in words, Chinese
punctuation, audit actions and values by their labels; each fits the screen, reads Chinese and loads every asset."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.services import audit_record
from supervision.models import SupervisionItem
from targets.lights import lights_rejudge_all

from ..browser_checks import at_each_width
from ..conftest import browser_login
from ..factories import IndicatorFactory, UserFactory
from .builders import submitted

USERNAMES = ("duchashi", "shenji", "nongye")  # people are shown by their log-in names
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def item(target, dept, dept_reporter, supervisor):
    today = timezone.localdate()
    start = (today.replace(day=1) - timedelta(days=170)).replace(day=1)
    indicator = IndicatorFactory(
        target=target,
        name="农村生活污水治理",
        start_date=start,
        deadline=start + timedelta(days=540),
        target_value=Decimal("130"),
        unit="个",
        frequency="quarterly",
    )
    submitted(indicator, dept, start, 5, start.replace(day=20), dept_reporter)
    lights_rejudge_all()
    item = SupervisionItem.objects.create(
        indicator=indicator,
        unit=dept,
        notice="请说明进度滞后原因",
        reply_due=today + timedelta(days=7),
        issued_by=supervisor,
    )
    audit_record(action="supervision.issue", by=supervisor, obj=item, new={"notice": item.notice, "unit": dept.pk})
    audit_record(
        action="indicator.update",
        by=supervisor,
        obj=indicator,
        old={"frequency": "monthly", "kind": "decrease"},
        new={"frequency": "quarterly", "kind": "increase"},
    )
    return item


def test_the_everyday_pages_read_in_chinese_at_both_widths(browser_page, item, supervisor, county):
    UserFactory(username="shenji", role=Role.AUDITOR, region=county)
    reply_due = item.reply_due
    words = f"{reply_due.year}年{reply_due.month}月{reply_due.day}日"
    browser_login(browser_page, supervisor.username)
    at_each_width(browser_page, f"{browser_page.base_url}/supervision/items/{item.pk}/", "item", USERNAMES)
    text = browser_page.inner_text("main")
    assert words in text and reply_due.isoformat() not in text
    assert "督办事项：" in text and "下发督办" in text and "supervision.issue" not in text
    at_each_width(
        browser_page, f"{browser_page.base_url}/supervision/indicators/{item.indicator_id}/", "indicator", USERNAMES
    )
    assert "督办通知：" in browser_page.inner_text("main")  # a form label, with the Chinese colon
    at_each_width(browser_page, f"{browser_page.base_url}/supervision/", "overview", USERNAMES)
    assert re.search(r"未销号督办事项（1）", browser_page.inner_text("main"))
    browser_page.context.clear_cookies()
    browser_login(browser_page, "shenji")
    at_each_width(browser_page, f"{browser_page.base_url}/accounts/audit/", "audit", USERNAMES)
    text = browser_page.inner_text("main")
    assert "按月 → 按季度" in text.replace("\n", " ") and "递减类" in text and "quarterly" not in text
    assert "区农业农村局" in text  # the unit kept by id, named
