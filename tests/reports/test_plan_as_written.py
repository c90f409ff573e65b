"""A county's own text is saved as written: the readers match on normalised text ("：" → ":", "（一）" → "(一)",
"，" → ","), but the plan title, section titles, task names and contents saved keep the document's punctuation."""

import io
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest

from reports.intake.prose import parse_lines
from reports.intake.written import as_written
from reports.plan_import import decide_units, default_missing_baselines, plan_import, plan_import_parse
from targets.models import Indicator, Plan, Section, Target

from .tables import upload

OTHER = Path(__file__).resolve().parents[2] / "bench" / "corpus" / "other"


def save(parsed, county, by) -> Plan:
    decide_units(parsed, accept_suggestions=False, create_units=True)
    default_missing_baselines(parsed)
    return plan_import(parsed=parsed, region=county, by=by)


def saved(plan):
    sections = list(Section.objects.filter(plan=plan).order_by("order").values_list("title", flat=True))
    tasks = {t.name: t.content for t in Target.objects.filter(plan=plan)}
    return sections, tasks


def test_the_normalised_text_a_reader_built_is_mapped_back_onto_the_source():
    raw = "（一）加强培训：深入镇村一线，开展培训（县人社局负责）。"
    assert as_written("(一)加强培训", raw) == "（一）加强培训"
    # "。" the reader put between a title and its text stands where the source has "："
    assert as_written("加强培训。深入镇村一线,开展培训", raw) == "加强培训：深入镇村一线，开展培训"
    assert as_written("主要目标", "到２０２５年，完成目标") == "主要目标"  # the reader's own words stay
    assert as_written("重大项目建设", "重大项目\n建设") == "重大项目建设"  # a wrapped cell joins again


@pytest.mark.django_db
def test_a_txt_plan_is_saved_with_its_own_punctuation(county, supervisor):
    text = (OTHER / "anping_plan.txt").read_text(encoding="utf-8")
    plan = save(plan_import_parse(file=upload(text.encode(), "安平县.txt"), region=county), county, supervisor)
    sections, tasks = saved(plan)
    assert plan.title == "安平县和美乡村建设三年行动实施方案（2024—2026年）"
    assert "（一）提升乡村产业发展水平" in sections and "（二）改善农村人居环境" in sections
    assert "(一)提升乡村产业发展水平" not in sections
    assert tasks["稳定粮食生产"] == "全县粮食播种面积稳定在２６.５万亩以上。（县农业农村局牵头，各乡镇负责）"
    phrases = set(Indicator.objects.filter(target__plan=plan).values_list("source_phrase", flat=True))
    assert "２０２４年完成农村户用卫生厕所改造３０００户，其中６月底前完成１２００户" in phrases  # the quote under it
    toilets = tasks["推进农村厕所革命"]
    assert toilets.startswith("２０２４年完成农村户用卫生厕所改造３０００户，其中６月底前完成１２００户。")
    assert toilets in text
    for content in tasks.values():  # every saved text is a stretch of the document itself
        assert content.replace("\n", "") in text.replace("\n", ""), content


@pytest.mark.django_db
def test_a_real_seed_with_full_width_punctuation_is_saved_as_published(county, supervisor):
    """Seed 000 (石狮市农业农村局's reply, kept as tests/reports/shishi_reply.txt): its five numbered measures."""
    text = (Path(__file__).resolve().parent / "shishi_reply.txt").read_text(encoding="utf-8")
    parsed = plan_import_parse(
        file=upload(text.encode(), "石狮.txt"), region=county, start=date(2024, 1, 1), end=date(2024, 12, 31)
    )
    sections, tasks = saved(save(parsed, county, supervisor))
    assert list(tasks) == [
        "共拼强志，激发主体内驱力",
        "共商集智，凝聚社会发展力",
        "共建筹资，提高要素供给力",
        "共管善治，增强基层治理力",
        "共享立制，提高分配调节力",
    ]
    assert tasks["共拼强志，激发主体内驱力"].startswith("组织开展“共同富裕”擂台大比拼活动，建立覆盖村、镇、市直单位")
    assert "全市 16 个强村公司累计签订 69 个项目" in tasks["共建筹资，提高要素供给力"]
    flat = text.replace("\n", "")
    assert all(content in flat for content in tasks.values())


