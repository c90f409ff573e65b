"""Plans published as text (no table): the Xunyi plan as published, headings, responsibility, head and foot."""

from datetime import date
from pathlib import Path

import pytest
from django.utils import translation

from regions.models import Unit
from reports.intake import prose
from reports.intake.units import units_in_text
from reports.models import UploadPreview
from reports.plan_import import default_missing_baselines, plan_import, plan_import_parse
from targets.models import Plan, Section, Target

from .tables import upload

XUNYI = Path(__file__).resolve().parents[2] / "demo" / "data" / "xunyi.txt"
NANSONG = Path(__file__).resolve().parent / "nansong.txt"
ACTIONS = [
    "(一)开展防返贫监测帮扶提升行动",
    "(二)开展脱贫成果巩固提升行动",
    "(三)开展产业发展提升行动",
    "(四)开展稳岗就业提升行动",
    "(五)开展驻村帮扶提升行动",
    "(六)开展易地搬迁后续扶持提升行动",
    "(七)开展财政衔接资金项目使用管理提升行动",
    "(八)开展社会帮扶提升行动",
    "(九)开展乡村建设提升行动",
    "(十)开展乡村治理提升行动",
]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def xunyi(db):
    from regions.models import RegionLevel
    from tests.factories import RegionFactory

    return RegionFactory(code="610429000000", name="旬邑县", level=RegionLevel.COUNTY)


def parse_xunyi(region, name="旬邑十大提升行动.txt", data=None):
    return plan_import_parse(file=upload(data or XUNYI.read_bytes(), name), region=region)


def sections_of(parsed):
    return {s["key"]: s["title"] for s in parsed["sections"]}


@pytest.mark.django_db
def test_the_xunyi_plan_reads_as_its_ten_actions_with_their_38_tasks(xunyi):
    parsed = parse_xunyi(xunyi)
    titles = sections_of(parsed)
    # 第X章 0, 第X节 1, 一、 2, (一) 3
    assert [s["title"] for s in parsed["sections"] if s["level"] == 3] == ACTIONS
    per_action = [sum(1 for t in parsed["tasks"] if titles[t["section"]] == action) for action in ACTIONS]
    assert per_action == [5, 6, 4, 4, 3, 3, 2, 3, 4, 4]
    assert [t["seq"] for t in parsed["tasks"]] == list(range(1, 39))
    first, jobs = parsed["tasks"][0], parsed["tasks"][15]
    assert first["name"] == "加强政策业务培训" and first["content"].startswith("深入镇村一线对业务人员")
    assert jobs["name"] == "积极拓宽就业渠道"
    assert [(i["target_value"], i["unit"]) for i in jobs["indicators"]] == [("19000", "人")]


@pytest.mark.django_db
def test_the_xunyi_head_gives_number_issuer_date_and_the_period_its_text_states(xunyi):
    parsed = parse_xunyi(xunyi)
    assert parsed["title"] == "旬邑县巩固拓展脱贫攻坚成果同乡村振兴有效衔接“十大提升行动”实施方案"
    assert parsed["doc_number"] == "旬巩衔组发〔2024〕1号"
    assert parsed["issuer"] == "旬邑县巩固拓展脱贫攻坚成果同乡村振兴有效衔接领导小组"
    assert parsed["issued_on"] == "2024-03-29"
    assert (parsed["start"], parsed["end"]) == ("2024-03-01", "2024-12-31")
    assert "从2024年3月开始至12月底结束" in parsed["period_text"]


