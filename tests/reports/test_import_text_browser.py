"""A supervisor uploads the Xunyi plan as published (plain text) in Chromium, checks the preview and saves it."""

from pathlib import Path

import pytest

from accounts.models import Role
from regions.models import RegionLevel
from targets.models import Plan, Section, Target
from tests.factories import RegionFactory, UserFactory

from ..conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XUNYI = Path(__file__).resolve().parents[2] / "demo" / "data" / "xunyi.txt"


def test_the_xunyi_text_is_uploaded_previewed_and_saved_with_its_actions_and_tasks(browser_page, tmp_path):
    county = RegionFactory(code="610429000000", name="旬邑县", level=RegionLevel.COUNTY)
    office = UserFactory(username="xunyi-duchashi", role=Role.SUPERVISOR, region=county)
    upload = tmp_path / "旬邑县十大提升行动实施方案.txt"
    upload.write_bytes(XUNYI.read_bytes())
    page = browser_page
    browser_login(page, office.username)
    page.goto(page.base_url + "/reports/import/")
    page.set_input_files("input[name=file]", str(upload))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#preview-form")
    assert page.locator("[data-task]").count() == 38
    assert page.input_value("input[name=doc_number]") == "旬巩衔组发〔2024〕1号"
    page.click("#not-understood summary")
    assert page.locator("#not-understood li", has_text="“季调度”,于5月底、8月底、11月底").is_visible()
    page.shot("preview")
    for row in page.locator("tr[data-indicator]:not([data-indicator=new])").all():
        baseline = row.locator("input[name$=-baseline]")
        if not baseline.input_value():  # what the text does not give, the person types in
            target = float(row.locator("input[name$=-target_value]").input_value())
            kind = row.locator("select[name$=-kind]").input_value()
            baseline.fill(str(int(target) + 1 if kind == "decrease" else 0))
    page.click("#commit")
    page.wait_for_url("**/plans/*/")
    page.shot("plan")
    plan = Plan.objects.get()
    assert (plan.doc_number, plan.start_date.isoformat(), plan.end_date.isoformat()) == (
        "旬巩衔组发〔2024〕1号",
        "2024-03-01",
        "2024-12-31",
    )
    assert Section.objects.filter(plan=plan, parent__isnull=False).count() == 10
    assert Target.objects.filter(plan=plan).count() == 38
    body = page.locator("main").inner_text() if page.locator("main").count() else page.inner_text("body")
    assert "(十)开展乡村治理提升行动" in body and "积极拓宽就业渠道" in body
