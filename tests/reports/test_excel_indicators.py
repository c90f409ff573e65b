"""Indicator extraction from a task's text, table-tested with plain values."""

from datetime import date
from decimal import Decimal

import pytest

from reports.excel.indicators import extract, normalise

from .tables import dongtou

START, END = date(2023, 7, 1), date(2027, 12, 31)


def one(text, **kwargs):
    found = extract(text, start=START, end=END, **kwargs)
    assert len(found) == 1, [p.as_dict() for p in found]
    return found[0]


@pytest.mark.parametrize(
    "text, value, unit",
    [
        ("脱贫劳动力务工规模不少于1.9万人", "19000", "人"),
        ("村级集体经济总收入超2.4亿元", "24000", "万元"),
        ("完成投资额超60亿元", "600000", "万元"),
        ("粮播面积稳定在1.18万亩", "11800", "亩"),
        ("改建卫生厕所2600座", "2600", "座"),
        ("新增造林500万元", "500", "万元"),
        ("建设美丽河湖12.5公里", "12.5", "公里"),
        ("年均提高0.8个百分点", "0.8", "百分点"),
        ("覆盖率达98%", "98", "%"),
    ],
)
def test_numbers_are_expanded_into_their_unit(text, value, unit):
    proposal = one(text)
    assert (proposal.target_value, proposal.unit) == (Decimal(value), unit)
    assert str(proposal.target_value) == value


@pytest.mark.parametrize(
    "text, kind",
    [
        ("城镇调查失业率控制在5%以内", "ceiling"),
        ("逾期率控制在0.5%以内", "ceiling"),
        ("粮播面积稳定在1.18万亩", "floor"),
        ("城乡居民收入比缩小到1.54以内", "decrease"),
        ("改建卫生厕所2600座", "increase"),
        ("务工规模不少于1.9万人", "increase"),
        ("新建示范村16个", "increase"),
    ],
)
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
    found = extract(
        "建设改造农村生活污水处理设施130个,处理设施行政村覆盖率、出水水质达标率均达98%以上", start=START, end=END
    )
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
        Decimal(2600),
        Decimal(98),
    ]


def test_the_dongtou_table_reads_as_labelled_by_hand():
    """Value, unit and kind of every indicator of the source workbook's tasks match the corpus' labels in at
    least 65 of 69 tasks."""
    matching = 0
    for task in dongtou.TASKS:
        found = extract(task["content"], start=START, end=END, task_name=task["name"])
        expected = [(Decimal(i["value"]), i["unit"], i["kind"]) for i in task["indicators"]]
        matching += [(p.target_value, p.unit, p.kind) for p in found] == expected
    assert matching >= 65


# The cases real plans wrote that an earlier reading got wrong (issue 14), each with plain values.
XUNYI = {"start": date(2024, 3, 1), "end": date(2024, 12, 31)}


def xunyi(text):
    return [(p.kind, p.target_value, p.unit) for p in extract(text, **XUNYI)]


def test_not_less_than_on_an_amount_is_an_increase_not_a_floor():
    assert xunyi("全年向各类产业主体投入帮扶资金不低于1000万元") == [("increase", Decimal(1000), "万元")]
    assert xunyi("全年培训人数不低于5000人次") == [("increase", Decimal(5000), "人次")]


def test_steady_income_growth_is_not_a_floor():
    found = extract("支持脱贫人口通过发展生产稳定增收,确保新增贷款规模不低于去年", **XUNYI)
    assert [p.kind for p in found] == ["milestone"]
    assert xunyi("耕地保有量稳定在1.18万亩") == [("floor", Decimal(11800), "亩")]
    assert xunyi("森林覆盖率保持在60%以上") == [("floor", Decimal(60), "%")]