@pytest.mark.django_db
def test_every_sentence_of_the_plan_is_a_task_a_heading_or_shown_as_not_understood(xunyi):
    parsed = parse_xunyi(xunyi)
    shown = "".join(
        [s["title"] for s in parsed["sections"]]
        + [t["name"] + t["content"] for t in parsed["tasks"]]
        + [n["text"] for n in parsed["not_understood"]]
        + [parsed["period_text"]]
    )
    body = XUNYI.read_text(encoding="utf-8").splitlines()[9:-1]  # after the title, before the portal's footer
    for line in body:
        text = prose.normalise(line)
        mark = prose._mark(text)
        for sentence in prose.SENTENCE.split(text[len(mark[1]) :] if mark else text):
            assert (
                sentence.strip("。") in shown
                or sentence in ("一、总体要求", "三、实施步骤", "四、工作要求")
                or sentence
                in ("总体要求", "实施步骤", "工作要求", "强化组织领导。", "强化任务落实。", "强化跟踪问效。")
            ), sentence
    texts = [n["text"] for n in parsed["not_understood"]]
    assert any(t.startswith("“季调度”,于5月底、8月底、11月底") for t in texts)
    assert any(t.startswith("为了深入学习贯彻") for t in texts)
    assert not any("现将《" in t for t in texts)  # the cover letter is not plan text


@pytest.mark.django_db
def test_the_xunyi_text_commits_and_the_plan_page_shows_its_actions_and_tasks(xunyi, client):
    from accounts.models import Role
    from tests.factories import UserFactory

    office = UserFactory(username="xunyi-office", role=Role.SUPERVISOR, region=xunyi)
    parsed = parse_xunyi(xunyi)
    default_missing_baselines(parsed)  # as the API does; the preview asks the person instead
    plan = plan_import(parsed=parsed, region=xunyi, by=office)
    assert (plan.doc_number, plan.start_date, plan.end_date) == (
        "旬巩衔组发〔2024〕1号",
        date(2024, 3, 1),
        date(2024, 12, 31),
    )
    assert list(Section.objects.filter(plan=plan, parent__isnull=False).values_list("title", flat=True)) == ACTIONS
    assert Target.objects.filter(plan=plan).count() == 38
    client.force_login(office)
    with translation.override("zh-hans"):
        html = client.get(f"/plans/{plan.pk}/").content.decode()
    for action in ACTIONS:
        assert action in html
    assert "积极拓宽就业渠道" in html and "建设平安乡村" in html


@pytest.mark.django_db
def test_a_gb18030_text_file_reads_like_the_utf8_one(xunyi):
    utf8 = parse_xunyi(xunyi)
    gbk = parse_xunyi(xunyi, data=XUNYI.read_text(encoding="utf-8").encode("gb18030"))
    assert [t["name"] for t in gbk["tasks"]] == [t["name"] for t in utf8["tasks"]]


PLAN = """某县农村人居环境整治提升实施方案（2024—2026年）
第一章 总体要求
为持续改善农村人居环境，制定本方案。
第二章 重点任务
一、厕所革命
（一）推进户厕改造。2024年6月底前完成改厕500座。（县农业农村局负责）
（二）完善管护机制。由县乡村振兴局牵头，县财政局配合，建立长效管护机制。
二、垃圾治理
1.建设收运体系
（1）新建垃圾中转站3座。责任单位：县住建局、各镇（街道）
（2）配备保洁员200名。牵头单位：县综合执法局；配合单位：县人社局、县财政局
2.开展分类试点（2025年底前）。在10个村开展垃圾分类试点。
责任单位：县综合执法局、县财政局
第三章 保障措施
一、加强组织领导。成立工作专班。
"""


