"""What stops a previewed plan from saving, in words a person acts on: each problem names its task, indicator and
field once, says what is expected, and writes dates as the product does (2026年6月30日), checked on plain data."""

from datetime import date

import pytest
from django.utils import translation

from reports.plan_checks import check_plan, first_period_notices


def plan(**indicator):
    share = {
        "name": "和美乡村建成率",
        "kind": "increase",
        "unit": "%",
        "baseline": "30",
        "target_value": "90",
        "deadline": "2026-12-31",
        "milestones": [],
    }
    return {
        "title": "和美乡村建设实施方案",
        "start": "2026-01-01",
        "end": "2026-12-31",
        "sections": [],
        "units": [],
        "tasks": [{"seq": 1, "name": "和美乡村建设", "indicators": [dict(share, **indicator)]}],
    }


def messages(parsed, field, today=None):
    with translation.override("zh-hans"):
        return [p.message for p in check_plan(parsed, today=today) if p.field == field]


@pytest.mark.parametrize(
    "indicator, field, expected",
    [
        ({"target_value": "150"}, "target_value", "目标值应为 0 至 100 之间的数（该指标是比率，按%计；现为 150）。"),
        ({"baseline": "-5"}, "baseline", "基期值应为 0 至 100 之间的数（该指标是比率，按%计；现为 -5）。"),
        (
            {"milestones": [["2026-06-30", "120"]]},
            "milestones",
            "2026年6月30日的阶段节点值应为 0 至 100 之间的数（该指标是比率，按%计；现为 120）。",
        ),
    ],
)
def test_a_share_above_100_names_the_task_the_indicator_and_the_figure_once(indicator, field, expected):
    (message,) = messages(plan(**indicator), field)
    assert message == f"任务1“和美乡村建设”，第1个指标“和美乡村建成率”：{expected}"
    assert message.count("和美乡村建成率") == 1


def test_deadlines_and_stages_in_problems_are_written_as_chinese_dates_not_iso():
    parsed = plan(deadline="2025-12-31", milestones=[["2027-03-31", "50"]])
    (deadline,) = messages(parsed, "deadline")
    assert "截止日期2025年12月31日早于方案开始日期2026年1月1日" in deadline
    (outside,) = messages(parsed, "milestones")
    assert "阶段节点日期2027年3月31日不在指标期限（2026年1月1日至2025年12月31日）之内" in outside
    (twice,) = messages(plan(milestones=[["2026-06-30", "40"], ["2026-06-30", "45"]]), "milestones")
    assert twice.endswith("两个阶段节点都在2026年6月30日。")
    assert not any("-" in m.split("：", 1)[1] for m in [deadline, outside, twice])


def test_the_plan_period_and_first_reporting_period_read_in_words():
    parsed = dict(plan(), start="2026-07-01", end="2026-06-30", first_period="2026-02")
    (ends,) = messages(parsed, "end")
    assert ends == "方案结束日期（2026年6月30日）早于开始日期（2026年7月1日）。"
    (first,) = messages(parsed, "first_period", today=date(2026, 6, 30))
    assert first.startswith("首个填报期2026年2月的报送截止日已过（今天是2026年6月30日）")
    assert "请改为2026年7月或以后的月份" in first
    with translation.override("zh-hans"):
        (late,) = first_period_notices(dict(plan(), first_period="2027-02"))
    assert late.message.startswith("首个填报期2027年2月晚于方案结束日期（2026年12月31日）")
