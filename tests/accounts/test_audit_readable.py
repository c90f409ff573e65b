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
    assert re.search(r"状态</span>：<del>submitted</del> → <ins>approved</ins>", event)
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
        ("rows", None, "3"),
        ("ok", None, "是"),
    ]


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