def test_the_sign_off_under_a_reply_is_no_task_leader_nor_task_text(county):
    """Seed 000 ends "分管领导：蔡芳臻 / 经办人员：祝小慧 / 联系电话：… / （此件主动公开）": it signs the reply."""
    text = (Path(__file__).resolve().parent / "shishi_reply.txt").read_text(encoding="utf-8")
    parsed = plan_import_parse(
        file=upload(text.encode(), "石狮.txt"), region=county, start=date(2024, 1, 1), end=date(2024, 12, 31)
    )
    last = parsed["tasks"][-1]
    assert last["name"] == "共享立制，提高分配调节力"
    assert last["leader"] == ""
    assert not any("经办人员" in task["content"] or "联系电话" in task["content"] for task in parsed["tasks"])
    assert last["content"].endswith("全年新增城镇就业近万人。")


def test_a_leader_named_in_a_task_is_read_up_to_the_bracket():
    lines = ["一、重点任务", "（一）推进厕所改造。全县完成改造3000户。牵头领导：张三（副县长），责任单位：县农业农村局"]
    parsed = parse_lines(lines, start=date(2024, 1, 1), end=date(2024, 12, 31))
    assert parsed["tasks"][0]["leader"] == "张三"


@pytest.mark.django_db
def test_a_docx_plan_in_paragraphs_is_saved_with_its_own_punctuation(county, supervisor):
    data = (OTHER / "qinghe_plan.docx").read_bytes()
    paragraphs = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    plan = save(plan_import_parse(file=upload(data, "清河县.docx"), region=county), county, supervisor)
    sections, tasks = saved(plan)
    assert plan.title == "清河县农村人居环境整治提升实施方案（2025—2027年）"
    assert "第二章 重点任务" in sections and "一、推进农村厕所革命" in sections
    assert tasks["建好公共厕所"].startswith(
        "２０２５年底前，每个行政村至少建成１座公共厕所，全县新建农村公厕１２０座。"
    )
    assert "责任单位：县农业农村局、各乡镇" in tasks["建好公共厕所"]
    assert tasks["完善污水管网"].endswith("完成时限：2027年12月底前")
    assert "清理“三堆”" in tasks and ":" not in "".join(tasks.values()) and "," not in "".join(tasks.values())
    assert all(any(name in p for p in paragraphs) for name in tasks)


@pytest.mark.django_db
def test_an_xlsx_table_is_saved_with_its_cells_as_written(county, supervisor):
    """The Lanxi responsibility table of the corpus, cell for cell in a workbook."""
    grid = [[c.text for c in row.cells] for row in docx.Document(OTHER / "lanxi_table.docx").tables[0].rows]
    book = openpyxl.Workbook()
    book.active.append(["兰溪县2024年和美乡村建设工作任务责任分解表（征求意见稿）"])
    for row in grid:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    parsed = plan_import_parse(
        file=upload(data.getvalue(), "兰溪县.xlsx"), region=county, start=date(2024, 1, 1), end=date(2024, 12, 31)
    )
    sections, tasks = saved(save(parsed, county, supervisor))
    assert Plan.objects.get().title == "兰溪县2024年和美乡村建设工作任务责任分解表（征求意见稿）"
    assert sections == ["一、产业兴旺", "二、生态宜居"]
    assert tasks["农产品品牌"] == "新认证绿色食品、有机农产品各１０个。"
    assert tasks["农村电商"] == "培育电商示范村２０个；农村网络零售额达到１５亿元。\n建成村级电商服务站点５０个。"
    assert tasks["污水治理"] == "农村生活污水治理率达到６５％以上，其中６月底前达到６０％。"
    assert tasks["绿化美化"] == "完成村庄绿化造林３０００亩，9月底前完成。"
    phrases = set(Indicator.objects.values_list("source_phrase", flat=True))
    assert {"农村生活污水治理率达到６５％以上，其中６月底前达到６０％", "新认证绿色食品、有机农产品各１０个"} <= phrases
