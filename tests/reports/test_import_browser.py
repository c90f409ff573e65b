"""A supervisor uploads a responsibility table in Chromium, edits the preview and saves the plan."""
import pytest

from targets.demo import dongtou
from targets.models import Indicator, Plan, Target

from ..conftest import browser_login
from .tables import dongtou_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_uploads_edits_the_preview_and_commits(browser_page, supervisor, dept, tmp_path):
    table = tmp_path / "责任分解表.xlsx"
    table.write_bytes(dongtou_xlsx(dongtou.TASKS[:3]))
    page = browser_page
    browser_login(page, supervisor.username)
    page.goto(page.base_url + "/reports/import/")
    page.set_input_files("input[name=file]", str(table))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#preview-form")
    page.shot("preview")
    assert page.locator("[data-task]").count() == 3
    page.fill("input[name=t0-name]", "重大项目(已核)")
    page.uncheck("input[name=t0-i1-keep]")
    page.fill("input[name=t2-i0-target_value]", "95")
    for select in page.locator("#units select").all():
        if not select.input_value():
            select.select_option("create")
    page.click("#commit")
    page.wait_for_url("**/plans/*/")
    page.shot("plan")
    plan = Plan.objects.get()
    assert page.url.endswith(f"/plans/{plan.pk}/")
    assert Target.objects.get(plan=plan, seq=1).name == "重大项目(已核)"
    assert Indicator.objects.filter(target__plan=plan, target__seq=1).count() == 1
    assert Indicator.objects.get(target__plan=plan, target__seq=3, order=0).target_value == 95
    assert Target.objects.get(plan=plan, seq=3).lead_units.get() == dept
