"""The numbers of a clause that are quantities, with their unit, and the numbers that only look like one.

A plan's text is full of numbers that are not targets: years, ages, tier definitions ("10万元村"), subsidy
rates ("每户补助500元"), routine frequencies ("每月报送1次") and the scope of an action ("对全县179个
行政村"). :func:`quantities` yields only the quantities a unit could be asked to reach.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

import cn2an

# Longest first, so that 人次 wins over 人 and 平方米 over 米.
UNITS = sorted(
    [
        "个百分点",
        "百分点",
        "万元",
        "亿元",
        "平方公里",
        "平方米",
        "立方米",
        "公顷",
        "万千瓦",
        "千瓦时",
        "千瓦",
        "人次",
        "户次",
        "批次",
        "公里",
        "千米",
        "公斤",
        "千克",
        "%",
        "个",
        "座",
        "户",
        "人",
        "亩",
        "元",
        "家",
        "所",
        "条",
        "项",
        "处",
        "名",
        "吨",
        "斤",
        "米",
        "宗",
        "套",
        "张",
        "辆",
        "间",
        "批",
        "场",
        "次",
        "支",
        "只",
        "艘",
        "栋",
        "台",
        "片",
        "盏",
        "倍",
        "天",
        "袋",
        "眼",
        "口",
        "头",
        "羽",
        "株",
        "棵",
        "册",
        "件",
        "份",
        "轮",
        "篇",
        "成",
    ],
    key=len,
    reverse=True,
)
MONEY = ("元", "万元", "亿元")
COMPARISONS = ("以上", "以内", "以下", "左右", "内")
QUANTITY = re.compile(
    r"(?P<pre>近|约)?(?P<num>\d+(?:\.\d+)?)(?P<more>余|多)?(?P<mult>[万亿])?(?P<more2>余|多)?"
    r"(?P<unit>" + "|".join(map(re.escape, UNITS)) + r")?(?P<cmp>" + "|".join(COMPARISONS) + r")?"
)
# "十六个", "三成": Chinese numerals counting something. A lone 一 is idiom (一户一档, 一村一品) and 项
# after a Chinese numeral enumerates kinds (两项补贴, 三项指标), so neither is converted.
CN_NUMERAL = re.compile(
    r"(?<![第“届])(?P<num>[零一二两三四五六七八九十百千]+)(?P<unit>"
    + "|".join(map(re.escape, [u for u in UNITS if u not in ("项", "%")]))
    + r")"
)
APPROX_WAN = re.compile(r"(近|约|超|逾)万|(?<![\d.])万余")
TIER_FOLLOWERS = ("村", "行政村", "社区", "户", "农户", "家庭", "企业", "的村", "的行政村", "的户", "的企业", "的家庭")
# A tier is a threshold of a measure ("10万元村", "人口5000人以上的村"); "5家以上企业" counts the firms.
MEASURE_UNITS = MONEY + ("亩", "人", "吨", "平方米", "公顷", "千瓦", "万千瓦", "公里")
RATE_WORDS = ("补助", "补贴", "奖励", "资助", "奖补", "给予")
PERIOD_WORDS = re.compile(r"每(?:天|日|周|月|季度?|半年|年)")
SCOPE_TAIL = re.compile(r"对(?:全县|全区|全市|全镇|全乡|全省)?$")
# "全市101个村集体经济收入均达25万元以上": the count says how many each must reach the amount, not a target.
EACH_REACHES = re.compile(
    r"^[^、,;\d]{1,20}?(?:均|都|全部|每村|每个村)(?:要|能)?(?:达到|达|超过|超|不低于|不少于|在|为)\d"
)
# "1条主线、3个平台、5项机制": a framework's parts, named and counted, not amounts to reach.
FRAMEWORK_NOUNS = (
    "主线",
    "平台",
    "机制",
    "体系",
    "抓手",
    "路径",
    "载体",
    "板块",
    "战略",
    "理念",
    "原则",
    "重点",
    "目标",
    "任务",
    "模式",
    "制度",
    "方面",
    "领域",
    "环节",
    "维度",
    "支柱",
    "工作法",
    "举措",
    "清单",
    "中心工作",
)
FRAMEWORK_ITEM = re.compile(
    r"\d+(?:条|个|项|张|套|支|大)?(?:" + "|".join(FRAMEWORK_NOUNS) + r")(?![\u4e00-\u9fff]{0,2}(?:建设|覆盖))"
)


@dataclass
class Quantity:
    start: int
    end: int
    value: Decimal
    unit: str
    comparison: str
    approximate: bool


def normalise(text: str) -> str:
    """Full-width digits, letters and punctuation to half-width (，→, ％→% （→( ), spaces squeezed."""
    text = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"\s+", "", text.replace("\u3000", " "))


def arabic(text: str) -> str:
    """Chinese numerals that count something become digits (十六个 → 16个; 近万人 → 近1万人)."""

    def convert(match: re.Match) -> str:
        if match.group("num") == "一" or _inside_quotes(text, match.start()):
            return match.group(0)
        try:
            return f"{cn2an.cn2an(match.group('num'), 'smart')}{match.group('unit')}"
        except ValueError:
            return match.group(0)

    text = CN_NUMERAL.sub(convert, text)
    return APPROX_WAN.sub(lambda m: f"{m.group(1) or ''}1万{'' if m.group(1) else '余'}", text)


def _inside_quotes(text: str, position: int) -> bool:
    return text.rfind("“", 0, position) > text.rfind("”", 0, position)


def plain(value: Decimal) -> Decimal:
    """60.0 → 60 and 0.80 → 0.8, never 6E+1."""
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


def _value(match: re.Match) -> tuple[Decimal, str]:
    value, mult, unit = Decimal(match.group("num")), match.group("mult"), match.group("unit") or ""
    if unit == "亿元" or (mult == "亿" and unit == "元"):
        return plain(value * 10000), "万元"
    if mult == "万" and unit == "元":
        return plain(value), "万元"
    if mult:
        value *= Decimal(10000) if mult == "万" else Decimal(100000000)
    if unit == "成":  # 三成 = 30 %
        return plain(value * 10), "%"
    if unit == "个百分点":
        unit = "百分点"
    return plain(value), unit


RANGE_LOW = re.compile(r"(?<![\d.])(?P<low>\d+(?:\.\d+)?)(?:-|—|–|~|至|到)$")


def _range_low(clause: str, match: re.Match) -> re.Match | None:
    """ "3-5家" / "3至5家": the lower end of a range of a counted amount (an age band "0—3岁" is no target)."""
    low = RANGE_LOW.search(clause, 0, match.start())
    if not low or not match.group("unit") or match.group("unit") == "岁":
        return None
    return low if 0 < Decimal(low.group("low")) < Decimal(match.group("num")) else None


def _is_quantity(clause: str, match: re.Match, previous_end: int) -> bool:
    after = clause[match.end() :]
    if not (match.group("unit") or match.group("cmp")) or (
        not match.group("unit") and after[:1] != "" and after[:1] in "年月日号"
    ):
        return False
    if match.start() > 0 and clause[match.start() - 1] in "-—~第" and not _range_low(clause, match):  # 0—3岁, 第3位
        return False
    if (
        previous_end == match.start() and previous_end > 0 and match.group("unit") == "项"
    ):  # 1次32项检测: names the test
        return False
    return not _inside_quotes(clause, match.start())


def kind_of_number(clause: str, match: re.Match, before: str, unit: str) -> str:
    """'target', or why the number is not one: 'tier', 'rate', 'routine' or 'scope'."""
    after = clause[match.end() :]
    if unit in MEASURE_UNITS and after.startswith(TIER_FOLLOWERS):
        return "tier"
    near = before[-12:] + after[:14]
    if unit in MONEY and ("每" in before[-8:] or "按" in before[-10:] or any(w in near for w in RATE_WORDS)):
        return "rate"
    if unit == "次" and PERIOD_WORDS.search(before[-12:]):
        return "routine"
    if SCOPE_TAIL.search(before) or EACH_REACHES.match(after):
        return "scope"
    if _in_framework(clause, match.start()):
        return "framework"
    return "target"


def _in_framework(clause: str, position: int) -> bool:
    """The number starts one of two or more framework parts joined by 、 ("1条主线、3个平台")."""
    items = list(FRAMEWORK_ITEM.finditer(clause))
    run, runs = [], []
    for item in items:
        if run and clause[run[-1].end() : item.start()] in ("、", "和", "及", ",", "+"):
            run.append(item)
        else:
            run = [item]
            runs.append(run)
    return any(len(r) >= 2 and any(i.start() == position for i in r) for r in runs)


def quantities(clause: str):
    """(Quantity, words before it, reason) for every number of the clause that has a unit.

    The words before a target run back to the previous target, so a tier or a rate stays part of the
    name of what follows it ("年收入10万元村达到40%" names the 40 %).
    """
    previous_end = name_from = 0
    for match in QUANTITY.finditer(clause):
        if not _is_quantity(clause, match, previous_end):
            continue
        value, unit = _value(match)
        start = match.start()
        low = _range_low(clause, match)
        if low:  # "引进3-5家": at least the lower end, marked approximate for the person to confirm
            value, start = plain(value * Decimal(low.group("low")) / Decimal(match.group("num"))), low.start()
        before = clause[name_from:start]
        previous_end = match.end()
        why = kind_of_number(clause, match, before, unit)
        if why == "target":
            name_from = match.end()
        approximate = bool(match.group("pre") or match.group("more") or match.group("more2") or low)
        quantity = Quantity(start, match.end(), value, unit, match.group("cmp") or "", approximate)
        yield quantity, before, why
