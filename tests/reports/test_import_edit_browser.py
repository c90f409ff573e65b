"""In Chromium: the preview's sections and tasks are edited, added, dropped and moved; "Check again" writes
nothing; the plan is saved as the person left it. Screenshots at 375 px and 1280 px."""

import pytest

from targets.models import Plan, Section, Target

from ..conftest import browser_create_unknown_units, browser_login, browser_upload_plan
from .test_import_preview_edits import two_section_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sections_and_tasks_are_edited_in_the_browser_and_saved_as_left(browser_page, supervisor, dept, tmp_path):
    table = tmp_path / "任务清单.xlsx"
    table.write_bytes(two_section_xlsx())
    page = browser_page
    browser_login(page, supervisor.username)
    browser_upload_plan(page, table)
    assert page.locator("#sections tr[data-section]").count() == 3  # two sections and the row to add one
    page.fill("input[name=s0-title]", "一、产业兴旺")
    page.fill("input[name=snew-title]", "三、乡村治理")
    page.fill("input[name=t1-seq]", "7")
    page.check("input[name=t0-drop]")
    page.fill("input[name=tnew-name]", "村规民约修订")
    page.fill("input[name=tnew-lead_units]", "区农业农村局")
    page.click("#check")
    page.wait_for_selector("#preview-form")
    assert not Plan.objects.exists()  # checking writes nothing
    assert page.input_value("input[name=s0-title]") == "一、产业兴旺"
    assert page.input_value("input[name=s2-title]") == "三、乡村治理"
    names = [page.input_value(f"input[name=t{i}-name]") for i in range(page.locator("[data-task]").count())]
    assert names == ["村规民约修订", "村集体经济", "农村改厕"]  # the added task has no section yet: first
    page.select_option("select[name=t0-section]", label="三、乡村治理")
    page.select_option("select[name=t2-section]", label="一、产业兴旺")
    page.check("input[name=s1-drop]")
    page.fill("input[name=t0-new-name]", "修订村规民约的村")
    page.fill("input[name=t0-new-target_value]", "100")
    page.fill("input[name=t0-new-unit]", "%")
    browser_create_unknown_units(page)
    page.click("#check")
    page.wait_for_selector("#preview-form")
    assert not Plan.objects.exists()
    headings = page.locator("h2.section").all_inner_texts()
    assert headings == ["一、产业兴旺", "三、乡村治理"]
    page.shot("edited-375")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.shot("edited-1280")
    page.click("#commit")
    page.wait_for_url("**/plans/*/")
    page.shot("plan-1280")
    plan = Plan.objects.get()
    assert list(Section.objects.filter(plan=plan).values_list("title", flat=True)) == ["一、产业兴旺", "三、乡村治理"]
    targets = {t.name: t for t in Target.objects.filter(plan=plan)}
    assert set(targets) == {"村规民约修订", "村集体经济", "农村改厕"}
    assert targets["村集体经济"].seq == 7 and targets["村集体经济"].section.title == "一、产业兴旺"
    assert targets["农村改厕"].section.title == "一、产业兴旺"
    assert targets["村规民约修订"].section.title == "三、乡村治理"
    assert targets["村规民约修订"].indicators.get().name == "修订村规民约的村"
