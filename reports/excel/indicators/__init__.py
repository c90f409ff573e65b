"""Read the measurable quantities out of a task's text (主要内容). Pure: no Django, no database.

``extract(text, start=…, end=…)`` returns :class:`Proposal` objects: what the importer proposes
and the person confirms on the preview page. Every proposal keeps the phrase it was read from.

What is understood:
* numbers with 万 / 亿 multipliers, expanded into the stated unit (1.9万人 → 19000 人; money is kept
  in 万元: 60亿元 → 600000 万元); Chinese numerals (十六个, 三成 = 30 %); approximate amounts
  (3000余人, 近万人, 约500户) taken at their stated value and marked approximate;
* units of measure (个 座 户 人 亩 公里 万元 % 天 口 头 羽 人次 …), or a bare ratio followed by 以内/以上;
* comparison words → kinds (DOMAIN.md, see :mod:`.wording`); "动态清零" / "全部清零" / "全面消除10万元以下的村"
  → a ceiling at 0 (none may remain), "49个空壳村全部清零" → a decrease from 49 to 0;
* "由300万元提高到800万元" → baseline 300, target 800;
* "到2025年", "2025年底前", "9月底前", "年底前" → the deadline of what follows in that sentence;
* "支出率达到4月底30%以上、6月底50%以上…12月底100%" → one indicator with staged milestones;
* "其中2023年建成3个", and without 其中 "新开发公益性岗位800个,6月底前完成400个" or "完成总任务的50%" → a
  milestone of the indicator just before it (a date before another named thing is a target of its own);
* "A、B均达98%以上" and "A、B各1个" → one indicator for each of A and B;
* numbers that are not targets are left out: tiers ("10万元村"), subsidy rates ("每户补助500元"),
  routine frequencies ("每月报送1次"), the scope of an action ("对全县179个行政村");
* a task with no number → one milestone indicator, reported as percent complete 0–100.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from . import dates, quantities, wording
from .quantities import normalise, plain  # noqa: F401  (plain is used below and re-exported)

__all__ = ["Proposal", "extract", "normalise", "plain"]

CLAUSE_SPLIT = re.compile(r"[,;。:!?]")
SENTENCE_SPLIT = re.compile(r"(?<=[。;!?])")
STATS_WORDS = ("收入", "增长", "失业率", "城镇化率", "GDP", "生产总值", "增加值", "倍差", "收入比")
YEARLY_VERBS = ("建成", "启动", "新建", "创建", "创成", "打造", "培育", "新增")
BASELINE_BRIDGE = re.compile(r"^(?:提高|提升|增加|增长|扩大|下降|降低|减少|压减|缩小)(?:到|至)$")
STAGE_TAIL = re.compile(r"(?P<month>\d{1,2})月(?:底|末)?$")
CLEARED = re.compile(r"(?P<name>[^,;。]*?)(?:全部|动态|全面|基本)?清零")
ZERO = re.compile(r"(?:实现|确保|保持)(?P<name>[^,;。]*?)零(?P<what>辍学|失学|伤亡|死亡|事故|发生|返贫|新增)")
PER_HOUSEHOLD = re.compile(r"(?:1户|每户|家庭)(?:至少)?1人(?:以上)?(?P<what>[^,;。]{0,4})")
EACH_SCOPE = re.compile(r"(?P<count>\d+)(?:个|家|所|户|座)(?P<what>行政村|村|社区|乡镇|镇|街道|企业|学校|农户|户)")
EACH_ONE = re.compile(
    r"每(?:个|一个)?(?P<what>行政村|村|社区|乡镇|镇|街道|户|学校|企业)(?:都|均|要)?(?:至少|不少于)"
    r"(?:建成|建有|配备|有|设立|配建|设置)?$"
)
START_STEP = re.compile(r"(?:开工|动工|启动|开始|进场|招标)$")
ELIMINATED = re.compile(
    r"(?:全面|全部|基本|彻底)?消除(?P<name>[^,;。]*?\d[^,;。]*?(?:以下|以内)的?(?P<what>行政村|村|社区|户))$"
)
# A clause that only names a second measure ("总产量16万吨以上") after one held steady shares its verb.
BARE_MEASURE = re.compile(r"^[\u4e00-\u9fff]{1,6}$")
SEPARATELY = re.compile(r"分别于(?P<months>(?:\d{1,2}月(?:份|底|末)?、?){2,})")


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
            "name": self.name,
            "kind": self.kind,
            "unit": self.unit,
            "target_value": str(self.target_value),
            "baseline": None if self.baseline is None else str(self.baseline),
            "deadline": self.deadline.isoformat(),
            "frequency": self.frequency,
            "source_phrase": self.phrase,
            "milestones": [[d.isoformat(), str(v)] for d, v in self.milestones],
            "warnings": list(self.warnings),
        }


@dataclass
class Context:
    start: date
    end: date
    task_name: str
    # "数量不少于上年度(其中,公岗580人,…)": the parts take the kind of the whole.
    sentence_kind: str | None = None


def _proposal(name, kind, unit, value, deadline, phrase, approximate=False) -> Proposal:
    if not unit and name.endswith(("比", "倍差")):
        unit = "倍"
    frequency = "quarterly" if any(word in name for word in STATS_WORDS) else "monthly"
    proposal = Proposal(
        name=name[:300],
        kind=kind,
        unit=unit,
        target_value=value,
        baseline=None,
        deadline=deadline,
        phrase=phrase,
        frequency=frequency,
    )
    if kind in ("floor", "ceiling"):
        proposal.baseline = value
    elif kind == "increase":
        proposal.baseline = Decimal(0)
        if unit == "%" or "率" in name:
            proposal.warnings.append("baseline_assumed_zero")
    else:
        proposal.warnings.append("baseline_needed")
    if approximate:
        proposal.warnings.append("approximate")
    return proposal


# Words that may open a stage before its date: "力争6月底前完成400个", "到9月底达到30%", "截至年底完成600户".
STAGE_LEAD = re.compile(r"^(?:其中|并|同时|力争|确保|争取|计划|预计|要|到|至|截至|截止|截止到|于|在)*$")
# Words between a stage's date and its amount that say only "so much of it is done".
STAGE_VERBS = re.compile(
    r"(?:前|以前|之前|底|末|要|力争|确保|累计|全部|基本|完成|实现|达到|达|总|年度|全年|任务量|任务|目标|工程量|总量|的|共|计)"
)
# "6月底前完成总任务的50%": a share of the indicator's own amount.
# A name that already says it is a share: "…覆盖率", "…占比", "…比例", "…比重".
SHARE_WORDS = re.compile(r"(?:率|比例|比重|占比|份额)$")
SHARE_OF_TOTAL = re.compile(r"(?:总|全部|年度|全年)?(?:任务|目标|任务量|总量|工程量|总数)的?$")


def _stage_marker(clause: str, start: date) -> tuple[re.Match, date] | None:
    """The date a stage opens with: a month, year end or half year ("6月底前", "年底前", "上半年"), else a year."""
    months = [(m, when) for m, when in dates.month_markers(clause, start) if when >= start]
    if months:
        return months[0]
    year = dates.YEAR.search(clause)
    return (year, date(int(year.group("year")), 12, 31)) if year else None


def _same_measure(words: str, previous: Proposal, strict: bool = False) -> bool:
    """ "6月底前完成400个" / "6月底前新开发400个" after "新开发公益性岗位800个": nothing named that the indicator does
    not name already. "6月底前培训致富带头人100人次" after "培训农民500人次" names other people: its own indicator.
    `strict`: only "so much done" words, no name at all."""
    rest = STAGE_VERBS.sub("", words)
    if not rest or strict:
        return not rest
    known = previous.name + previous.phrase
    return all(token in known for token in wording.tokens(rest))


def _bare_stage(clause: str, start: date) -> bool:
    """A clause that is only a date and an amount done ("6月底前完成5000亩"), naming nothing."""
    marker = _stage_marker(clause, start)
    if marker is None or not STAGE_LEAD.match(clause[: marker[0].start()]):
        return False
    found = [item for item in quantities.quantities(clause[marker[0].end() :]) if item[2] == "target"]
    return len(found) == 1 and not STAGE_VERBS.sub("", found[0][1])


def _stage_value(found, previous: Proposal) -> Decimal | None:
    """The stage's amount in the indicator's unit; a share of a count ("完成总任务的50%") taken of its target."""
    quantity, before, _why = found
    if not quantity.unit or not previous.unit or quantity.unit == previous.unit:
        return quantity.value
    if quantity.unit == "%" and SHARE_OF_TOTAL.search(before) and 0 < quantity.value < 100:
        return plain(previous.target_value * quantity.value / 100)
    return None


def _milestone(clause: str, previous: Proposal | None, start: date, strict: bool = False) -> bool:
    """A dated part of the indicator before it, in the same sentence: a stage of it. True when consumed.

    "其中2023年建成3个", "其中6月底前完成600人次", and without 其中 when the clause opens with its date and names
    nothing new: "新开发公益性岗位800个,6月底前完成400个", "完成改造1000户,年底前完成600户", "力争达到50%,9月底前达到30%".
    A stage the indicator's time cannot hold (on or after its deadline) is still no second target: it stays in the
    phrase and the indicator is marked, for the person to set the deadline or the stage. `strict` (a sentence of its
    own, "…800个。6月底前完成400个。"): the date and "so much done", nothing else.
    """
    if previous is None or previous.kind not in ("increase", "decrease"):
        return False
    marker = _stage_marker(clause, start)
    if marker is None:
        return False
    (match, when), partial = marker, "其中" in clause
    if not partial and not STAGE_LEAD.match(clause[: match.start()]):
        return False
    found = [item for item in quantities.quantities(clause[match.end() :]) if item[2] == "target"]
    if len(found) != 1 or not (partial and not strict or _same_measure(found[0][1], previous, strict)):
        return False
    value = _stage_value(found[0], previous)
    on_the_way = value is not None and (
        value > previous.target_value if previous.kind == "decrease" else value < previous.target_value
    )
    if not on_the_way:
        return False
    if when < previous.deadline:
        previous.milestones.append((when, value))
    elif "stage_not_before_deadline" not in previous.warnings:
        previous.warnings.append("stage_not_before_deadline")
    previous.phrase = f"{previous.phrase},{clause}"
    return True


def _spread_yearly(proposal: Proposal, clause: str, start: date) -> None:
    """ "每年建成3个" over 2023–2027: 15 in all, with cumulative stages 3, 6, 9, 12 at each year end."""
    if "每年" not in clause or proposal.kind != "increase" or not any(v in clause for v in YEARLY_VERBS):
        return
    years = list(range(start.year, proposal.deadline.year + 1))
    if len(years) < 2:
        return
    step = proposal.target_value
    proposal.milestones = [(date(year, 12, 31), step * (i + 1)) for i, year in enumerate(years[:-1])]
    proposal.target_value = step * len(years)
    proposal.name = proposal.name.replace("每年", "", 1) or proposal.name


def _spread_quarterly(proposal: Proposal, clause: str, start: date) -> None:
    """ "每季度评选出10个" over 2024: 40 in all, 10 more by each quarter's end, reported quarterly."""
    before = clause[: clause.find(proposal.phrase)] if proposal.phrase in clause else clause
    if (
        not re.search(r"每(?:个)?季度?", before + proposal.phrase.split(str(plain(proposal.target_value)))[0])
        or proposal.kind != "increase"
        or proposal.unit == "次"
    ):
        return
    quarters, on = [], date(start.year, (start.month - 1) // 3 * 3 + 1, 1)
    while on <= proposal.deadline:
        quarter_end = dates.month_end(on.year, on.month + 2)
        quarters.append(min(quarter_end, proposal.deadline))
        on = date(on.year + (on.month + 3 > 12), (on.month + 2) % 12 + 1, 1)
    if len(quarters) < 2:
        return
    step = proposal.target_value
    proposal.milestones = [(when, step * (i + 1)) for i, when in enumerate(quarters[:-1])]
    proposal.target_value = step * len(quarters)
    proposal.frequency = "quarterly"
    proposal.name = re.sub(r"每(?:个)?季度?", "", proposal.name, count=1) or proposal.name
    rest = re.split(r"[、(,]", clause[clause.find(proposal.phrase) + len(proposal.phrase) :], maxsplit=1)[0]
    if len(proposal.name) <= 4 and rest:  # "评选出10个“红黑榜”村": what is chosen follows the number
        proposal.name += rest.replace("“", "").replace("”", "")


def _coverage(clause: str, deadline: date) -> Proposal | None:
    """ "实现快递服务和电商配送行政村全覆盖" → a coverage rate that must reach 100 %.

    Only when the coverage is the end of the clause: "开展集中全覆盖排查" says how a check is done.
    """
    if not clause.endswith(("全覆盖", "全覆盖。")):
        return None
    subject = wording.clean_name(clause.split("全覆盖")[0].removeprefix("实现").removesuffix("基本"))
    if not subject:
        return None
    return _proposal(subject + "覆盖率", "increase", "%", Decimal(100), deadline, clause)


def _cleared(clause: str, deadline: date) -> Proposal | None:
    """ "返贫致贫风险动态清零", "空壳村全部清零", "零辍学": none may remain, a ceiling at 0 (lower is better). With
    no count stated there is no baseline to come down from, so the light holds each report to 0."""
    match = CLEARED.search(clause)
    if match and not quantities._inside_quotes(clause, match.end() - 1):  # “清零消薄”行动 is a campaign's name
        name = wording.clean_name(re.sub(r"^(?:实行|实现|推动|确保)", "", match.group("name")))
        return _proposal(name or clause, "ceiling", _counter(name), Decimal(0), deadline, match.group(0))
    match = ZERO.search(clause)
    if match:
        name = wording.clean_name(match.group("name")) + match.group("what")
        unit = "人" if match.group("what") in PEOPLE else "起"
        return _proposal(name, "ceiling", unit, Decimal(0), deadline, match.group(0))
    return None


def _counted_down(clause: str, targets: list, deadline: date) -> Proposal | None:
    """ "49个“空壳村”全部清零": the number is where it starts, 0 where it must end."""
    match = CLEARED.search(clause)
    if len(targets) != 1 or not match or quantities._inside_quotes(clause, match.end() - 1):
        return None
    quantity, before, _why = targets[0]
    counted = re.sub(r"(?:全部|动态|全面|基本)?清零$", "", clause[quantity.end : match.end()])
    name = wording.clean_name(counted).replace("“", "").replace("”", "") or wording.clean_name(before)
    proposal = _proposal(name, "decrease", quantity.unit, Decimal(0), deadline, clause[: match.end()])
    proposal.baseline = quantity.value
    proposal.warnings = []
    return proposal


def _eliminated(clause: str, deadline: date) -> Proposal | None:
    """ "全面消除10万元以下的村": none may remain below the line, a ceiling at 0. "10万元" defines the tier, it is
    no count of villages to come down from, so no baseline is needed (as for "空壳村全部清零")."""
    match = ELIMINATED.search(clause)
    if not match:
        return None
    return _proposal(
        match.group("name"),
        "ceiling",
        "户" if match.group("what") == "户" else "个",
        Decimal(0),
        deadline,
        match.group(0),
    )


def _shares_floor(found: list[Proposal], clause: str, previous: Proposal | None) -> list[Proposal]:
    """ "稳定在42万亩以上,总产量16万吨以上": the second measure is held like the first."""
    if previous is None or previous.kind != "floor" or len(found) != 1 or found[0].kind != "increase":
        return found
    head = re.split(r"\d", clause, maxsplit=1)[0]
    if (
        not BARE_MEASURE.match(head)
        or wording.has_kind_word(head)
        or any(v in head for v in YEARLY_VERBS + ("完成", "实现", "开展", "新增", "增长", "提高"))
    ):
        return found
    one = found[0]
    held = _proposal(one.name, "floor", one.unit, one.target_value, one.deadline, one.phrase)
    return [held]


PEOPLE = ("人", "辍学", "失学", "伤亡", "死亡", "返贫")  # what is counted in people ("失学辍学动态清零": 0 人)


def _counter(name: str) -> str:
    return "户" if name.endswith("户") else "人" if name.endswith(PEOPLE) else "个"


def _separately(clause: str, ctx: Context) -> Proposal | None:
    """ "分别于4月份、10月份组织大排查": as many times as months, one by the end of each."""
    match = SEPARATELY.search(clause)
    if not match:
        return None
    months = [int(m) for m in re.findall(r"(\d{1,2})月", match.group("months")) if 1 <= int(m) <= 12]
    ends = [dates.month_end(dates._year_for(month, None, ctx.start), month) for month in months]
    name = wording.clean_name(clause[match.end() :]) or ctx.task_name
    proposal = _proposal(name, "increase", "次", Decimal(len(ends)), ends[-1], clause)
    proposal.milestones = [(when, Decimal(i + 1)) for i, when in enumerate(ends[:-1])]
    return proposal


def _per_household(clause: str, deadline: date) -> Proposal | None:
    """ "实现1户1人以上就业": every household concerned must have one member at work, 100 % held."""
    match = PER_HOUSEHOLD.search(clause)
    if not match:
        return None
    subject = wording.clean_name(clause[: match.start()])
    return _proposal(
        f"{subject}每户至少1人{match.group('what')}比例", "floor", "%", Decimal(100), deadline, clause[: match.end()]
    )


def _names(raw: str, task_name: str) -> list[str]:
    """ "A、B均达" / "A、B各": one name each; otherwise one name."""
    shared = "、" in raw and re.search(r"(?:均|各)(?:达到|达|为)?$", raw)
    names = [wording.clean_name(part) for part in raw.split("、")] if shared else [wording.clean_name(raw)]
    return [name or task_name for name in names]


def _stages(clause: str, found: list, ctx: Context, deadline: date) -> Proposal | None:
    """ "达到4月底30%以上、6月底50%以上、9月底75%以上、12月底100%": one indicator, staged."""
    staged = [(q, before, STAGE_TAIL.search(before)) for q, before, _why in found]
    if len(staged) < 2 or not all(tail for _q, _b, tail in staged) or len({q.unit for q, _b, _t in staged}) != 1:
        return None
    points = [
        (dates.month_end(dates._year_for(int(t.group("month")), None, ctx.start), int(t.group("month"))), q)
        for q, _b, t in staged
    ]
    first_before = staged[0][1][: staged[0][2].start()]
    last_when, last = points[-1]
    proposal = _proposal(
        wording.clean_name(first_before) or ctx.task_name,
        "increase",
        last.unit,
        last.value,
        last_when,
        clause[len(clause) - len(clause.lstrip()) : last.end],
    )
    proposal.milestones = [(when, q.value) for when, q in points[:-1]]
    proposal.phrase = clause[clause.find(first_before) if first_before else 0 : last.end]
    return proposal


def _from_to(clause: str, found: list, index: int, ctx: Context, deadline: date) -> Proposal | None:
    """ "由300万元提高到800万元": the first number is the baseline, the second the target."""
    if index + 1 >= len(found):
        return None
    (first, before, _w), (second, bridge, _w2) = found[index], found[index + 1]
    if not re.search(r"(?:由|从)$", before) or not BASELINE_BRIDGE.match(bridge) or first.unit != second.unit:
        return None
    kind = "increase" if second.value > first.value else "decrease"
    proposal = _proposal(
        wording.clean_name(before) or ctx.task_name,
        kind,
        second.unit,
        second.value,
        deadline,
        clause[clause.find(before) if before else 0 : second.end],
    )
    proposal.baseline = first.value
    proposal.warnings = [w for w in proposal.warnings if w not in ("baseline_needed", "baseline_assumed_zero")]
    return proposal


def _proposals_in_clause(clause: str, ctx: Context, deadline: date) -> list[Proposal]:
    household = _per_household(clause, deadline)
    span = PER_HOUSEHOLD.search(clause).span() if household else (0, 0)
    found = [(q, before, why) for q, before, why in quantities.quantities(clause) if not span[0] <= q.start < span[1]]
    targets = [item for item in found if item[2] == "target"]
    if not targets:
        special = (
            household
            or _separately(clause, ctx)
            or _cleared(clause, deadline)
            or _eliminated(clause, deadline)
            or _coverage(clause, deadline)
        )
        return [special] if special else []
    staged = _stages(clause, targets, ctx, deadline) or _counted_down(clause, targets, deadline)
    if staged:
        return [staged]
    proposals, skip, consumed = [household] if household else [], set(), 0
    for index, (quantity, before, why) in enumerate(found):
        if why != "target" or index in skip:
            continue
        paired = _from_to(clause, found, index, ctx, deadline)
        if paired:
            proposals.append(paired)
            skip.add(index + 1)
            continue
        inherited = proposals[-1].kind if proposals else ctx.sentence_kind
        own_words = before[consumed:]
        made, consumed = _plain_proposals(clause, found, index, ctx, deadline, consumed, inherited)
        if proposals and not own_words.strip("、") and not consumed:  # "9888户32446人": one thing, two counts
            for proposal in made:
                proposal.name = proposals[-1].name
        proposals += made
    return proposals


def _plain_proposals(clause, found, index, ctx, deadline, consumed, inherited) -> tuple[list[Proposal], int]:
    """The proposals of one number; also how much of the next number's words this one's name took."""
    quantity, before, _why = found[index]
    raw_name = before[consumed:]
    raw_start = quantity.start - len(raw_name)
    phrase = clause[raw_start : quantity.end]
    following = found[index + 1][1] if index + 1 < len(found) else clause[quantity.end :]
    rest = re.split(r"[、(,]", following, maxsplit=1)[0]
    names, taken = _names(raw_name, ctx.task_name), 0
    if (
        len(names) == 1
        and len(wording.clean_name(raw_name)) <= 4
        and len(rest) >= 2
        and not rest.startswith(("以上", "以内", "左右"))
    ):
        # "新建X个Y", "进行2次32项全分析检测": the thing counted follows the number; "实现90%以上的小农户融
        # 入现代农业组织": a share of them, named 小农户融入现代农业组织比例 (not "的小农户…").
        thing = rest.removeprefix("的")
        if quantity.unit == "%" and not SHARE_WORDS.search(thing):
            thing += "比例"
        names = [wording.clean_name(raw_name) + thing]
        phrase, taken = clause[raw_start : quantity.end + len(rest)], len(rest)
    kind = wording.kind(raw_name, quantity.comparison)
    each = EACH_SCOPE.search(raw_name)
    each_one = EACH_ONE.search(raw_name)
    if each_one and kind == "increase":
        kind = "floor"  # "每个行政村至少建成1座公共厕所": at least one in each, held
        names = [f"每个{each_one.group('what')}{rest if len(rest) >= 2 else ''}"]
    elif each and re.search(r"(?:均|都|全部)(?:要|能)?(?:达到|达|超过|超|不低于|不少于|在|为)?$", raw_name):
        # "101个村…均达25万元以上": every one of them at or above the amount, a floor for each.
        names = [wording.clean_name(raw_name[: each.start()] + "每个" + each.group("what") + raw_name[each.end() :])]
        kind = "floor" if kind == "increase" else kind
    elif (
        kind == "increase"
        and inherited
        and not wording.has_kind_word(raw_name)
        and (raw_name.startswith("、") or ctx.sentence_kind)
    ):
        kind = inherited  # "稳定在1.18万亩、总产量658万斤以上": one verb for both
    when = dates.deadline(raw_name, ctx.start, deadline) if dates.month_markers(raw_name, ctx.start) else deadline
    phrase = phrase.lstrip("、")
    made = [_proposal(name, kind, quantity.unit, quantity.value, when, phrase, quantity.approximate) for name in names]
    return made, taken


def _clauses(sentence: str):
    offset = 0
    for clause in CLAUSE_SPLIT.split(sentence):
        yield clause, sentence[: offset + len(clause)], sentence[offset + len(clause) :]
        offset += len(clause) + 1


def _later_deadlines(later: str, ctx: Context) -> list[tuple[date, str]]:
    """Deadlines in the clauses after a number, up to the next number: "…60户,…,确保10月底前全部竣工,11月底完成验收"."""
    found = []
    for clause in CLAUSE_SPLIT.split(later.lstrip(",;")):
        if _bare_stage(clause, ctx.start):  # "…1万亩,6月底前完成5000亩,10月底前全部完成": a stage on the way
            continue
        if next((q for q, _b, why in quantities.quantities(clause) if why == "target"), None):
            break
        if START_STEP.search(clause):  # "6月底前开工,10月底前完工": work starting is not the amount done
            continue
        markers = [when for _m, when in dates.month_markers(clause, ctx.start) if when >= ctx.start]
        if markers:
            found.append((markers[-1], clause))
    return found


def _with_later_deadlines(found: list[Proposal], prefix: str, later: str, ctx: Context) -> list[Proposal]:
    """A number whose deadline follows it takes that deadline; a second dated step becomes its own indicator."""
    if len(found) != 1 or dates.deadline(prefix, ctx.start, ctx.end) != ctx.end or found[0].milestones:
        return found
    steps = _later_deadlines(later, ctx)
    if not steps:
        return found
    first = found[0]
    first.deadline = steps[0][0]
    for when, clause in steps[1:]:
        name = wording.clean_name(dates.MARKER.sub("", clause)) or first.name
        found.append(_proposal(name, first.kind, first.unit, first.target_value, when, clause))
    return found


def _sentence_kind(sentence: str, prefix: str) -> str | None:
    head = prefix.split("其中")[0] if "其中" in prefix else None
    return "floor" if head and any(word in head for word in wording.FLOOR_WORDS) else None


def extract(text: str, *, start: date, end: date, task_name: str = "") -> list[Proposal]:
    """The indicators a task's text states, in order; a milestone indicator when it states none."""
    text = quantities.arabic(normalise(text))
    ctx = Context(start, end, task_name)
    proposals: list[Proposal] = []
    for sentence in filter(None, SENTENCE_SPLIT.split(text)):
        first_of_sentence = len(proposals)  # a stage belongs to an indicator of its own sentence
        # "…800个。6月底前完成400个。": a sentence that opens with a bare stage carries on the indicator before it.
        stages, carried = [], None
        for clause, prefix, later in _clauses(sentence):
            ctx.sentence_kind = _sentence_kind(sentence, prefix)
            previous = proposals[-1] if len(proposals) > first_of_sentence else carried
            opening = prefix == clause and proposals and previous is None
            if opening and _milestone(clause, proposals[-1], start, strict=True):
                carried = proposals[-1]
                stages.append(clause)
                continue
            if not clause or _milestone(clause, previous, start):
                stages.append(clause)
                continue
            for stage in stages:  # a stage's date is its own, not the deadline of the clauses after it
                prefix = prefix.replace(stage, "", 1)
            found = _shares_floor(
                _proposals_in_clause(clause, ctx, dates.deadline(prefix, start, end)), clause, previous
            )
            for proposal in found:
                _spread_yearly(proposal, clause, start)
                _spread_quarterly(proposal, clause, start)
            proposals += _with_later_deadlines(found, prefix, later, ctx)
    if not proposals and text:
        first = CLAUSE_SPLIT.split(text)[0]
        proposals.append(
            Proposal(
                name=(task_name or first)[:300],
                kind="milestone",
                unit="%",
                target_value=Decimal(100),
                baseline=Decimal(0),
                deadline=dates.deadline(text, start, end),
                phrase=first,
            )
        )
    return proposals
