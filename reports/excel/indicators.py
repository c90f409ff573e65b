"""Read the measurable quantities out of a task's text (主要内容). Pure: no Django, no database.

``extract(text, start=…, end=…)`` returns :class:`Proposal` objects: what the importer proposes
and the person confirms on the preview page. Every proposal keeps the phrase it was read from.

What is understood:
* numbers with 万 / 亿 multipliers, expanded into the stated unit (1.9万人 → 19000 人; money is kept
  in 万元: 60亿元 → 600000 万元);
* units of measure (个 座 户 人 亩 公里 万元 % 百分点 …), or a bare ratio followed by 以内/以上;
* comparison words → kinds (DOMAIN.md): 控制在 → ceiling, 稳定在/保持 → floor, 缩小到/降低到 → decrease,
  everything else (达到, 不少于, 以上, 超, 新建, 完成 …) → increase;
* "到2025年" / "2025年底前" → the deadline of what follows in that sentence;
* "其中2023年建成3个" → a milestone of the indicator just before it;
* "A、B均达98%以上" → one indicator for each of A and B;
* a task with no number → one milestone indicator, reported as percent complete 0–100.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

UNITS = [
    "个百分点", "百分点", "万元", "亿元", "平方米", "立方米", "公顷", "千瓦", "人次", "公里", "千米", "%",
    "个", "座", "户", "人", "亩", "元", "家", "所", "条", "项", "处", "名", "吨", "斤", "米", "宗", "套", "张",
    "辆", "间", "批", "场", "次", "支", "只", "艘", "栋", "台", "片", "盏", "倍", "岁",
]
MULTIPLIERS = {"万": Decimal(10000), "亿": Decimal(100000000)}
COMPARISONS = r"(?:以上|以内|以下|左右)"
NUMBER = re.compile(
    r"(?P<num>\d+(?:\.\d+)?)\s*(?P<mult>[万亿])?\s*(?P<unit>" + "|".join(map(re.escape, UNITS)) + r")?"
    r"(?P<cmp>" + COMPARISONS + r")?"
)
YEAR = re.compile(r"(?:到|至|于)?(?P<year>20\d{2})年(?:底|末)?(?:前|以前)?")
CEILING_WORDS = ("控制在", "控制到", "不超过", "不高于")
FLOOR_WORDS = ("稳定在", "保持在", "保持", "稳定", "保有量", "不低于")
DECREASE_WORDS = ("缩小到", "缩小至", "降低到", "降低至", "降至", "下降到", "下降至", "减少到", "减少至", "压减到", "压降到")
NAME_TAIL = re.compile(
    r"(?:均|总|力争|确保|分别)?(?:达到|达|超过|超|不少于|不低于|不超过|提高到|提高至|提升到|提升至|提高|提升|"
    r"缩小到|缩小至|降低到|降低至|降至|下降到|下降至|减少到|减少至|控制在|控制到|稳定在|保持在|增长|增加|"
    r"为|至|到|在|均)+$"
)
NAME_HEAD = re.compile(r"^(?:其中|全区|全县|全市|全镇|力争|确保|并|同时|累计|新增)+")
CLAUSE_SPLIT = re.compile(r"[,;。:!?]")
SENTENCE_SPLIT = re.compile(r"(?<=[。;!?])")
STATS_WORDS = ("收入", "增长", "失业率", "城镇化率", "GDP", "生产总值", "增加值", "倍差", "收入比")


@dataclass
class Proposal:
    name: str
    kind: str
    unit: str
    target_value: Decimal
    baseline: Decimal | None
    deadline: date
    phrase: str
    milestones: list[tuple[date, Decimal]] = field(default_factory=list)
    frequency: str = "monthly"
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "name": self.name, "kind": self.kind, "unit": self.unit,
            "target_value": str(self.target_value), "baseline": None if self.baseline is None else str(self.baseline),
            "deadline": self.deadline.isoformat(), "frequency": self.frequency, "source_phrase": self.phrase,
            "milestones": [[d.isoformat(), str(v)] for d, v in self.milestones], "warnings": list(self.warnings),
        }


def normalise(text: str) -> str:
    """Full-width digits, letters and punctuation to half-width (，→, ％→% （→( ), spaces squeezed."""
    text = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"\s+", "", text.replace("\u3000", " "))


def _value(num: str, mult: str | None, unit: str) -> tuple[Decimal, str]:
    value = Decimal(num)
    if unit == "亿元" or (mult == "亿" and unit == "元"):
        return _plain(value * 10000), "万元"
    if mult == "万" and unit == "元":
        return value, "万元"
    if mult:
        value *= MULTIPLIERS[mult]
    if unit == "个百分点":
        unit = "百分点"
    return _plain(value), unit


def _plain(value: Decimal) -> Decimal:
    """60.0 → 60 and 0.80 → 0.8, never 6E+1."""
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


def _kind(clause: str) -> str:
    if any(word in clause for word in CEILING_WORDS):
        return "ceiling"
    if any(word in clause for word in DECREASE_WORDS):
        return "decrease"
    if any(word in clause for word in FLOOR_WORDS):
        return "floor"
    return "increase"


def _clean_name(raw: str) -> str:
    name = YEAR.sub("", raw)
    name = NAME_HEAD.sub("", name)
    name = NAME_TAIL.sub("", name)
    return name.strip("、").rstrip("的和及与")


def _year_end(year: int) -> date:
    return date(year, 12, 31)


def _deadline(sentence_prefix: str, default: date) -> date:
    years = [int(m.group("year")) for m in YEAR.finditer(sentence_prefix) if m.group(0).startswith(("到", "至"))
             or m.group(0).endswith(("前", "底", "末"))]
    return _year_end(years[-1]) if years else default


def _is_year(clause: str, match: re.Match) -> bool:
    return match.group("unit") is None and clause[match.end():match.end() + 1] == "年"


def _quantities(clause: str):
    """The numbers of a clause that are quantities (not years, not list numbers like 15分钟)."""
    for match in NUMBER.finditer(clause):
        if _is_year(clause, match) or not (match.group("unit") or match.group("cmp")):
            continue
        yield match


def _milestone(clause: str, previous: Proposal | None) -> bool:
    """"其中2023年建成3个": a yearly stage of the indicator before it. True when consumed."""
    year = YEAR.search(clause)
    if previous is None or year is None or "其中" not in clause and not clause.startswith(year.group(0)):
        return False
    quantities = [m for m in _quantities(clause[year.end():])]
    if len(quantities) != 1:
        return False
    value, unit = _value(quantities[0].group("num"), quantities[0].group("mult"), quantities[0].group("unit") or "")
    if unit and previous.unit and unit != previous.unit:
        return False
    when = _year_end(int(year.group("year")))
    if when < previous.deadline:
        previous.milestones.append((when, value))
        previous.phrase = f"{previous.phrase},{clause}"
        return True
    return False


YEARLY_VERBS = ("建成", "启动", "新建", "创建", "创成", "打造", "培育", "新增")


def _spread_yearly(proposal: Proposal, clause: str, start: date) -> None:
    """"每年建成3个" over 2023–2027: 15 in all, with cumulative stages 3, 6, 9, 12 at each year end."""
    if "每年" not in clause or proposal.kind != "increase" or not any(v in clause for v in YEARLY_VERBS):
        return
    years = list(range(start.year, proposal.deadline.year + 1))
    if len(years) < 2:
        return
    step = proposal.target_value
    proposal.milestones = [(_year_end(year), step * (i + 1)) for i, year in enumerate(years[:-1])]
    proposal.target_value = step * len(years)
    proposal.name = proposal.name.replace("每年", "", 1) or proposal.name


def _coverage(clause: str, deadline: date) -> Proposal | None:
    """"实现快递服务和电商配送行政村全覆盖" → a coverage rate that must reach 100 %."""
    if "全覆盖" not in clause:
        return None
    subject = _clean_name(clause.split("全覆盖")[0].removeprefix("实现").removesuffix("基本"))
    if not subject:
        return None
    return _proposal(subject + "覆盖率", "increase", "%", Decimal(100), deadline, clause)


def _proposals_in_clause(clause: str, kind: str, deadline: date, task_name: str) -> list[Proposal]:
    proposals, cursor = [], 0
    matches = list(_quantities(clause))
    if not matches:
        coverage = _coverage(clause, deadline)
        return [coverage] if coverage else []
    for index, match in enumerate(matches):
        value, unit = _value(match.group("num"), match.group("mult"), match.group("unit") or "")
        raw_name = clause[cursor:match.start()]
        phrase = clause[cursor:match.end()]
        cursor = match.end()
        shared = "均" in raw_name and "、" in raw_name
        names = [_clean_name(part) for part in raw_name.split("、")] if shared else [_clean_name(raw_name)]
        rest = clause[match.end(): matches[index + 1].start() if index + 1 < len(matches) else len(clause)]
        if not shared and len(names[0]) <= 4 and len(rest) >= 2 and not re.search(r"\d", rest):
            # "新建X个Y": the thing counted follows the number.
            names = [_clean_name(raw_name) + rest]
            phrase = clause[match.start() - len(raw_name): match.end() + len(rest)]
            cursor = match.end() + len(rest)
        for name in names:
            proposals.append(_proposal(name or task_name, kind, unit, value, deadline, phrase))
    return proposals


def _proposal(name, kind, unit, value, deadline, phrase) -> Proposal:
    if not unit and name.endswith(("比", "倍差")):
        unit = "倍"
    frequency = "quarterly" if any(word in name for word in STATS_WORDS) else "monthly"
    proposal = Proposal(name=name[:300], kind=kind, unit=unit, target_value=value, baseline=None,
                        deadline=deadline, phrase=phrase, frequency=frequency)
    if kind in ("floor", "ceiling"):
        proposal.baseline = value
    elif kind == "increase":
        proposal.baseline = Decimal(0)
        if unit == "%" or "率" in name:
            proposal.warnings.append("baseline_assumed_zero")
    else:
        proposal.warnings.append("baseline_needed")
    return proposal


def extract(text: str, *, start: date, end: date, task_name: str = "") -> list[Proposal]:
    """The indicators a task's text states, in order; a milestone indicator when it states none."""
    text = normalise(text)
    proposals: list[Proposal] = []
    for sentence in filter(None, SENTENCE_SPLIT.split(text)):
        offset = 0
        for clause in CLAUSE_SPLIT.split(sentence):
            prefix = sentence[: offset + len(clause)]
            offset += len(clause) + 1
            if not clause or _milestone(clause, proposals[-1] if proposals else None):
                continue
            deadline = _deadline(prefix, end)
            found = _proposals_in_clause(clause, _kind(clause), deadline, task_name)
            for proposal in found:
                _spread_yearly(proposal, clause, start)
            proposals += found
    if not proposals and text:
        first = CLAUSE_SPLIT.split(text)[0]
        proposals.append(Proposal(name=(task_name or first)[:300], kind="milestone", unit="%",
                                  target_value=Decimal(100), baseline=Decimal(0), deadline=_deadline(text, end),
                                  phrase=first))
    return proposals
