"""The import pages: upload, preview with edits, commit in one transaction."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from targets.models import Indicator, Plan, Target

from .tables import dongtou, dongtou_xlsx, upload

pytestmark = pytest.mark.django_db


def preview(client, supervisor, tasks):
    client.force_login(supervisor)
    response = client.post(
        reverse("import-upload"), {"region": "330305000000", "file": upload(dongtou_xlsx(tasks), "t.xlsx")}
    )
    assert response.status_code == 302
    return response["Location"]


def test_the_preview_shows_tasks_units_and_indicators_and_writes_nothing(client, supervisor, dept):
    url = preview(client, supervisor, dongtou.TASKS[:4])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-task="') == 4
    assert 'data-unit="区农业农村局"' in html and "和美乡村建成率" in html
    assert f'value="use:{dept.pk}" selected' in html
    assert not Plan.objects.exists()


def test_edits_drops_and_additions_are_saved_on_commit(client, supervisor, dept):
    url = preview(client, supervisor, dongtou.TASKS[:3])
    form = {
        "title": "测试方案",
        "t0-name": "重大项目",
        "t1-drop": "on",
        "t0-i0-keep": "on",
        "t0-i0-name": "重大项目个数",
        "t0-i0-kind": "increase",
        "t0-i0-baseline": "0",
        "t0-i0-target_value": "95",
        "t0-i0-unit": "个",
        "t0-i0-deadline": "2027-12-31",
        "t2-new-name": "新增指标",
        "t2-new-kind": "increase",
        "t2-new-baseline": "0",
        "t2-new-target_value": "7",
        "t2-new-unit": "个",
        "t2-new-deadline": "2026-12-31",
    }
    for k in range(5):
        form[f"u{k}-decision"] = "create"
    form["u1-decision"] = f"use:{dept.pk}"
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = Plan.objects.get()
    assert plan.title == "测试方案"
    assert list(Target.objects.filter(plan=plan).values_list("seq", "name")) == [(1, "重大项目"), (3, "和美乡村建设")]
    first = Indicator.objects.filter(target__seq=1)
    assert [(i.name, i.target_value) for i in first] == [("重大项目个数", 95)]
    assert Indicator.objects.filter(target__seq=3, name="新增指标", target_value=7).exists()
    assert Target.objects.get(seq=3).lead_units.get() == dept


def test_an_undecided_unit_keeps_the_preview_and_writes_nothing(client, supervisor, dept):
    url = preview(client, supervisor, dongtou.TASKS[:2])
    response = client.post(url, {"t0-i0-keep": "on"})
    assert response.status_code == 400
    assert b"data-problems" in response.content and b'data-problem-field="units"' in response.content
    assert not Plan.objects.exists()


def test_a_reporter_cannot_open_the_import_page(client, dept_reporter):
    client.force_login(dept_reporter)
    assert client.get(reverse("import-upload")).status_code == 403


def test_a_bad_file_is_refused_on_the_page(client, supervisor):
    client.force_login(supervisor)
    response = client.post(reverse("import-upload"), {"region": "330305000000", "file": upload(b"garbage", "t.xlsx")})
    assert response.status_code == 400 and b'data-error="upload"' in response.content


def test_a_decrease_without_baseline_is_flagged_and_must_be_completed(client, supervisor, dept):
    from django.utils import translation

    tasks = [t for t in dongtou.TASKS if t["seq"] == 5]
    url = preview(client, supervisor, tasks)
    with translation.override("en"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "data-warning" in page
    form = {
        "t0-i0-keep": "on",
        "t0-i0-name": "城乡居民收入倍差",
        "t0-i0-kind": "decrease",
        "t0-i0-baseline": "",
        "t0-i0-target_value": "1.54",
        "t0-i0-unit": "倍",
        "t0-i0-deadline": "2027-12-31",
        "u0-decision": "create",
    }
    assert client.post(url, form).status_code == 400 and not Plan.objects.exists()
    form["t0-i0-baseline"] = "1.60"
    assert client.post(url, form).status_code == 302
    indicator = Indicator.objects.get()
    assert (indicator.kind, indicator.baseline, indicator.target_value) == ("decrease", Decimal("1.6"), Decimal("1.54"))


def test_creating_a_unit_that_already_exists_uses_the_existing_one(client, supervisor, dept):
    url = preview(client, supervisor, [t for t in dongtou.TASKS if t["seq"] == 4])
    response = client.post(
        url,
        {
            "t0-i0-keep": "on",
            "t0-i0-name": "村级集体经济总收入",
            "t0-i0-kind": "increase",
            "t0-i0-baseline": "0",
            "t0-i0-target_value": "24000",
            "t0-i0-unit": "万元",
            "t0-i0-deadline": "2027-12-31",
            "u0-decision": "create",
            "u1-decision": "create",
        },
    )
    assert response.status_code == 302
    assert set(Target.objects.get().lead_units.all()) >= {dept}


def test_a_plan_naming_no_unit_gets_no_empty_units_card(client, supervisor, dept):
    client.force_login(supervisor)
    text = ("洞头区示范村建设实施方案\n一、主要任务\n（一）建设示范村。到2024年底，建成示范村10个。\n").encode("utf-8")
    response = client.post(reverse("import-upload"), {"region": "330305000000", "file": upload(text, "plan.txt")})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "建成示范村" in html or "建设示范村" in html
    assert 'id="units"' not in html
    with_units = client.get(preview(client, supervisor, dongtou.TASKS[:1])).content.decode()
    assert 'id="units"' in with_units


STAGED_PLAN = """禾丰县2024年农村就业帮扶工作实施方案

实施期限为2024年1月1日至2024年12月31日。

一、主要任务
（一）开发公益性岗位。新开发公益性岗位800个，6月底前完成400个。（县人社局负责）
（二）农房改造。完成改造1000户，年底前完成600户。（县住建局负责）
（三）基础设施。新建道路10公里，改造桥梁5座。（县交通局负责）
"""


def test_a_staged_target_written_without_qizhong_is_one_indicator_on_the_preview(client, supervisor):
    client.force_login(supervisor)
    response = client.post(
        reverse("import-upload"), {"region": "330305000000", "file": upload(STAGED_PLAN.encode(), "staged.txt")}
    )
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert html.count('data-task="') == 3 and len(re.findall(r'data-indicator="\d', html)) == 4
    assert "2024-06-30:400" in html  # the stage, editable beside its indicator
    assert "新开发公益性岗位800个，6月底前完成400个" in html
    # 年底 is this one-year plan's deadline: the 600 is no stage it can hold, and no second target either
    assert "不早于本指标的截止日期" in html