@pytest.mark.parametrize(
    "text, value, unit",
    [
        ("打井20眼", "20", "眼"),
        ("发放饲料500袋", "500", "袋"),
        ("新增生猪存栏3000头", "3000", "头"),
        ("蛋鸡养殖规模达到10万羽", "100000", "羽"),
        ("修建蓄水池12口", "12", "口"),
        ("新增肉牛800只", "800", "只"),
        ("培育家庭农场3家", "3", "家"),
        ("新建幼儿园2所", "2", "所"),
        ("新建产业路15条", "15", "条"),
        ("改造危桥4处", "4", "处"),
        ("建设冷库6间", "6", "间"),
        ("购置农机30台", "30", "台"),
        ("安装路灯200套", "200", "套"),
        ("配备垃圾清运车5辆", "5", "辆"),
        ("举办招聘会8场", "8", "场"),
        ("分3批组织", "3", "批"),
        ("实施项目21项", "21", "项"),
        ("组建服务队10支", "10", "支"),
        ("培育高素质农民300名", "300", "名"),
        ("培训5000人次", "5000", "人次"),
        ("走访2000户次", "2000", "户次"),
        ("新建厂房1.2万平方米", "12000", "平方米"),
        ("新建蓄水池3000立方米", "3000", "立方米"),
        ("回收农膜120吨", "120", "吨"),
        ("新增光伏装机500千瓦", "500", "千瓦"),
    ],
)
def test_units_of_real_plans_are_read(text, value, unit):
    assert xunyi(text) == [("increase", Decimal(value), unit)]


def test_time_limits_in_days_are_ceilings():
    assert xunyi("从发现风险线索到完成监测对象识别认定不超过15天,识别后10天内完成信息系统录入") == [
        ("ceiling", Decimal(15), "天"),
        ("ceiling", Decimal(10), "天"),
    ]


@pytest.mark.parametrize(
    "text, value, unit",
    [
        ("组建网格员队伍2700余人", "2700", "人"),
        ("全年新增城镇就业近万人", "10000", "人"),
        ("约500户完成改造", "500", "户"),
        ("新增学位3000多个", "3000", "个"),
        ("带动就业万余人", "10000", "人"),
    ],
)
def test_approximate_amounts_are_taken_at_their_value_and_marked(text, value, unit):
    (proposal,) = extract(text, **XUNYI)
    assert (proposal.target_value, proposal.unit) == (Decimal(value), unit)
    assert "approximate" in proposal.warnings


def test_from_a_to_b_is_a_baseline_and_a_target():
    (proposal,) = extract("村集体经营性收入由300万元提高到800万元", **XUNYI)
    assert (proposal.kind, proposal.baseline, proposal.target_value, proposal.unit) == (
        "increase",
        Decimal(300),
        Decimal(800),
        "万元",
    )
    assert proposal.warnings == []
    (down,) = extract("贫困发生率从3.2%下降到1%", **XUNYI)
    assert (down.kind, down.baseline, down.target_value) == ("decrease", Decimal("3.2"), Decimal(1))


def test_staged_spending_is_one_indicator_with_milestones():
    (proposal,) = extract(
        "各项目实施单位要确保项目资金支出率达到4月底30%以上、6月底50%以上、9月底75%以上、12月底100%。", **XUNYI
    )
    assert (proposal.name, proposal.target_value, proposal.unit, proposal.deadline) == (
        "项目资金支出率",
        Decimal(100),
        "%",
        date(2024, 12, 31),
    )
    assert proposal.milestones == [
        (date(2024, 4, 30), Decimal(30)),
        (date(2024, 6, 30), Decimal(50)),
        (date(2024, 9, 30), Decimal(75)),
    ]
    assert proposal.phrase.endswith("12月底100%")


@pytest.mark.parametrize(
    "text, value",
    [
        ("村级集体经济年收入10万元村达到40%以上", "40"),
        ("集体经济年经营性收入50万元以上行政村占比达到70%", "70"),
        ("年经营性收入5万元以上的村占比达到60%", "60"),
    ],
)
def test_tier_definitions_are_not_targets(text, value):
    assert xunyi(text) == [("increase", Decimal(value), "%")]
    assert "万元" in extract(text, **XUNYI)[0].name


@pytest.mark.parametrize(
    "text",
    [
        "每户补助500元",
        "按每亩200元标准给予补贴",
        "特困人员、孤儿及事实无人扶养儿童给予380元全额资助",
        "持续落实省外务工人口每人每年一次性500元的跨省转移就业交通补助政策",
        "每季度评选出优质项目并分别给予100万元经费奖励",
    ],
)
def test_subsidy_rates_are_not_targets(text):
    assert [p.kind for p in extract(text, **XUNYI)] == ["milestone"]