@pytest.mark.django_db
def test_chapters_and_every_kind_of_heading_nest_into_sections_and_tasks(xunyi):
    parsed = plan_import_parse(file=upload(PLAN.encode("utf-8"), "方案.txt"), region=xunyi)
    titles = sections_of(parsed)
    assert [(t["name"], titles[t["section"]]) for t in parsed["tasks"]] == [
        ("推进户厕改造", "一、厕所革命"),
        ("完善管护机制", "一、厕所革命"),
        ("新建垃圾中转站3座", "1.建设收运体系"),
        ("配备保洁员200名", "1.建设收运体系"),
        ("开展分类试点（2025年底前）", "二、垃圾治理"),
    ]
    chain = [s["title"] for s in parsed["sections"]]
    assert chain == ["第二章 重点任务", "一、厕所革命", "二、垃圾治理", "1.建设收运体系"]
    assert (parsed["start"], parsed["end"]) == ("2024-01-01", "2026-12-31")
    toilets, care, stations, cleaners, pilot = parsed["tasks"]
    assert (toilets["lead_units"], toilets["co_units"]) == (["县农业农村局"], [])
    assert (care["lead_units"], care["co_units"]) == (["县乡村振兴局"], ["县财政局"])
    assert (stations["lead_units"], stations["all_townships"]) == (["县住建局"], True)
    assert (cleaners["lead_units"], cleaners["co_units"]) == (["县综合执法局"], ["县人社局", "县财政局"])
    assert (pilot["deadline_text"], pilot["deadline"]) == ("2025年底前", "2025-12-31")
    assert (pilot["lead_units"], pilot["co_units"]) == (["县综合执法局"], ["县财政局"])  # on a line of its own
    assert pilot["indicators"][0]["deadline"] == "2025-12-31"
    assert toilets["indicators"][0]["target_value"] == "500"
    assert [n["text"] for n in parsed["not_understood"]] == ["为持续改善农村人居环境，制定本方案。", "成立工作专班。"]


@pytest.mark.parametrize(
    "sentence, leads, co, every",
    [
        ("由县乡村振兴局牵头，县财政局配合", ["县乡村振兴局"], ["县财政局"], False),
        ("责任单位：县农业农村局、各镇（街道）", ["县农业农村局"], [], True),
        ("做好就业统计（县人社局负责）", ["县人社局"], [], False),
        ("牵头单位：县发改局；配合单位：县住建局、县自然资源局", ["县发改局"], ["县住建局", "县自然资源局"], False),
        ("（牵头领导：杨海生，责任科室：镇社会事务办公室）", ["镇社会事务办公室"], [], False),
        ("责任单位：县农业农村局（牵头）、县财政局，各街道乡镇", ["县农业农村局"], ["县财政局"], True),
        ("县人社局指导各镇(街道)充分发挥作用", [], [], False),
    ],
)
def test_responsibility_written_in_a_sentence_becomes_lead_and_co_units(sentence, leads, co, every):
    units, _phrases = units_in_text(sentence)
    assert (units["lead_units"], units["co_units"], units["all_townships"]) == (leads, co, every)


@pytest.mark.django_db
def test_the_nansong_draft_gives_its_goals_and_its_five_actions_as_a_person_reads_them(xunyi):
    """Seed 002 as the portal copy holds it: under 二、主要任务 five actions, (五) the last, of which the copy
    lost the heading of (一) (its text opens the part: "3-5家总部企业“金凤凰”落户。…"), the mark of (二)
    ("生态农业提质行动" on a line of its own), the heading of (三) (its text follows a line naming only units),
    and the opening bracket of (四) ("四)乡贤助力发展行动"); plus the goals (到2025年…). Six tasks."""
    parsed = plan_import_parse(file=upload(NANSONG.read_bytes(), "南宋镇.txt"), region=xunyi)
    assert parsed["title"] == "南宋镇共同富裕示范建设实施方案(征求意见稿)"
    titles = sections_of(parsed)
    assert [(t["line"], t["name"], titles[t["section"]]) for t in parsed["tasks"]] == [
        (27, "主要目标", "一、总体思路"),
        (31, "3-5家总部企业“金凤凰”落户", "二、主要任务"),
        (33, "生态农业提质行动", "二、主要任务"),
        (39, "“魅力”唤醒出文旅“活力”", "二、主要任务"),
        (41, "乡贤助力发展行动", "二、主要任务"),
        (45, "托底行动", "二、主要任务"),
    ]
    goals, headquarters, farming, tourism, gentry, safety_net = parsed["tasks"]
    assert "年均增长15.5%以上" in goals["content"]
    assert [(i["kind"], i["target_value"], i["unit"]) for i in headquarters["indicators"]] == [("increase", "3", "家")]
    assert farming["content"].startswith("立足“清水白米南宋垟”") and "魅力" not in farming["content"]
    assert tourism["content"].endswith("擦亮南宋打造共同富裕试点镇的文化金名片。")
    assert gentry["content"].startswith("项目补助、贴息贷款等渠道")
    assert (safety_net["lead_units"], safety_net["leader"]) == (["镇社会事务办公室"], "杨海生")
    # whose units the lone line names the copy does not say: shown, not guessed
    assert "镇宣传办、镇社会事务办公室、镇农业和经济综合服务中心" in [n["text"] for n in parsed["not_understood"]]
    assert not any(t["lead_units"] or t["co_units"] for t in parsed["tasks"][:5])


