"""The supervision office generates a bulletin in the browser, opens it and downloads the Word file."""

import time
from datetime import date
from io import BytesIO

import pytest
from docx import Document
from playwright.sync_api import expect

from accounts.models import Role
from reports import services
from reports.models import GeneratedReport

from ..conftest import browser_login
from ..factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_generates_opens_and_downloads_a_bulletin_on_a_phone(browser_page, supervisor, county, indicator):
    page = browser_page
    browser_login(page, supervisor.username)
    page.goto(page.base_url + "/reports/bulletins/")
    page.select_option("#id_kind", "monthly")
    page.select_option("#id_month", "2025-05")
    page.shot("request-form")
    page.click("#report-request button[type=submit]")
    page.wait_for_load_state("networkidle")
    report = GeneratedReport.objects.get()
    # In-process Celery has made it already; with a broker and no worker in this test, make it here.
    services.report_generate(report_id=report.pk)
    page.reload()
    row = page.locator(f"tr[data-report='{report.pk}']")
    assert row.get_attribute("data-status") == "done"
    page.shot("list")
    with page.expect_download() as download:
        row.locator("a[data-download='docx']").click()
    with open(download.value.path(), "rb") as f:
        document = Document(BytesIO(f.read()))
    assert document.paragraphs[1].text.endswith("〔2025〕1号")  # under the organ's mark: its first report
    row.locator("td a").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("table[data-table='lights']").is_visible()
    page.shot("report-page")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 380, f"the report page scrolls sideways on a phone ({width} px)"


def test_office_sets_its_document_frame_on_a_phone_and_on_a_desktop(browser_page, supervisor, county, indicator):
    page = browser_page
    browser_login(page, supervisor.username)
    page.goto(page.base_url + "/reports/bulletins/")
    page.click("#frame-link")
    page.wait_for_load_state("networkidle")
    page.fill("#id_organ_mark", "测试县巩固衔接工作领导小组办公室")
    page.fill("#id_number_pattern", "测巩衔办发〔{year}〕{n}号")
    page.shot("frame-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 380
    page.click("#document-frame button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#id_organ_mark").input_value() == "测试县巩固衔接工作领导小组办公室"
    page.set_viewport_size({"width": 1366, "height": 900})
    page.shot("frame-desktop")
    report = services.report_request(region=county, kind="monthly", month=date(2025, 5, 1))
    assert services.report_generate(report_id=report.pk).content["doc_number"] == "测巩衔办发〔2025〕1号"


def test_a_leader_confirms_before_signing_and_a_dismissed_question_signs_nothing(
    browser_page, supervisor, county, indicator
):
    leader = UserFactory(username="lingdao", role=Role.LEADER, region=county)
    report = services.report_request(region=county, kind="monthly", month=date(2025, 5, 1), by=supervisor)
    services.report_generate(report_id=report.pk)
    page = browser_page
    browser_login(page, leader.username)
    page.goto(f"{page.base_url}/reports/bulletins/{report.pk}/")
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    page.click("#signoff-form button[value=sign]")
    page.wait_for_timeout(300)
    report.refresh_from_db()
    assert report.signoff == "awaiting" and questions == [f"确认签发{report}？签发后即为定稿，不能退回或再次签发。"]
    page.once("dialog", lambda dialog: answer(dialog, True))
    page.click("#signoff-form button[value=sign]")
    page.wait_for_load_state("networkidle")
    report.refresh_from_db()
    assert report.signoff == "signed" and len(questions) == 2


def test_a_double_click_on_generate_sends_one_request_shows_it_is_working_and_makes_one_version(
    browser_page, supervisor, county, indicator, monkeypatch
):
    request = services.report_request

    def slow(**kwargs):  # the walkthrough's county took about 6 s; the page must hold still meanwhile
        time.sleep(3)
        return request(**kwargs)

    monkeypatch.setattr(services, "report_request", slow)
    page = browser_page
    browser_login(page, supervisor.username)
    page.goto(page.base_url + "/reports/bulletins/")
    page.select_option("#id_kind", "monthly")
    page.select_option("#id_month", "2025-05")
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    # What the page shows once the first click is taken, written where the next page can read it (the
    # form's state is gone when the answer replaces the page).
    page.evaluate(
        """() => document.getElementById("report-request").addEventListener("submit", () => setTimeout(() => {
             const form = document.getElementById("report-request"), b = form.querySelector("button[type=submit]");
             sessionStorage.setItem("busy", JSON.stringify([b.disabled, b.textContent, form.getAttribute("aria-busy")]));
           }, 0))"""
    )
    page.locator("#report-request button[type=submit]").dblclick()
    page.wait_for_selector(".msg.success", timeout=60_000)
    assert posts == [page.base_url + "/reports/bulletins/request/"]
    assert list(GeneratedReport.objects.values_list("version", flat=True)) == [1]
    assert page.evaluate('() => JSON.parse(sessionStorage.getItem("busy"))') == [True, "正在生成，需要几秒钟…", "true"]
    expect(page.locator("#report-request button[type=submit]")).to_be_enabled()