def test_routine_frequencies_and_the_scope_of_an_action_are_not_targets():
    assert [p.kind for p in extract("每月开展2次驻村干部督导检查,每季度下发1次督导检查情况通报", **XUNYI)] == [
        "milestone"
    ]
    assert xunyi("对全县179个行政村集中开展农村饮水安全大排查行动") == [("milestone", Decimal(100), "%")]
    found = extract("对全县210个检测点每月进行1次21项检测,全年进行2次32项全分析检测、2次46项全分析检测", **XUNYI)
    assert [(p.name, p.target_value, p.unit) for p in found] == [
        ("进行32项全分析检测", Decimal(2), "次"),
        ("46项全分析检测", Decimal(2), "次"),
    ]


@pytest.mark.parametrize(
    "text, deadline",
    [
        ("9月底前建成美丽宜居示范村23个", date(2024, 9, 30)),
        ("6月底前完成改厕2600座", date(2024, 6, 30)),
        ("年底前培育家庭农场3家", date(2024, 12, 31)),
        ("2025年底前建成示范村5个", date(2025, 12, 31)),
        ("对2024年确定的60户危改户,加强监督管理,确保10月底前全部竣工。", date(2024, 10, 31)),
    ],
)
def test_a_month_deadline_sets_the_deadline(text, deadline):
    (proposal,) = extract(text, **XUNYI)
    assert proposal.deadline == deadline


def test_a_month_in_a_multi_year_plan_falls_in_its_first_year_not_yet_past():
    (proposal,) = extract("5月底前完成改厕30座", start=date(2023, 7, 1), end=date(2027, 12, 31))
    assert proposal.deadline == date(2024, 5, 31)
    (milestone,) = extract("从2024年3月开始至12月底完成村庄规划编制", **XUNYI)
    assert (milestone.kind, milestone.deadline) == ("milestone", date(2024, 12, 31))


@pytest.mark.parametrize(
    "text, name, unit",
    [
        ("空壳村全部清零", "空壳村", "个"),
        ("确保返贫致贫风险动态清零", "返贫致贫风险", "个"),
        ("农村危房动态清零。", "农村危房", "个"),
        ("义务教育阶段适龄儿童少年失学辍学动态清零", "义务教育阶段适龄儿童少年失学辍学", "人"),
    ],
)
def test_cleared_to_zero_is_a_ceiling_at_zero_not_an_increase(text, name, unit):
    (proposal,) = extract(text, **XUNYI)
    assert (proposal.name, proposal.kind, proposal.target_value, proposal.baseline, proposal.unit) == (
        name,
        "ceiling",
        0,
        0,
        unit,
    )
    assert "baseline_needed" not in proposal.warnings


@pytest.mark.parametrize(
    "text, value, unit",
    [
        ("引进3-5家总部企业", 3, "家"),
        ("培育2—3个示范村", 2, "个"),
        ("引进3至5家企业", 3, "家"),
        ("增收3-5万元", 3, "万元"),
    ],
)
def test_a_range_is_at_least_its_lower_end_marked_approximate(text, value, unit):
    (proposal,) = extract(text, **XUNYI)
    assert (proposal.kind, proposal.target_value, proposal.unit) == ("increase", value, unit)
    assert "approximate" in proposal.warnings


def test_an_age_band_is_no_range_target():
    assert [p.kind for p in extract("做好0—3岁婴幼儿托育指导", **XUNYI)] == ["milestone"]


def test_a_stated_stock_cleared_to_zero_comes_down_from_it():
    (proposal,) = extract("49个“空壳村”全部清零", **XUNYI)
    assert (proposal.kind, proposal.baseline, proposal.target_value) == ("decrease", 49, 0)


def test_risks_reported_after_a_dynamic_clearing_light_red_and_none_light_green():
    from targets.rules import IndicatorSpec, ReportPoint, evaluate_status

    (proposal,) = extract("确保返贫致贫风险动态清零", **XUNYI)
    spec = IndicatorSpec(
        kind=proposal.kind,
        baseline=proposal.baseline,
        target=proposal.target_value,
        start=date(2024, 3, 1),
        deadline=proposal.deadline,
    )

    def light(value):
        report = ReportPoint(period_start=date(2024, 3, 1), value=Decimal(value), submitted_on=date(2024, 3, 20))
        return evaluate_status(spec, [report], date(2024, 4, 1)).status

    assert (light(2), light(0)) == ("red", "green")


