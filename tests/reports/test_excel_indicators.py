"""Indicator extraction from a task's text, table-tested with plain values."""
from datetime import date
from decimal import Decimal

import pytest

from reports.excel.indicators import extract, normalise
from targets.demo.dongtou import TASKS

START, END = date(2023, 7, 1), date(2027, 12, 31)


def one(text, **kwargs):
    found = extract(text, start=START, end=END, **kwargs)
    assert len(found) == 1, [p.as_dict() for p in found]
    return found[0]


@pytest.mark.parametrize("text, value, unit", [
    ("脱贫劳动力务工规模不少于1.9万人", "19000", "人"),
    ("村级集体经济总收入超2.4亿元", "24000", "万元"),
    ("完成投资额超60亿元", "600000", "万元"),
    ("粮播面积稳定在1.18万亩", "11800", "亩"),
    ("改建卫生厕所2600座", "2600", "座"),
    ("新增造林500万元", "500", "万元"),
    ("建设美丽河湖12.5公里", "12.5", "公里"),
    ("年均提高0.8个百分点", "0.8", "百分点"),
    ("覆盖率达98%", "98", "%"),
])
def test_numbers_are_expanded_into_their_unit(text, value, unit):
    proposal = one(text)
    assert (proposal.target_value, proposal.unit) == (Decimal(value), unit)
    assert str(proposal.target_value) == value


@pytest.mark.parametrize("text, kind", [
    ("城镇调查失业率控制在5%以内", "ceiling"),
    ("逾期率控制在0.5%以内", "ceiling"),
    ("粮播面积稳定在1.18万亩", "floor"),
    ("城乡居民收入比缩小到1.54以内", "decrease"),
    ("改建卫生厕所2600座", "increase"),
    ("务工规模不少于1.9万人", "increase"),
    ("新建示范村16个", "increase"),
])
def test_comparison_words_decide_the_kind(text, kind):
    assert one(text).kind == kind


def test_a_decrease_needs_a_baseline_and_a_ceiling_sits_at_its_target():
    decrease = one("城乡居民收入比缩小到1.54以内")
    assert decrease.baseline is None and "baseline_needed" in decrease.warnings
    assert decrease.unit == "倍" and decrease.frequency == "quarterly"
    ceiling = one("城镇调查失业率控制在5%以内")
    assert ceiling.baseline == Decimal(5)


def test_target_years_set_deadlines_and_interim_years_make_milestones():
    proposal = one("到2025年,累计创成全国、省文明村镇10个以上,其中2023年建成3个。")
    assert proposal.deadline == date(2025, 12, 31)
    assert proposal.milestones == [(date(2023, 12, 31), Decimal(3))]
    assert "其中2023年建成3个" in proposal.phrase
    assert one("改建卫生厕所2600座。").deadline == END


def test_a_year_of_its_own_is_never_read_as_a_quantity():
    assert [p.target_value for p in extract("2024年建成驿站8个", start=START, end=END)] == [Decimal(8)]


def test_several_indicators_in_one_task_each_keep_their_phrase():
    found = extract("建设改造农村生活污水处理设施130个,处理设施行政村覆盖率、出水水质达标率均达98%以上",
                    start=START, end=END)
    assert [(p.name, p.target_value, p.unit) for p in found] == [
        ("建设改造农村生活污水处理设施", Decimal(130), "个"),
        ("处理设施行政村覆盖率", Decimal(98), "%"),
        ("出水水质达标率", Decimal(98), "%"),
    ]
    assert found[0].phrase == "建设改造农村生活污水处理设施130个"
    assert "baseline_assumed_zero" in found[1].warnings


def test_every_year_counts_are_spread_over_the_plan_with_cumulative_stages():
    proposal = one("每年建成新时代乡村电气化村3个")
    assert proposal.target_value == Decimal(15)
    assert proposal.milestones[0] == (date(2023, 12, 31), Decimal(3))
    assert proposal.milestones[-1] == (date(2026, 12, 31), Decimal(12))


def test_a_task_without_numbers_becomes_a_percent_complete_milestone():
    proposal = one("完成村庄规划编制,健全管理机制。", task_name="村庄规划")
    assert (proposal.kind, proposal.target_value, proposal.unit, proposal.name) == ("milestone", 100, "%", "村庄规划")


def test_full_width_punctuation_and_digits_read_like_half_width():
    assert normalise("改建卫生厕所２６００座，覆盖率９８％") == "改建卫生厕所2600座,覆盖率98%"
    assert [p.target_value for p in extract("改建卫生厕所２６００座，覆盖率达９８％", start=START, end=END)] == [
        Decimal(2600), Decimal(98)]


def test_the_dongtou_table_reads_as_transcribed_by_hand():
    """Value, unit and kind of every indicator match the hand transcription in at least 65 of 69 tasks."""
    matching = 0
    for task in TASKS:
        found = extract(task["content"], start=START, end=END, task_name=task["name"])
        expected = [(Decimal(i["target"]), i["unit"], i["kind"]) for i in task["indicators"]]
        matching += [(p.target_value, p.unit, p.kind) for p in found] == expected
    assert matching >= 65