HEADINGS_AS_COPIED = """某镇乡村振兴实施方案（2025年）
一、总体要求
坚持农业农村优先发展。
二、重点任务
全年新建高标准农田1200亩，建成后统一交由村集体管护，确保当年见效。
产业提质行动
发展特色种养业，培育家庭农场20家，带动农户增收，形成一村一品的产业格局。
镇农业农村办、镇经济发展办
新建农村公路15公里，改造危桥3座，完善村内道路和路灯等配套设施。
四）人居环境整治行动
完成农村改厕300户。
（五）乡风文明行动（牵头领导：王明，责任科室：镇宣传办）
开展文明家庭评选。
三、保障措施
加强组织领导。
"""


@pytest.mark.django_db
def test_headings_lost_or_unmarked_in_a_copied_plan_still_give_their_items(xunyi):
    parsed = plan_import_parse(file=upload(HEADINGS_AS_COPIED.encode(), "某镇.txt"), region=xunyi)
    assert [(t["name"], t["content"][:8]) for t in parsed["tasks"]] == [
        ("全年新建高标准农田1200亩", "全年新建高标准农"),  # the part's opening text states a target
        ("产业提质行动", "发展特色种养业，"),  # a heading on its own line, without a mark
        ("新建农村公路15公里", "新建农村公路15"),  # the text after a line naming only units
        ("人居环境整治行动", "完成农村改厕30"),  # "四）": the opening bracket lost
        ("乡风文明行动", "开展文明家庭评选"),
    ]
    assert [s["title"] for s in parsed["sections"]] == ["二、重点任务"]
    assert parsed["tasks"][2]["indicators"][0]["target_value"] == "15"
    assert "镇农业农村办、镇经济发展办" in [n["text"] for n in parsed["not_understood"]]


@pytest.mark.django_db
def test_a_line_of_units_before_the_next_item_stays_with_the_item_above(xunyi):
    text = "某县方案（2025年）\n二、重点任务\n1.推进改厕。完成改厕300户。\n县农业农村局、县卫健局\n2.治理污水。新建管网8公里。\n"
    parsed = plan_import_parse(file=upload(text.encode(), "某县.txt"), region=xunyi)
    assert [(t["name"], t["content"]) for t in parsed["tasks"]] == [
        ("推进改厕", "完成改厕300户。县农业农村局、县卫健局"),
        ("治理污水", "新建管网8公里。"),
    ]
    assert parsed["not_understood"] == []


@pytest.mark.django_db
def test_a_bracketed_note_before_the_copy_list_is_no_heading(xunyi):
    text = "某县方案（2025年）\n二、重点任务\n（一）推进改厕。完成改厕300户。\n（此件主动公开）\n抄送：县委办公室、县政府办公室、县人大常委会办公室。\n"
    parsed = plan_import_parse(file=upload(text.encode(), "某县.txt"), region=xunyi)
    assert [t["name"] for t in parsed["tasks"]] == ["推进改厕"]


@pytest.mark.django_db
def test_an_introduction_before_the_first_item_stays_not_understood(xunyi):
    text = "某县方案（2025年）\n二、重点任务\n围绕总体目标，重点抓好以下工作：\n（一）推进改厕。完成改厕300户。\n"
    parsed = plan_import_parse(file=upload(text.encode(), "某县.txt"), region=xunyi)
    assert [t["name"] for t in parsed["tasks"]] == ["推进改厕"]
    assert "围绕总体目标，重点抓好以下工作：" in [n["text"] for n in parsed["not_understood"]]