def test_each_of_several_named_things_is_its_own_indicator():
    found = extract("推荐“万企兴万村”行动典型村、典型项目(企业)各1个", **XUNYI)
    assert [(p.name, p.target_value, p.unit) for p in found] == [
        ("推荐“万企兴万村”行动典型村", Decimal(1), "个"),
        ("典型项目(企业)", Decimal(1), "个"),
    ]


@pytest.mark.parametrize(
    "text, value, unit",
    [
        ("新建示范村十六个", "16", "个"),
        ("农村居民收入三成以上来自经营性收入", "30", "%"),
        ("建成美丽城镇两个", "2", "个"),
    ],
)
def test_chinese_numerals_are_read(text, value, unit):
    assert xunyi(text) == [("increase", Decimal(value), unit)]


def test_idioms_and_quoted_names_with_numerals_are_not_quantities():
    for text in ("严格执行“一户一档”管理制度", "深化乡村振兴“十个一”示范创建", "加强残疾人两项补贴数据筛查比对"):
        assert [p.kind for p in extract(text, **XUNYI)] == ["milestone"], text


def test_every_proposal_keeps_its_phrase_as_written_in_the_text():
    text = "全年培育家庭农场3家、农民专业合作社5家,培育高素质农民300名。"
    for proposal in extract(text, **XUNYI):
        assert proposal.phrase and proposal.phrase in normalise(text)


def test_one_verb_governs_every_amount_it_lists():
    assert [(p.kind, p.unit) for p in extract("粮播面积稳定在1.18万亩、总产量658万斤以上", **XUNYI)] == [
        ("floor", "亩"),
        ("floor", "斤"),
    ]


def test_a_stock_held_is_a_floor_and_so_are_the_parts_of_a_level_kept_from_last_year():
    assert xunyi("确保全市公益性岗位保有量30个以上") == [("floor", Decimal(30), "个")]
    found = extract("确保全县乡村公岗安置脱贫人口数量不少于上年度(其中,就业乡村公岗580人,护林员43人)。", **XUNYI)
    assert [(p.kind, p.target_value) for p in found] == [("floor", Decimal(580)), ("floor", Decimal(43))]


def test_a_count_of_firms_is_a_target_not_a_tier():
    assert xunyi("全年促成5家以上企业与村集体合作建设产业项目") == [("increase", Decimal(5), "家")]


def test_one_member_at_work_per_household_is_a_rate_held_at_100():
    (proposal,) = extract("确保有劳动力的搬迁群众实现1户1人以上就业", **XUNYI)
    assert (proposal.kind, proposal.target_value, proposal.unit) == ("floor", Decimal(100), "%")


def test_actions_in_named_months_count_once_by_the_end_of_each():
    (proposal,) = extract("分别于4月份、10月份组织对全县179个行政村集中开展农村饮水安全敲门入户大排查行动", **XUNYI)
    assert (proposal.target_value, proposal.unit, proposal.deadline) == (Decimal(2), "次", date(2024, 10, 31))
    assert proposal.milestones == [(date(2024, 4, 30), Decimal(1))]


def test_zero_dropouts_is_a_ceiling_at_zero_and_a_quoted_campaign_is_not_a_target():
    (proposal,) = extract("实现全县义务教育阶段学生零辍学", **XUNYI)
    assert (proposal.kind, proposal.target_value, proposal.unit) == ("ceiling", Decimal(0), "人")
    assert [p.kind for p in extract("持续巩固村集体经济“清零消薄”行动", **XUNYI)] == ["milestone"]


def test_full_coverage_counts_only_when_coverage_is_what_is_reached():
    assert xunyi("确保农村医疗卫生服务全覆盖") == [("increase", Decimal(100), "%")]
    assert [p.kind for p in extract("对所有农户开展集中全覆盖排查", **XUNYI)] == ["milestone"]


def test_a_deadline_after_the_number_applies_and_a_second_dated_step_is_its_own_indicator():
    found = extract(
        "对2024年确定的60户危改户,加强监督管理,选择低成本的改造方式加快工程进度,确保10月底前全部竣工,"
        "11月底完成验收并兑付补助资金。",
        **XUNYI,
    )
    assert [(p.target_value, p.unit, p.deadline) for p in found] == [
        (Decimal(60), "户", date(2024, 10, 31)),
        (Decimal(60), "户", date(2024, 11, 30)),
    ]


