"""A portal page whose 附件 is a responsibility table under the plan's text: the table's rows are the tasks, and the
text's own numbered tasks that the table does not list are offered beside them, never dropped silently."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from reports.intake.files import read_plan_file
from reports.models import UploadPreview
from reports.plan_import import parse_plan_file
from targets.models import Plan, Target

from .tables import upload

pytestmark = pytest.mark.django_db

PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>青川县2025年农村人居环境整治提升实施方案_青川县人民政府</title></head>
<body><div class="nav">首页 | 政务公开</div>
<div class="article">
<h1>青川县2025年农村人居环境整治提升实施方案</h1>
<p>为持续改善农村人居环境，结合我县实际，制定本方案。实施期限为2025年1月1日至2025年12月31日。</p>
<p>一、主要任务</p>
<p>（一）推进农村厕所革命。新改建农村卫生厕所1200户，6月底前完成600户。（县农业农村局负责）</p>
<p>（二）治理农村生活污水。农村生活污水治理率达到60%以上。（县生态环境局负责）</p>
<p>（三）整治村庄清洁。创建美丽庭院示范户500户。（县妇联牵头，县农业农村局配合）</p>
<p>二、保障措施</p>
<p>加强组织领导，层层压实责任。</p>
<p>附件：重点任务责任分解表</p>
<table border="1">
<tr><td>序号</td><td>任务名称</td><td>主要内容</td><td>牵头单位</td><td>责任单位</td><td>完成时限</td></tr>
<tr><td>1</td><td>推进农村厕所革命</td><td>新改建农村卫生厕所1200户，6月底前完成600户。</td><td>县农业农村局</td><td>县卫健局</td><td>2025年12月底前</td></tr>
<tr><td>2</td><td>污水治理</td><td>农村生活污水治理率达到60%以上。</td><td>县生态环境局</td><td>县住建局</td><td>2025年12月底前</td></tr>
</table>
<p>青川县人民政府办公室</p><p>2025年3月1日</p>
</div><div class="footer">版权所有</div></body></html>
"""


def read(page=PAGE):
    return parse_plan_file(read_plan_file(upload(page.encode(), "qingchuan.html")))


def test_the_table_gives_the_tasks_and_the_text_task_it_lacks_is_kept_aside():
    parsed = read()
    assert [(t["seq"], t["name"], t["lead_units"]) for t in parsed["tasks"]] == [
        (1, "推进农村厕所革命", ["县农业农村局"]),
        (2, "污水治理", ["县生态环境局"]),
    ]
    # (一) by its name, (二) by its target (60 %) are in the table; (三) is not: offered, with what it states
    [aside] = parsed["text_tasks"]
    assert (aside["name"], aside["section_title"], aside["lead_units"], aside["co_units"]) == (
        "整治村庄清洁",
        "一、主要任务",
        ["县妇联"],
        ["县农业农村局"],
    )
    assert [(p["target_value"], p["unit"]) for p in aside["indicators"]] == [("500", "户")]
    assert any("1项任务未列入表格" in w["message"] for w in parsed["warnings"])
    texts = [row["text"] for row in parsed["not_understood"]]
    assert "加强组织领导，层层压实责任。" in texts
    assert not any("县卫健局" in text or "序号" in text for text in texts)  # the table is not read twice as text


def test_a_page_whose_text_the_table_covers_offers_nothing():
    covered = PAGE.replace("<p>（三）整治村庄清洁。创建美丽庭院示范户500户。（县妇联牵头，县农业农村局配合）</p>\n", "")
    parsed = read(covered)
    assert parsed["text_tasks"] == [] and len(parsed["tasks"]) == 2
    assert not any("未列入表格" in w["message"] for w in parsed["warnings"])


def test_a_text_task_ticked_on_the_preview_is_imported_under_its_section(client, supervisor):
    client.force_login(supervisor)
    with time_machine.travel("2025-03-10T04:00:00Z", tick=False):
        response = client.post(
            reverse("import-upload"), {"region": "330305000000", "file": upload(PAGE.encode(), "qingchuan.html")}
        )
        url = response["Location"]
        page = client.get(url).content.decode()
        assert "正文中有、表格中没有的任务" in page and 'name="x0-take"' in page and "整治村庄清洁" in page
        assert "牵头单位：县妇联；责任单位：县农业农村局" in page and "勾选需要一并导入的" in page
        form = {"action": "check", "x0-take": "on"}
        for t in range(2):
            form[f"t{t}-i0-keep"] = "on"
        page = client.post(url, form).content.decode()
        parsed = UploadPreview.objects.get(token=url.rstrip("/").rsplit("/", 1)[-1]).data
        assert [t["name"] for t in parsed["tasks"]][-1] == "整治村庄清洁" and parsed["text_tasks"] == []
        assert 'name="x0-take"' not in page and 'name="t2-name" value="整治村庄清洁"' in page
        form = {f"t{t}-i0-keep": "on" for t in range(3)}
        form.update({f"u{k}-decision": "create" for k in range(len(parsed["units"]))}, action="save")
        response = client.post(url, form)
        assert response.status_code == 302, response.content.decode()[:3000]
    plan = Plan.objects.get()
    assert (plan.start_date, plan.end_date) == (date(2025, 1, 1), date(2025, 12, 31))
    taken = Target.objects.get(plan=plan, name="整治村庄清洁")
    assert (taken.seq, taken.section.title) == (3, "一、主要任务")
    assert [u.name for u in taken.lead_units.all()] == ["县妇联"]
    assert [(i.target_value, i.unit) for i in taken.indicators.all()] == [(500, "户")]