@pytest.mark.django_db
def test_a_text_with_no_numbered_task_is_refused_with_a_plain_message(xunyi):
    from accounts.models import Role
    from tests.factories import UserFactory

    office = UserFactory(username="xunyi-office", role=Role.SUPERVISOR, region=xunyi)
    parsed = plan_import_parse(
        file=upload("关于做好春耕工作的通知\n请各单位认真落实。".encode(), "n.txt"), region=xunyi
    )
    assert parsed["tasks"] == []
    assert [n["text"] for n in parsed["not_understood"]] == ["关于做好春耕工作的通知", "请各单位认真落实。"]
    with pytest.raises(Exception, match="No numbered task"):
        plan_import(parsed=parsed, region=xunyi, by=office)
    assert not Plan.objects.exists() and not Unit.objects.exists()


@pytest.mark.django_db
def test_the_xunyi_text_goes_through_the_upload_page_preview_and_commit(xunyi, client):
    from django.urls import reverse

    from accounts.models import Role
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="xunyi-office", role=Role.SUPERVISOR, region=xunyi))
    response = client.post(
        reverse("import-upload"), {"region": xunyi.code, "file": upload(XUNYI.read_bytes(), "旬邑.txt")}
    )
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert html.count('data-task="') == 38 and 'id="not-understood"' in html
    assert "“季调度”,于5月底、8月底、11月底" in html and 'value="旬巩衔组发〔2024〕1号"' in html
    form = {"title": "旬邑县“十大提升行动”实施方案", "doc_number": "旬巩衔组发〔2024〕1号"}
    parsed = UploadPreview.objects.get(token=response["Location"].rstrip("/").rsplit("/", 1)[-1]).data
    for i, task in enumerate(parsed["tasks"]):
        for j, proposal in enumerate(task["indicators"]):
            # the person types the baselines the text does not give: above the target for a decrease
            typed = str(int(float(proposal["target_value"])) + 1) if proposal["kind"] == "decrease" else "0"
            form.update({f"t{i}-i{j}-keep": "on", f"t{i}-i{j}-baseline": proposal["baseline"] or typed})
    committed = client.post(response["Location"], form)
    assert committed.status_code == 302, committed.content.decode()[:3000]
    plan = Plan.objects.get()
    assert (plan.doc_number, plan.issuer) == (
        "旬巩衔组发〔2024〕1号",
        "旬邑县巩固拓展脱贫攻坚成果同乡村振兴有效衔接领导小组",
    )
    page = client.get(committed["Location"]).content.decode()
    assert all(action in page for action in ACTIONS) and page.count("加强政策业务培训") >= 1
    assert Target.objects.filter(plan=plan).count() == 38