def test_an_ordinal_session_is_not_a_count():
    assert [p.kind for p in extract("关于市政协八届三次会议第37号提案的答复", **XUNYI)] == ["milestone"]


def test_a_share_of_villages_is_the_target_not_a_tier():
    assert xunyi("全县80%以上的村建成美丽乡村") == [("increase", Decimal(80), "%")]


def test_a_dated_part_of_a_total_is_a_stage_of_it():
    (proposal,) = extract("全年培训1200人次以上,其中6月底前完成600人次", **XUNYI)
    assert (proposal.target_value, proposal.milestones) == (Decimal(1200), [(date(2024, 6, 30), Decimal(600))])
    found = extract("改建卫生厕所2600座。其中6月底前完成改厕3000座。", **XUNYI)
    assert [p.milestones for p in found] == [[], []]


def test_a_count_that_each_must_reach_an_amount_is_scope_and_the_amount_a_floor_for_each():
    (proposal,) = extract(
        "到2025年，全市101个村集体经济年经营性收入均达25万元以上", start=date(2024, 1, 1), end=date(2025, 12, 31)
    )
    assert (proposal.kind, proposal.target_value, proposal.baseline, proposal.unit) == (
        "floor",
        Decimal(25),
        Decimal(25),
        "万元",
    )
    assert proposal.name == "每个村集体经济年经营性收入"
    # Two named subjects sharing a value stay two increases.
    assert [(p.name, p.kind) for p in extract("A、B均达98%以上", **XUNYI)] == [("A", "increase"), ("B", "increase")]


def test_a_number_per_quarter_is_spread_over_the_quarters_and_reported_quarterly():
    (proposal,) = extract("每季度评选出10个“红黑榜”村，实行动态管理", start=date(2024, 1, 1), end=date(2024, 12, 31))
    assert (proposal.target_value, proposal.frequency) == (Decimal(40), "quarterly")
    assert proposal.milestones == [
        (date(2024, 3, 31), Decimal(10)),
        (date(2024, 6, 30), Decimal(20)),
        (date(2024, 9, 30), Decimal(30)),
    ]
    assert proposal.name == "评选出红黑榜村"
    # A routine frequency is still not a target.
    assert [p.kind for p in extract("每季度开展1次督查", start=date(2024, 1, 1), end=date(2024, 12, 31))] == [
        "milestone"
    ]


def test_the_counted_parts_of_a_framework_are_not_targets():
    found = extract(
        "形成1条主线、3个平台、5项机制的乡村治理工作体系，建成示范村20个",
        start=date(2024, 1, 1),
        end=date(2026, 12, 31),
    )
    assert [(p.target_value, p.unit) for p in found] == [(Decimal(20), "个")]
    assert [p.kind for p in extract("构建“1条主线、3个平台”的工作体系", **XUNYI)] == ["milestone"]
    assert [(p.target_value, p.unit) for p in extract("建成3个电商服务平台", **XUNYI)] == [(Decimal(3), "个")]


@pytest.mark.parametrize(
    "text, target, unit, stages",
    [
        ("新开发公益性岗位800个，6月底前完成400个", 800, "个", [(date(2024, 6, 30), 400)]),
        ("农村劳动力转移就业率力争达到50%，9月底前达到30%", 50, "%", [(date(2024, 9, 30), 30)]),
        ("新开发公益性岗位800个，力争6月底前完成400个以上", 800, "个", [(date(2024, 6, 30), 400)]),
        ("新增转移就业3000人，截至9月底累计完成2400人", 3000, "人", [(date(2024, 9, 30), 2400)]),
        ("新开发公益性岗位800个，到6月底新开发400个", 800, "个", [(date(2024, 6, 30), 400)]),
        (
            "改造农房200户，6月底前完成100户，9月底前完成150户",
            200,
            "户",
            [(date(2024, 6, 30), 100), (date(2024, 9, 30), 150)],
        ),
        (
            "新建污水管网20公里。6月底前完成8公里，9月底前完成15公里。",
            20,
            "公里",
            [(date(2024, 6, 30), 8), (date(2024, 9, 30), 15)],
        ),
        ("改造提升农村户厕200户，力争6月底前完成总任务的50%", 200, "户", [(date(2024, 6, 30), 100)]),
    ],
)
def test_a_dated_smaller_amount_after_a_target_is_a_stage_of_it_without_qizhong(text, target, unit, stages):
    (proposal,) = extract(text, **XUNYI)
    assert (proposal.target_value, proposal.unit, proposal.deadline) == (Decimal(target), unit, date(2024, 12, 31))
    assert proposal.milestones == [(when, Decimal(value)) for when, value in stages]
    assert normalise(text).rstrip("。").split(",")[-1] in proposal.phrase  # the stage stays in what it was read from


