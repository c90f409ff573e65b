"""One plan uploaded as several files (its text and its responsibility table, or tables of two parts): one preview,
each task naming its file and edited on its own, the text's tasks that no table lists offered, numbers kept unique."""

import re
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from reports.models import UploadPreview
from targets.models import Plan, Target

from ..conftest import api_as
from .tables import dongtou, dongtou_xlsx, upload

pytestmark = pytest.mark.django_db

TEXT = """洞头区县城承载能力提升实施方案（2023—2027年）

洞政办发〔2023〕14号

一、主要任务
（一）重大项目建设。全区每年滚动推进重大项目90个以上，完成投资额超60亿元。（区发改局负责）
（二）推进中心村集聚发展。到2027年，培育中心村15个。（区农业农村局负责）
"""


def preview_of(client, url):
    return UploadPreview.objects.get(token=url.rstrip("/").rsplit("/", 1)[-1]).data


def upload_both(client, supervisor, *files):
    client.force_login(supervisor)
    response = client.post(reverse("import-upload"), {"region": "330305000000", "file": list(files)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def test_a_plan_text_and_its_table_uploaded_together_read_as_one_plan(client, supervisor):
    with time_machine.travel("2024-03-10T04:00:00Z", tick=False):
        url = upload_both(
            client,
            supervisor,
            upload(TEXT.encode(), "方案.txt"),
            upload(dongtou_xlsx(dongtou.TASKS[:2]), "分解表.xlsx"),
        )
        parsed = preview_of(client, url)
        page = client.get(url).content.decode()
    assert parsed["files"] == ["方案.txt", "分解表.xlsx"]
    assert (parsed["title"], parsed["doc_number"]) == (
        "洞头区县城承载能力提升实施方案（2023—2027年）",
        "洞政办发〔2023〕14号",
    )
    assert (parsed["start"], parsed["end"], parsed["period_assumed"]) == ("2023-01-01", "2027-12-31", False)
    assert [(t["seq"], t["name"], t["file"]) for t in parsed["tasks"]] == [
        (1, "重大项目建设", "分解表.xlsx"),
        (2, "常住人口城镇化", "分解表.xlsx"),
    ]
    # 重大项目建设 is in the table; the 15 中心村 are not: offered from the text
    assert [(t["name"], t["file"]) for t in parsed["text_tasks"]] == [("推进中心村集聚发展", "方案.txt")]
    assert page.count("data-task-file") == 2 and "来自分解表.xlsx" in page and "来自方案.txt" in page


def test_tasks_of_several_files_are_edited_one_by_one_and_saved_with_numbers_of_their_own(client, supervisor):
    with time_machine.travel("2024-03-10T04:00:00Z", tick=False):
        url = upload_both(
            client,
            supervisor,
            upload(dongtou_xlsx(dongtou.TASKS[:2]), "第一部分.xlsx"),
            upload(dongtou_xlsx(dongtou.TASKS[:1]), "第二部分.xlsx"),
        )
        parsed = preview_of(client, url)
        assert [(t["seq"], t["file"]) for t in parsed["tasks"]] == [
            (1, "第一部分.xlsx"),
            (2, "第一部分.xlsx"),
            (3, "第二部分.xlsx"),  # numbered 1 in its own file: it continues after the first file's tasks
        ]
        form = {f"u{k}-decision": "create" for k in range(len(parsed["units"]))}
        for t, task in enumerate(parsed["tasks"]):
            form.update({f"t{t}-i{i}-keep": "on" for i in range(len(task["indicators"]))})
        form.update({"t2-name": "第二部分重大项目", "t2-i0-target_value": "120", "t1-drop": "on", "action": "save"})
        response = client.post(url, form)
        assert response.status_code == 302, re.findall(r"data-problem[^>]*>([^<]*)", response.content.decode())
    plan = Plan.objects.get()
    assert plan.start_date == date(2023, 1, 1)
    targets = Target.objects.filter(plan=plan).order_by("seq")
    assert [(t.seq, t.name) for t in targets] == [(1, "重大项目建设"), (3, "第二部分重大项目")]
    assert targets[1].indicators.order_by("order").first().target_value == 120
    assert targets[0].indicators.order_by("order").first().target_value == 90


def test_the_api_reads_several_files_of_one_plan_in_a_dry_run(supervisor):
    response = api_as(supervisor).post(
        "/api/plans/import/",
        {
            "region": "330305000000",
            "dry_run": "true",
            "file": [upload(TEXT.encode(), "方案.txt"), upload(dongtou_xlsx(dongtou.TASKS[:2]), "分解表.xlsx")],
        },
        format="multipart",
    )
    assert response.status_code == 200, response.content.decode()[:1000]
    body = response.json()
    assert [t["file"] for t in body["tasks"]] == ["分解表.xlsx", "分解表.xlsx"]
    assert [t["name"] for t in body["text_tasks"]] == ["推进中心村集聚发展"]
