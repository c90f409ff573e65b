"""A supervisor uploads a responsibility table in Chromium, edits the preview and saves the plan."""

import pytest

from targets.models import Indicator, Plan, Target

from ..conftest import browser_create_unknown_units, browser_login, browser_upload_plan
from .tables import dongtou, dongtou_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_uploads_edits_the_preview_and_commits(browser_page, supervisor, dept, tmp_path):
    table = tmp_path / "责任分解表.xlsx"
    table.write_bytes(dongtou_xlsx(dongtou.TASKS[:3]))
    page = browser_page
    browser_login(page, supervisor.username)
    browser_upload_plan(page, table)
    page.shot("preview")
    assert page.locator("[data-task]").count() == 3
    page.fill("input[name=t0-name]", "重大项目(已核)")
    page.uncheck("input[name=t0-i1-keep]")
    page.fill("input[name=t2-i0-target_value]", "95")
    browser_create_unknown_units(page)
    page.click("#commit")
    page.wait_for_url("**/plans/*/")
    page.shot("plan")
    plan = Plan.objects.get()
    assert page.url.endswith(f"/plans/{plan.pk}/")
    assert Target.objects.get(plan=plan, seq=1).name == "重大项目(已核)"
    assert Indicator.objects.filter(target__plan=plan, target__seq=1).count() == 1
    assert Indicator.objects.get(target__plan=plan, target__seq=3, order=0).target_value == 95
    assert Target.objects.get(plan=plan, seq=3).lead_units.get() == dept


def test_the_preview_names_each_problem_by_task_and_field_before_anything_is_saved(
    browser_page, supervisor, dept, tmp_path
):
    table = tmp_path / "责任分解表.xlsx"
    table.write_bytes(dongtou_xlsx(dongtou.TASKS[:2]))
    page = browser_page
    browser_login(page, supervisor.username)
    browser_upload_plan(page, table)
    assert page.input_value("input[name=start]") == "2023-01-01"
    assert page.input_value("select[name=first_period]")  # the first month not yet past due
    page.fill("input[name=start]", "2028-01-01")
    page.fill("input[name=end]", "2029-12-31")
    browser_create_unknown_units(page)
    page.click("#check")
    page.wait_for_selector("#problems")
    page.shot("problems-375")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.shot("problems-1366")
    problem = page.locator('#problems li[data-problem-field="deadline"]').first.inner_text()
    assert "任务1“重大项目建设”" in problem and "截止日期2027年12月31日早于方案开始日期2028年1月1日" in problem
    assert page.locator('#task-0 [data-problem="indicator"]').count() >= 1
    assert not Plan.objects.exists()
    page.fill("input[name=start]", "2023-01-01")
    page.fill("input[name=end]", "2027-12-31")
    # the months follow the period just typed back (static/js/app.js), read in Chinese as the server writes them
    page.select_option("select[name=first_period]", "2027-01")
    first = page.locator("select[name=first_period]")
    assert first.evaluate("e => e.options[e.selectedIndex].textContent") == "2027年1月"
    months = first.evaluate("e => Array.from(e.options, o => o.value)")
    assert months[-60:] == [f"{y}-{m:02d}" for y in range(2023, 2028) for m in range(1, 13)]
    page.click("#commit")
    page.wait_for_url("**/plans/*/")
    assert Plan.objects.get().first_period.isoformat() == "2027-01-01"
