"""The audit log reads in words: Chinese action names, the object by kind and name with a link, old → new per
field, and on a phone nothing wider than the screen."""

import re

import pytest

from accounts.audit_labels import ACTIONS, changes
from accounts.models import Role
from accounts.services import audit_record

from ..browser_checks import at_each_width
from ..conftest import browser_login
from ..factories import ProgressReportFactory, UserFactory


@pytest.fixture
def auditor(county):
    return UserFactory(username="shenji", role=Role.AUDITOR, region=county)


@pytest.mark.django_db
def test_an_event_shows_its_action_in_words_its_object_with_a_link_and_each_change(
    client, auditor, supervisor, indicator, dept, dept_reporter
):
    report = ProgressReportFactory(indicator=indicator, unit=dept, created_by=dept_reporter)
    audit_record(
        action="report.approve",
        by=supervisor,
        obj=report,
        old={"status": "submitted", "value": "400"},
        new={"status": "approved", "value": "400"},
    )
    client.force_login(auditor)
    html = client.get("/accounts/audit/").content.decode()
    event = re.search(
        r'<li class="audit-event[^"]*"[^>]*data-action="report.approve".*?</li>\s*</ul>', html, flags=re.S
    ).group(0)
    assert "审核通过进度填报" in event and "report.approve" not in event.split(">", 1)[1]
    assert f'href="/reports/{report.pk}/"' in event and "进度填报" in event
    assert re.search(r"状态</span>：<del>已报送</del> → <ins>已通过</ins>", event)
    assert "{'status'" not in html and "accounts.User" not in html
    assert '<option value="report.approve">审核通过进度填报</option>' in html


def test_every_action_recorded_in_the_code_has_a_name(settings):
    from pathlib import Path

    codes = set()
    for path in Path(settings.BASE_DIR).glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts:
            continue
        codes |= set(re.findall(r'action="([a-z_]+\.[a-z_]+)"', path.read_text(encoding="utf-8")))
    assert codes and not codes - set(ACTIONS)


def test_a_value_that_is_not_a_mapping_is_still_shown_as_a_change():
    assert [(c.field, c.old, c.new) for c in changes("no.Such", None, {"rows": 3, "ok": True})] == [
        ("行数", None, "3"),
        ("ok", None, "是"),
    ]


@pytest.mark.django_db
def test_stored_codes_read_as_their_labels_dates_in_words_and_objects_by_name(indicator, target):
    """Choices by their labels (递增类, 按季度, not increase / quarterly), a foreign key kept by id by the
    object's name, a day in words, and a dict (an admin delete's cascade, by model) as 名称：值；…"""
    shown = {
        c.field: (c.old, c.new)
        for c in changes(
            "targets.Indicator",
            {"frequency": "monthly", "kind": "decrease", "deadline": "2027-12-31"},
            {"frequency": "quarterly", "kind": "increase", "deadline": "2028-06-30", "target": target.pk},
        )
    }
    assert shown["填报频次"] == ("按月", "按季度")
    assert shown["类型"] == ("递减类", "递增类")
    assert shown["完成时限"] == ("2027年12月31日", "2028年6月30日")
    assert shown["任务"] == ("—", str(target))
    [cascade] = changes("targets.Plan", {"_deleted_with_it": {"targets.Section": 2, "targets.Target": 5}}, None)
    assert (cascade.field, cascade.old) == ("一并删除", "章节：2；任务：5")
    [gone] = changes("targets.Indicator", None, {"target": 999999})
    assert gone.new == "999999"  # a deleted object stays its id


@pytest.mark.django_db
def test_the_supervision_pages_name_their_audit_actions(client, indicator, dept, supervisor):
    from datetime import date

    from supervision.models import SupervisionItem

    item = SupervisionItem.objects.create(
        indicator=indicator, unit=dept, notice="请说明原因", reply_due=date(2099, 7, 8), issued_by=supervisor
    )
    audit_record(action="supervision.issue", by=supervisor, obj=item, new={"notice": "请说明原因"})
    client.force_login(supervisor)
    for url in (f"/supervision/items/{item.pk}/", f"/supervision/indicators/{indicator.pk}/"):
        html = client.get(url).content.decode()
        trail = re.search(r"<table class=\"indicators\" data-audit>.*?</table>", html, flags=re.S).group(0)
        assert '<td data-action="supervision.issue">下发督办</td>' in trail, url
        assert ">supervision.issue<" not in trail


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_audit_log_fits_the_screen_at_both_widths(
    browser_page, auditor, supervisor, indicator, dept, dept_reporter
):
    report = ProgressReportFactory(indicator=indicator, unit=dept, created_by=dept_reporter)
    audit_record(
        action="report.update",
        by=dept_reporter,
        obj=report,
        old={"narrative": "短"},
        new={"narrative": "很长的工作进展说明" * 40},
    )
    browser_login(browser_page, auditor.username)
    at_each_width(
        browser_page,
        f"{browser_page.base_url}/accounts/audit/",
        "audit-log",
        allowed=[auditor.username, dept_reporter.username, supervisor.username],
    )