@pytest.mark.django_db
def test_the_dongtou_plan_as_published_reads_its_annex_table_as_the_69_tasks(xunyi):
    """Seed 003 as published: the plan text, then its 责任分解 annex as text, one cell per line (the header cut to
    任务名称 / 要内容 / 任单位, no 序号; the task-name cell of rows 64-65 and 68-69 given once, as merged)."""
    text = (Path(__file__).resolve().parents[2] / "demo" / "data" / "dongtou.txt").read_bytes()
    parsed = plan_import_parse(file=upload(text, "洞政办发〔2023〕14号.txt"), region=xunyi)
    assert parsed["title"] == "洞头区提升县城承载能力和深化“千村示范、万村整治”工程实施方案(2023—2027年)"
    assert (parsed["doc_number"], parsed["issuer"], parsed["start"], parsed["end"]) == (
        "洞政办发〔2023〕14号",
        "温州市洞头区人民政府办公室",
        "2023-01-01",
        "2027-12-31",
    )
    tasks = parsed["tasks"]
    assert [t["seq"] for t in tasks] == list(range(1, 70))
    assert len(parsed["sections"]) == 11
    assert [t["name"] for t in tasks[:3]] == ["重大项目建设", "常住人口城镇化", "和美乡村建设"]
    assert (tasks[0]["lead_units"], tasks[0]["co_units"], tasks[0]["all_townships"]) == (
        ["区发改局"],
        ["区农业农村局", "区经信局", "生态环境分局", "区住建局"],
        True,
    )
    assert [t["name"] for t in tasks[62:65]] == ["政策保证机制"] * 3  # the merged name cell
    assert tasks[63]["content"].startswith("加大财政资金支持力度") and tasks[63]["lead_units"] == [
        "区财政局",
        "人行洞头支行",
    ]
    assert sum(1 for t in tasks if not t["lead_units"]) == 1  # 63: "各区级相关责任部门,各街道乡镇" names no lead
    names = {i["name"] for t in tasks for i in t["indicators"]}
    assert not names & {"县城人口占县域比重年", "区域国内生产总值年"} and "县城人口占县域比重年均提高" in names
    ratio = next(i for i in tasks[1]["indicators"] if i["unit"] == "%")
    assert ratio["target_value"] == "60"
    assert "responsibility table" in parsed["warnings"][0]["message"]


DAZHEN = Path(__file__).resolve().parents[2] / "bench" / "corpus" / "other" / "dazhen_plan.txt"


@pytest.mark.django_db
def test_a_plain_town_plan_reads_its_period_number_issuer_units_and_targets(xunyi):
    """The walkthrough's .txt: 实施期限为…至…, 大政发〔2027〕3号, items whose first sentence is the target,
    牵头单位：X，责任单位：Y in one sentence, 各村."""
    parsed = plan_import_parse(file=upload(DAZHEN.read_bytes(), "大河镇方案.txt"), region=xunyi)
    assert (parsed["start"], parsed["end"], parsed["period_assumed"]) == ("2027-01-01", "2027-12-31", False)
    assert (parsed["doc_number"], parsed["issuer"]) == ("大政发〔2027〕3号", "大河镇人民政府")
    toilets, upkeep, economy, assets = parsed["tasks"][1:5]
    assert (toilets["lead_units"], toilets["co_units"], toilets["unparsed"]) == (["镇农业农村办"], [], ["各村"])
    assert [u["name"] for u in parsed["units"]] == ["镇农业农村办", "镇卫生院", "镇经济发展办", "镇财政所", "镇纪委"]
    [built] = toilets["indicators"]
    assert (built["kind"], built["target_value"], built["unit"], built["deadline"], built["milestones"]) == (
        "increase",
        "300",
        "座",
        "2027-12-31",
        [["2027-06-30", "150"]],
    )
    assert [(i["kind"], i["target_value"], i["unit"]) for i in upkeep["indicators"]] == [("increase", "95", "%")]
    assert [(i["target_value"], i["unit"]) for i in economy["indicators"]] == [("30", "万元"), ("5", "个")]
    [cleanup] = assets["indicators"]
    assert (cleanup["kind"], cleanup["deadline"]) == ("milestone", "2027-09-30")
    assert "牵头单位" not in cleanup["source_phrase"]


@pytest.mark.django_db
def test_without_a_signature_the_issuer_comes_from_the_number_and_the_place_the_text_names(xunyi):
    lines = [line for line in DAZHEN.read_text().splitlines() if line not in ("大河镇人民政府", "2027年1月10日")]
    parsed = plan_import_parse(file=upload("\n".join(lines).encode(), "大河镇方案.txt"), region=xunyi)
    assert parsed["issuer"] == "大河镇人民政府"
    other = "\n".join(lines).replace("大政发", "小政发").encode()
    assert plan_import_parse(file=upload(other, "方案.txt"), region=xunyi)["issuer"] == ""  # no place 小…镇 in it


