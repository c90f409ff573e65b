"""A leader's 批示 in a real browser: written on the indicator page, carried out from the unit's My work,
closed by the office from its list; on a phone (375 px) and a desktop (1280 px)."""

import pytest

from accounts.models import Role
from instructions.models import Instruction

from ..conftest import browser_login
from ..factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {"report": "填报", "item": "督办事项", "bulletin": "通报"}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


def _shots(page, name):
    """The same page at both widths."""
    page.set_viewport_size(DESKTOP)
    page.shot(f"{name}-1280")
    page.set_viewport_size(PHONE)
    page.shot(f"{name}-375")


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"] + 1


def test_a_leader_writes_an_instruction_the_unit_answers_and_the_office_closes_it(
    browser_page, county, supervisor, dept_reporter, indicator
):
    leader = UserFactory(username="lingdao", first_name="李", last_name="县长", role=Role.LEADER, region=county)
    page = browser_page
    browser_login(page, leader.username)
    page.goto(page.base_url + f"/supervision/indicators/{indicator.pk}/")
    page.click("#issue-instruction")
    page.wait_for_load_state("networkidle")
    assert page.locator("input[name=units]:checked").count() == 1  # the lead unit, ticked
    page.fill("#id_text", "请农业农村局抓紧推进，6月底前把改厕进度赶上序时。")
    _shots(page, "issue-form")
    _fits(page)
    page.click("#send-instruction")
    page.wait_for_load_state("networkidle")
    instruction = Instruction.objects.get()
    assert page.url.endswith(f"/supervision/indicators/{indicator.pk}/")
    assert page.locator(f"#instructions [data-instruction='{instruction.pk}']").count() == 1
    page.locator("#instructions").scroll_into_view_if_needed()
    _shots(page, "indicator-with-instruction")

    page.context.clear_cookies()
    browser_login(page, dept_reporter.username)
    page.goto(page.base_url + "/my-work/")
    tab = page.locator("a[data-tab=instructions]")
    assert tab.locator(".count").inner_text() == "1"
    tab.click()
    page.wait_for_load_state("networkidle")
    _shots(page, "my-work-instructions")
    _fits(page)
    page.click(f"#pending-instructions [data-instruction='{instruction.pk}'] a.button")
    page.wait_for_load_state("networkidle")
    page.click("#acknowledge")
    page.wait_for_load_state("networkidle")
    page.fill("#id_response", "已召开专题会，落实资金120万元，6月28日前完成剩余300户改厕。")
    page.click("#respond")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1[data-status]").get_attribute("data-status") == "answered"
    _shots(page, "answered")
    _fits(page)

    page.context.clear_cookies()
    browser_login(page, supervisor.username)
    page.goto(page.base_url + "/instructions/?state=answered")
    _shots(page, "ledger")
    _fits(page)
    page.click(f"tr[data-instruction='{instruction.pk}'] a >> nth=0")
    page.wait_for_load_state("networkidle")
    page.fill("#id_comment", "已落实，同意办结。")
    page.click("#close")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1[data-status]").get_attribute("data-status") == "closed"
    _shots(page, "closed")
    actions = [a.get_attribute("data-action") for a in page.locator("[data-audit] [data-action]").all()]
    assert actions == ["instruction.issue", "instruction.acknowledge", "instruction.respond", "instruction.close"]


def test_the_panel_and_button_on_the_report_item_and_bulletin_pages(
    browser_page, county, supervisor, dept, dept_reporter, indicator
):
    from datetime import date

    from instructions import services
    from reports.models import GeneratedReport, ReportKind, ReportState
    from supervision.models import SupervisionItem

    from ..factories import ProgressReportFactory

    leader = UserFactory(username="lingdao", first_name="李", last_name="县长", role=Role.LEADER, region=county)
    report = ProgressReportFactory(
        indicator=indicator, unit=dept, period_start=date(2025, 5, 1), created_by=dept_reporter
    )
    item = SupervisionItem.objects.create(
        indicator=indicator,
        unit=dept,
        notice="5月进度滞后，请说明原因。",
        reply_due=date(2099, 6, 20),
        issued_by=supervisor,
    )
    bulletin = GeneratedReport.objects.create(
        region=county,
        kind=ReportKind.MONTHLY,
        period_start=date(2025, 5, 1),
        period_end=date(2025, 5, 31),
        status=ReportState.DONE,
    )
    pages = {
        "report": (report, f"/reports/{report.pk}/"),
        "item": (item, f"/supervision/items/{item.pk}/"),
        "bulletin": (bulletin, f"/reports/bulletins/{bulletin.pk}/"),
    }
    for kind, (obj, _url) in pages.items():
        services.instruction_issue(
            kind=kind, target=obj, by=leader, text=f"请认真研究{WORDS[kind]}反映的问题，抓紧整改。", units=[dept]
        )
    page = browser_page
    browser_login(page, leader.username)
    assert page.goto(page.base_url + pages["report"][1]) and page.locator("#comment-form").count() == 0
    for kind, (obj, url) in pages.items():
        page.goto(page.base_url + url)
        panel = page.locator("#instructions")
        assert panel.locator("[data-instruction]").count() == 1 and panel.locator("#issue-instruction").count() == 1
        panel.scroll_into_view_if_needed()
        _shots(page, f"{kind}-panel")
        _fits(page)
