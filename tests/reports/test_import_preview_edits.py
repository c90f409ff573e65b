"""Every part of the preview is editable before anything is saved: sections renamed, added, dropped and
nested; tasks numbered, renamed, added, dropped and moved between sections; "Check again" writes nothing;
the first reporting period is judged on the day of the save. The same edits through the API's JSON plan."""

import io
from datetime import date

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from accounts.models import AuditEvent
from reports.models import UploadPreview
from targets.models import Plan, Section, Target

from ..conftest import api_as
from .tables import upload

pytestmark = pytest.mark.django_db
NOON = "{}T04:00:00Z"  # noon in Shanghai
URL = "/api/plans/import/"


def two_section_xlsx() -> bytes:
    """A real table: title, header, two section rows merged across, three tasks."""
    book = openpyxl.Workbook()
    sheet = book.active
    rows = [
        ["某县和美乡村建设实施方案（2026—2028年）责任分解"],
        ["序号", "任务名称", "主要内容", "责任单位"],
        ["一、产业发展"],
        [1, "粮食生产", "粮食播种面积稳定在1.2万亩以上", "*区农业农村局"],
        [2, "村集体经济", "村集体经济收入30万元以上的村达到20个", "*区农业农村局"],
        ["二、人居环境"],
        [3, "农村改厕", "2026年底前完成改厕300座", "*区农业农村局"],
    ]
    for number, values in enumerate(rows, start=1):
        sheet.append(values)
        if len(values) == 1:
            sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=4)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def open_preview(client, supervisor):
    client.force_login(supervisor)
    response = client.post(
        reverse("import-upload"), {"region": "330305000000", "file": upload(two_section_xlsx(), "t.xlsx")}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def stored_preview(client, url):
    return UploadPreview.objects.get(token=url.rstrip("/").rsplit("/", 1)[-1]).data


def keep_all(parsed, **extra):
    form = {f"u{k}-decision": row["decision"] or "create" for k, row in enumerate(parsed["units"])}
    for t, task in enumerate(parsed["tasks"]):
        for i, _ind in enumerate(task["indicators"]):
            form[f"t{t}-i{i}-keep"] = "on"
    form.update(extra)
    return form


def test_sections_and_tasks_are_edited_added_dropped_and_moved_and_check_again_writes_nothing(client, supervisor, dept):
    with time_machine.travel(NOON.format("2026-03-10"), tick=False):
        url = open_preview(client, supervisor)
        parsed = stored_preview(client, url)
        assert [s["title"] for s in parsed["sections"]] == ["一、产业发展", "二、人居环境"]
        html = client.get(url).content.decode()
        assert 'name="s0-title"' in html and 'name="t0-section"' in html and 'name="tnew-name"' in html
        first, second = (s["key"] for s in parsed["sections"])
        form = keep_all(
            parsed,
            action="check",
            **{
                "s0-title": "一、产业兴旺",
                "s1-drop": "on",  # its task 3 goes to the top level
                "snew-title": "三、乡村治理",
                "t1-section": str(first),
                "t1-seq": "7",
                "t1-content": "村集体经济收入30万元以上的村达到25个",
                "t0-drop": "on",
                "tnew-name": "村规民约修订",
                "tnew-lead_units": "区农业农村局",
                "tnew-section": "",
            },
        )
        response = client.post(url, form)
        assert response.status_code == 200
        assert not Plan.objects.exists() and not AuditEvent.objects.filter(action="plan.import").exists()
        edited = stored_preview(client, url)
        assert [s["title"] for s in edited["sections"]] == ["一、产业兴旺", "三、乡村治理"]
        added_key = edited["sections"][1]["key"]
        by_name = {t["name"]: t for t in edited["tasks"]}
        assert set(by_name) == {"村集体经济", "农村改厕", "村规民约修订"}
        assert by_name["村集体经济"]["seq"] == "7" and by_name["村集体经济"]["section"] == first
        assert by_name["农村改厕"]["section"] is None  # its section was dropped
        assert by_name["村规民约修订"]["seq"] == "8" and by_name["村规民约修订"]["lead_units"] == ["区农业农村局"]
        assert second not in {t["section"] for t in edited["tasks"]}
        # Move the added task into the added section; save.
        index = [t["name"] for t in edited["tasks"]].index("村规民约修订")
        form = keep_all(
            edited,
            action="save",
            **{
                f"t{index}-section": str(added_key),
                f"t{index}-name": "村规民约修订",
                f"t{index}-new-name": "修订村规民约的村",
                f"t{index}-new-target_value": "100",
                f"t{index}-new-unit": "%",
                f"t{index}-new-deadline": "2028-12-31",
            },
        )
        response = client.post(url, form)
        assert response.status_code == 302, response.content.decode()[:3000]
    plan = Plan.objects.get()
    assert list(Section.objects.filter(plan=plan).values_list("title", flat=True)) == ["一、产业兴旺", "三、乡村治理"]
    targets = {t.name: t for t in Target.objects.filter(plan=plan)}
    assert targets["村集体经济"].seq == 7 and targets["村集体经济"].section.title == "一、产业兴旺"
    assert targets["村集体经济"].content == "村集体经济收入30万元以上的村达到25个"
    assert targets["农村改厕"].section is None
    assert targets["村规民约修订"].section.title == "三、乡村治理"
    assert targets["村规民约修订"].indicators.get().name == "修订村规民约的村"
    assert "粮食生产" not in targets


def test_section_problems_are_named_and_block_the_save(client, supervisor, dept):
    url = open_preview(client, supervisor)
    parsed = stored_preview(client, url)
    first, second = (s["key"] for s in parsed["sections"])
    response = client.post(
        url,
        keep_all(
            parsed,
            action="save",
            start="2026-01-01",
            end="2028-12-31",
            **{"s0-title": "", "s1-parent": str(first), "s0-parent": str(second)},
        ),
    )
    assert response.status_code == 400 and not Plan.objects.exists()
    html = response.content.decode()
    assert "第1个章节：请填写章节标题。" in html
    assert "不能放在它自己的下级章节之下" in html
    assert 'data-problem="section"' in html


def test_a_default_first_period_is_derived_again_when_the_preview_is_saved_after_the_due_day(client, supervisor, dept):
    # Opened at 23:50 on 25 June (June's report still open), saved at 00:20 on the 26th (now past due).
    with time_machine.travel("2026-06-25T15:50:00Z", tick=False):
        url = open_preview(client, supervisor)
        parsed = stored_preview(client, url)
        assert parsed["first_period"] == "2026-06"
    with time_machine.travel("2026-06-25T16:20:00Z", tick=False):
        html = client.get(url).content.decode()
        assert '<option value="2026-07" selected>' in html.split('name="first_period"')[1].split("</select>")[0]
        response = client.post(url, keep_all(parsed, action="save", first_period="2026-06"))
        assert response.status_code == 302, response.content.decode()[:3000]
    assert Plan.objects.get().first_period == date(2026, 7, 1)
    assert AuditEvent.objects.get(action="plan.import").new["first_period"] == "2026-07"


def test_a_chosen_first_period_already_past_due_is_named_and_can_be_confirmed(client, supervisor, dept):
    with time_machine.travel(NOON.format("2026-06-25"), tick=False):
        url = open_preview(client, supervisor)
        parsed = stored_preview(client, url)
        response = client.post(url, keep_all(parsed, action="check", first_period="2026-05"))
        assert response.status_code == 200
        assert "首个填报期2026年5月的报送截止日已过（今天是2026年6月25日）" in response.content.decode()
        assert "请改为2026年6月或以后的月份" in response.content.decode()
        response = client.post(url, keep_all(parsed, action="save", first_period="2026-05"))
        assert response.status_code == 400 and not Plan.objects.exists()
        assert 'data-problem="first_period"' in response.content.decode()
        response = client.post(url, keep_all(parsed, action="save", first_period="2026-05", first_period_backdate="on"))
        assert response.status_code == 302, response.content.decode()[:3000]
    assert Plan.objects.get().first_period == date(2026, 5, 1)


def test_a_dry_run_kept_for_days_is_judged_on_the_day_it_is_committed(supervisor, dept):
    client = api_as(supervisor)
    with time_machine.travel(NOON.format("2026-06-20"), tick=False):
        preview = client.post(
            URL, {"file": upload(two_section_xlsx(), "t.xlsx"), "region": "330305000000", "dry_run": "true"}
        ).json()
        chosen = client.post(
            URL,
            {
                "file": upload(two_section_xlsx(), "t.xlsx"),
                "region": "330305000000",
                "dry_run": "true",
                "first_period": "2026-06",
            },
        ).json()
    assert preview["first_period"] == preview["first_period_default"] == "2026-06"
    with time_machine.travel(NOON.format("2026-07-02"), tick=False):
        again = client.post(URL, {"region": "330305000000", "plan": preview, "dry_run": True}, format="json").json()
        assert again["first_period"] == "2026-07" and not again["problems"]
        response = client.post(URL, {"region": "330305000000", "plan": chosen}, format="json")
        assert response.status_code == 400 and list(response.json()["fields"]) == ["first_period"]
        assert "首个填报期2026年6月的报送截止日已过（今天是2026年7月2日）" in response.json()["message"]
        response = client.post(URL, {"region": "330305000000", "plan": preview}, format="json")
        assert response.status_code == 201
    assert Plan.objects.get().first_period == date(2026, 7, 1)


def test_a_first_period_after_the_plan_ends_is_said_in_chinese(client, supervisor, dept):
    with time_machine.travel(NOON.format("2029-02-10"), tick=False):  # the 2026—2028 plan has ended
        url = open_preview(client, supervisor)
        html = client.get(url).content.decode()
        assert 'data-notice="first_period"' in html
        assert "首个填报期2029年2月晚于方案结束日期（2028年12月31日）" in html
        preview = (
            api_as(supervisor)
            .post(URL, {"file": upload(two_section_xlsx(), "t.xlsx"), "region": "330305000000", "dry_run": "true"})
            .json()
        )
    assert [n["field"] for n in preview["notices"]] == ["first_period"]
    assert "晚于方案结束日期" in preview["notices"][0]["message"]


def test_the_api_json_plan_takes_the_same_edits_and_names_the_same_problems(supervisor, dept):
    client = api_as(supervisor)
    with time_machine.travel(NOON.format("2026-03-10"), tick=False):
        preview = client.post(
            URL,
            {
                "file": upload(two_section_xlsx(), "t.xlsx"),
                "region": "330305000000",
                "dry_run": "true",
                "create_units": "true",
            },
        ).json()
        first = preview["sections"][0]["key"]
        preview["sections"].append({"key": "治理", "title": "三、乡村治理", "parent": None})
        preview["sections"][1]["title"] = ""
        preview["tasks"][2]["section"] = "gone"
        preview["tasks"].append(
            {"seq": 9, "name": "村规民约修订", "section": "治理", "lead_units": ["区农业农村局"], "indicators": []}
        )
        body = {"region": "330305000000", "plan": preview, "dry_run": True}
        problems = client.post(URL, body, format="json").json()["problems"]
        assert {(p["field"], p["task"], p["section"]) for p in problems} == {
            ("section_title", None, 1),
            ("section", 2, None),
        }
        assert not Plan.objects.exists()
        assert any("所在的章节已不存在" in p["message"] for p in problems)
        preview["sections"][1]["title"] = "二、人居环境"
        preview["tasks"][2]["section"] = first
        response = client.post(URL, dict(body, dry_run=False), format="json")
        assert response.status_code == 201, response.json()
    plan = Plan.objects.get()
    assert Target.objects.get(plan=plan, seq=9).section.title == "三、乡村治理"
    assert Target.objects.get(plan=plan, seq=3).section.title == "一、产业发展"


def test_the_default_the_page_shows_after_the_due_day_stays_a_default(client, supervisor, dept):
    with time_machine.travel("2026-06-25T15:50:00Z", tick=False):
        url = open_preview(client, supervisor)
        parsed = stored_preview(client, url)
    with time_machine.travel("2026-06-25T16:10:00Z", tick=False):  # 00:10 on the 26th: the page now shows July
        assert client.post(url, keep_all(parsed, action="check", first_period="2026-07")).status_code == 200
        edited = stored_preview(client, url)
    assert edited["first_period"] == edited["first_period_default"] == "2026-07"


def test_a_section_put_under_a_later_one_is_saved_under_it(supervisor, dept):
    client = api_as(supervisor)
    preview = client.post(
        URL,
        {
            "file": upload(two_section_xlsx(), "t.xlsx"),
            "region": "330305000000",
            "dry_run": "true",
            "create_units": "true",
        },
    ).json()
    first, second = (s["key"] for s in preview["sections"])
    preview["sections"][0]["parent"] = second  # 一、产业发展 now sits under 二、人居环境, written after it
    response = client.post(URL, {"region": "330305000000", "plan": preview}, format="json")
    assert response.status_code == 201, response.json()
    child = Section.objects.get(title="一、产业发展")
    assert child.parent.title == "二、人居环境"
    assert Target.objects.get(seq=1).section == child