@pytest.mark.django_db
def test_the_preview_names_what_is_responsible_but_no_unit(xunyi, client):
    from django.urls import reverse

    from accounts.models import Role
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="dahe-office", role=Role.SUPERVISOR, region=xunyi))
    response = client.post(
        reverse("import-upload"), {"region": xunyi.code, "file": upload(DAZHEN.read_bytes(), "大河镇方案.txt")}
    )
    html = client.get(response["Location"]).content.decode()
    assert html.count("data-unparsed") == 4 and "另写明的责任方：各村（不是本县的单位，保留在任务内容中）。" in html
    assert 'value="2027-01-01"' in html and 'value="大河镇人民政府"' in html


def test_sections_under_a_chapter_and_a_bracket_inside_a_responsibility_bracket():
    lines = [
        "某县乡村振兴三年行动方案（2025—2027年）",
        "第二章 重点任务",
        "第一节 壮大村级集体经济",
        "一、实施集体经济强村工程。全面消除10万元以下的村。（县委组织部牵头，县农业农村局、县财政局配合，各镇（街道）负责）",
        "二、盘活农村闲置资产。盘活闲置农房500套。责任单位：县农业农村局、县自然资源局、各镇（街道）",
        "第二节 夯实农业基础",
        "三、建设高标准农田。每年新增高标准农田1.2万亩。（县农业农村局负责）",
    ]
    parsed = prose.parse_lines(lines, start=date(2025, 1, 1), end=date(2027, 12, 31))
    titles = {s["key"]: s["title"] for s in parsed["sections"]}
    tasks = {t["name"]: t for t in parsed["tasks"]}
    assert list(tasks) == ["实施集体经济强村工程", "盘活农村闲置资产", "建设高标准农田"]
    assert titles[tasks["盘活农村闲置资产"]["section"]] == "第一节 壮大村级集体经济"
    assert titles[tasks["建设高标准农田"]["section"]] == "第二节 夯实农业基础"
    assert "第二节" not in tasks["盘活农村闲置资产"]["content"] and tasks["盘活农村闲置资产"]["all_townships"]
    strong = tasks["实施集体经济强村工程"]
    assert (strong["lead_units"], strong["co_units"], strong["all_townships"]) == (
        ["县委组织部"],
        ["县农业农村局", "县财政局"],
        True,
    )
    (ceiling,) = strong["indicators"]
    assert (ceiling["kind"], ceiling["target_value"], ceiling["warnings"]) == ("ceiling", "0", [])


def test_the_units_stated_on_an_item_hold_for_the_sub_items_under_it():
    lines = [
        "某县2025年就业帮扶工作方案",
        "二、重点任务",
        "（一）拓宽就业渠道",
        "1.开展劳务输出。全年组织劳务输出5000人次。（县人社局负责）",
        "2.开发乡村公益性岗位。责任单位：县农业农村局、各镇（街道）",
        "（1）新开发公益性岗位800个。",
        "（2）岗位补贴按月发放到位。",
    ]
    parsed = prose.parse_lines(lines, start=date(2025, 1, 1), end=date(2025, 12, 31))
    units = {t["name"]: (t["lead_units"], t["all_townships"]) for t in parsed["tasks"]}
    assert units == {
        "开展劳务输出": (["县人社局"], False),
        "新开发公益性岗位800个": (["县农业农村局"], True),
        "岗位补贴按月发放到位": (["县农业农村局"], True),
    }
    assert not any("责任单位" in row["text"] for row in parsed["not_understood"])