def test_a_year_end_stage_of_a_multi_year_target_falls_in_the_first_year():
    (proposal,) = extract("完成农村危房改造1000户，年底前完成600户", start=date(2024, 1, 1), end=date(2025, 12, 31))
    assert (proposal.target_value, proposal.deadline) == (Decimal(1000), date(2025, 12, 31))
    assert proposal.milestones == [(date(2024, 12, 31), Decimal(600))]


def test_a_dated_amount_of_something_else_is_its_own_indicator():
    found = extract("培训农民500人次，6月底前培训致富带头人100人次。新建道路10公里，改造桥梁5座。", **XUNYI)
    assert [(p.target_value, p.unit, p.deadline, p.milestones) for p in found] == [
        (Decimal(500), "人次", date(2024, 12, 31), []),
        (Decimal(100), "人次", date(2024, 6, 30), []),
        (Decimal(10), "公里", date(2024, 12, 31), []),
        (Decimal(5), "座", date(2024, 12, 31), []),
    ]
    (roads, repairs) = extract("新建道路10公里，6月底前改造道路5公里", **XUNYI)
    assert (roads.milestones, repairs.target_value, repairs.deadline) == ([], Decimal(5), date(2024, 6, 30))


def test_a_stage_the_deadline_cannot_hold_is_no_second_indicator_and_is_flagged():
    (proposal,) = extract("完成改造1000户，年底前完成600户", **XUNYI)  # a one-year plan: 年底 is its deadline
    assert (proposal.target_value, proposal.milestones) == (Decimal(1000), [])
    assert "stage_not_before_deadline" in proposal.warnings
    assert proposal.phrase == "完成改造1000户,年底前完成600户"
    (late,) = extract("新开发公益性岗位800个，6月底前完成400个", start=date(2024, 7, 1), end=date(2024, 12, 31))
    assert (late.target_value, late.milestones, late.warnings) == (Decimal(800), [], ["stage_not_before_deadline"])


def test_a_stage_date_is_not_the_deadline_of_the_targets_after_it_and_a_later_completion_date_is():
    found = extract("培训农民500人次，6月底前培训300人次，新建蔬菜大棚20座", **XUNYI)
    assert [(p.target_value, p.deadline) for p in found] == [
        (Decimal(500), date(2024, 12, 31)),
        (20, date(2024, 12, 31)),
    ]
    (fields,) = extract("新建高标准农田1万亩，6月底前完成5000亩，10月底前全部完成", **XUNYI)
    assert (fields.deadline, fields.milestones) == (date(2024, 10, 31), [(date(2024, 6, 30), Decimal(5000))])


@pytest.mark.parametrize(
    "text, name",
    [
        ("实现90%以上的小农户融入现代农业组织", "小农户融入现代农业组织比例"),
        ("确保95%以上的农户用上自来水", "农户用上自来水比例"),
        ("全县60%以上行政村达到美丽乡村标准", "行政村达到美丽乡村标准比例"),
        ("村庄绿化覆盖率达到30%以上", "村庄绿化覆盖率"),
        ("新建3个文化礼堂", "新建文化礼堂"),
    ],
)
def test_a_share_named_after_its_number_reads_as_a_share_not_from_its_particle(text, name):
    """ "90%以上的小农户…": the indicator is the share of them (…比例), its name never starts with 的; a name
    that already says it is a rate keeps its words, and a count keeps the thing counted."""
    [proposal] = extract(text, start=date(2024, 1, 1), end=date(2027, 12, 31))
    assert proposal.name == name