HEFENG_2024 = """禾丰县2024年乡村振兴重点工作实施方案
为扎实推进乡村振兴，结合我县实际，制定本方案。
一、重点任务
（一）改造农村卫生厕所。全年改造农村卫生厕所300座，6月底前完成150座。（县农业农村局牵头，县卫健局配合）
（二）建设高标准农田。新建高标准农田1万亩。（县农业农村局负责）
"""


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, period",
    [
        (HEFENG_2024, ("2024-01-01", "2024-12-31")),
        (HEFENG_2024.replace("2024年", "2023—2025年"), ("2023-01-01", "2025-12-31")),
        (
            HEFENG_2024.replace("制定本方案。", "制定本方案。实施期限为2024年3月1日至2024年11月30日。"),
            ("2024-03-01", "2024-11-30"),
        ),
    ],
)
def test_a_title_naming_one_year_gives_that_year_when_the_plan_states_no_other_period(xunyi, text, period):
    parsed = plan_import_parse(file=upload(text.encode(), "禾丰县方案.txt"), region=xunyi)
    assert (parsed["start"], parsed["end"], parsed["period_assumed"]) == (*period, False)
    toilets = parsed["tasks"][0]["indicators"][0]
    assert toilets["milestones"][0][0] == f"{period[0][:4]}-06-30"


@pytest.mark.django_db
def test_a_title_naming_no_year_or_a_year_it_works_towards_states_no_period(xunyi):
    for title in ("禾丰县乡村振兴重点工作实施方案", "禾丰县关于到2027年基本实现农业现代化的实施方案"):
        text = HEFENG_2024.replace("禾丰县2024年乡村振兴重点工作实施方案", title)
        assert plan_import_parse(file=upload(text.encode(), "方案.txt"), region=xunyi)["period_assumed"] is True


NOTICE_UNDER_TITLE = """禾丰县2024年乡村振兴重点工作实施方案
{number}
印发日期：2024年2月20日
各乡镇人民政府、县直各单位：
现将《禾丰县2024年乡村振兴重点工作实施方案》印发给你们，请认真贯彻落实。
禾丰县人民政府办公室
2024年2月20日
为扎实推进乡村振兴，结合我县实际，制定本方案。
一、重点任务
（一）改造农村卫生厕所。全年改造农村卫生厕所300座。（县农业农村局负责）
"""


def _as_docx(text: str) -> bytes:
    import io

    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _as_html(text: str) -> bytes:
    body = "".join(f"<p>{line}</p>" for line in text.splitlines())
    return f'<html><head><meta charset="utf-8"></head><body>{body}</body></html>'.encode()


@pytest.mark.django_db
@pytest.mark.parametrize("suffix, build", [("txt", str.encode), ("docx", _as_docx), ("html", _as_html)])
@pytest.mark.parametrize(
    "written, number",
    [
        ("禾政办发〔2024〕12号", "禾政办发〔2024〕12号"),
        ("X政发[2024]3号", "X政发[2024]3号"),
        ("文号：禾政发〔2024〕3号", "禾政发〔2024〕3号"),
    ],
)
def test_the_notice_under_the_title_gives_the_plan_its_number_and_date_and_is_not_listed(
    xunyi, suffix, build, written, number
):
    text = NOTICE_UNDER_TITLE.format(number=written)
    parsed = plan_import_parse(file=upload(build(text), f"禾丰县方案.{suffix}"), region=xunyi)
    assert (parsed["doc_number"], parsed["issued_on"]) == (number, "2024-02-20")
    assert (parsed["title"], parsed["issuer"]) == ("禾丰县2024年乡村振兴重点工作实施方案", "禾丰县人民政府办公室")
    assert [row["text"] for row in parsed["not_understood"]] == ["为扎实推进乡村振兴，结合我县实际，制定本方案。"]
    assert [t["name"] for t in parsed["tasks"]] == ["改造农村卫生厕所"]


@pytest.mark.django_db
def test_an_issuing_date_under_the_title_is_the_plan_date_not_part_of_its_title(xunyi):
    text = HEFENG_2024.replace("实施方案\n", "实施方案\n（2024年2月20日印发）\n", 1)
    parsed = plan_import_parse(file=upload(text.encode(), "禾丰县方案.txt"), region=xunyi)
    assert (parsed["title"], parsed["issued_on"]) == ("禾丰县2024年乡村振兴重点工作实施方案", "2024-02-20")
    assert "印发" not in "".join(row["text"] for row in parsed["not_understood"])
