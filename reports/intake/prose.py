"""Read a plan published as text (no responsibility table) into the same ``parsed`` dict as a table.

The lines come from :mod:`reports.intake.files` (a .docx's paragraphs, a .txt, a portal's .html, a
text PDF). What is understood:

* the head and foot (:mod:`reports.intake.head`): metadata, cover letter, title, signature and date, annexes and
  a reply's sign-off; the cover letter and the sign-off are not plan content and are left out;
* headings by their marks: 第一章, 一、, (一), 1., (1), ①; a heading with its text on the same line
  ("1.加强政策业务培训。深入镇村一线…") is an item: its title before the first 。, its text after it;
* the deepest numbered items that hold text are the tasks (numbered 1…n across the plan, in order),
  the headings above them the sections; a heading with no numbered item under it is a task of its own
  ("(一)推进村庄规划编制。……");
* what a copy from a portal loses: a mark's opening bracket ("四)…"), a heading's mark (a short line with no
  punctuation before a paragraph), a heading altogether (a part's opening text that states a target, or the
  text after a line that only names units, is an item of its own named by its first clause);
* the framework parts that hold no task (总体要求, 指导思想, 基本原则, 实施步骤, 保障措施, 工作要求 …),
  except a goals part (主要目标 …) that states numbers, which becomes a task of its own;
* responsibility written in a task's text (:func:`reports.intake.units.units_in_text`);
* a deadline in the task's title or text ("10月底前", "2024年6月底前") as ``deadline`` (the plan's period from
  the title or a sentence, "从2024年3月开始至12月底结束", is :func:`reports.intake.head.find_period`).

Every sentence that is neither head, heading nor task text is kept in ``not_understood`` with its line
and the section it sits in, so the preview shows it and nothing is silently lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from ..excel import indicators
from . import units as unit_lists
from .dates import deadline_from_text
from .head import (
    DATE_LINE,
    ISSUER_ENDINGS,
    SENTENCE,
    Head,
    _mark,
    _meta_pairs,
    body_end,
    document_head,
    head_lines,
    issuer_from_number,
)
from .units import normalise
from .written import as_written, proposals_as_written

FRAMEWORK = (
    "总体要求",
    "指导思想",
    "基本原则",
    "实施步骤",
    "保障措施",
    "工作要求",
    "组织领导",
    "组织保障",
    "组织实施",
    "工作步骤",
    "时间安排",
    "进度安排",
    "工作机制",
    "总体思路",
    "工作原则",
    "实施范围",
    "适用范围",
    "编制依据",
    "保障机制",
    "推进机制",
    "工作保障",
)
GOALS = ("目标",)
GOAL_OPENING = re.compile(r"(?:^|(?<=[。;]))(?:力争)?(?:到|至)20\d{2}年")
GOALS_TASK = "主要目标"  # plan content, in the plan's language, like the section titles


@dataclass
class Node:
    level: int
    mark: str
    title: str
    line: int
    body: list[tuple[int, str]] = field(default_factory=list)
    children: list["Node"] = field(default_factory=list)
    parent: "Node | None" = None

    def text(self) -> str:
        return "".join(text for _line, text in self.body)

    def last_line(self) -> int:
        return max([self.line, *(line for line, _text in self.body), *(c.last_line() for c in self.children)])


def split_item(text: str) -> tuple[str, str]:
    """ "加强政策业务培训。深入镇村一线……" → ("加强政策业务培训", "深入镇村一线……"): the title ends at the first
    。 ; : ! ? outside brackets ("托底行动(牵头领导:杨海生)" stays whole)."""
    depth = 0
    for index, char in enumerate(text[:61]):
        depth += (char in "(《“[") - (char in ")》”]")
        if depth <= 0 and char in "。;!?:：":
            title, body = text[:index], text[index + 1 :]
            if body or len(title) <= 40:
                return title, body
            break
    if len(text) <= 40 and not re.search(r"[。;!?]", text[:-1]):
        return text.rstrip("。;"), ""
    return "", text


TITLE_PUNCTUATION = re.compile(r"[。,;:!?、]")
LABEL_LINE = re.compile(r"^[\u4e00-\u9fff]{2,6}:")


def _untitled_levels(texts: list[tuple[int, str]]) -> dict[int, int]:
    """Headings written without a mark ("生态农业提质行动" on a line of its own, then its text): a short line
    with no punctuation, not a unit's name, after the first heading and followed by a paragraph. It stands beside
    the numbered heading that follows it (one below the heading before it, at most). {line: level}."""
    levels, previous = {}, None
    for index, (number, text) in enumerate(texts):
        found = _mark(text)
        if found:
            previous = found[0]
            continue
        following = texts[index + 1][1] if index + 1 < len(texts) else ""
        if (
            previous is None
            or not 4 <= len(text) <= 25
            or TITLE_PUNCTUATION.search(text)
            or text.startswith("(")  # a note: "(此件主动公开)"
            or LABEL_LINE.match(following)  # what follows is 抄送: / 责任单位: …, not a paragraph
            or text.endswith(ISSUER_ENDINGS)
            or DATE_LINE.match(text)
            or _mark(following)
            or len(following) < 20
            or not re.search(r"[。;!?]", following)
        ):
            continue
        after = next((found[0] for _n, t in texts[index + 1 :] if (found := _mark(t))), previous)
        levels[number] = min(previous + 1, after) if after > previous else previous
    return levels


def _tree(lines: list[str], start: int, end: int | None = None) -> tuple[Node, list[tuple[int, str]]]:
    """Headings and items as a tree; text before the first heading is returned apart (the preamble), and so are
    the lines that only name units without saying whose they are (they end the item above them)."""
    root = Node(level=-1, mark="", title="", line=0)
    current, preamble, loose = root, [], []
    texts = [
        (number, normalise(raw.lstrip("•·●■□◆-— "))) for number, raw in enumerate(lines[start:end], start=start + 1)
    ]
    texts = [(number, text) for number, text in texts if text and not _is_noise(text)]
    untitled = _untitled_levels(texts)
    for index, (number, text) in enumerate(texts):
        found = _mark(text) or ((untitled[number], "") if number in untitled else None)
        following = texts[index + 1] if index + 1 < len(texts) else None
        if found is None and current is not root and _between_paragraphs(text, following, untitled):
            # "镇宣传办、镇社会事务办公室…" alone between two paragraphs: the text after it is another item, whose
            # heading the copy lost; whose units these are it does not say, so the preview shows the line
            loose.append((number, text))
            current = _headless(current, number)
            continue
        if found is None:
            if current is not root and current.mark == "" and not current.title and not current.body:
                current.title, current.line = _headless_title(text), number
            (current.body if current is not root else preamble).append((number, text))
            continue
        level, mark = found
        while current is not root and current.level >= level:
            current = current.parent
        title, body = split_item(text[len(mark) :].strip())
        node = Node(level=level, mark=mark, title=title, line=number, parent=current)
        if body:
            node.body.append((number, body))
        current.children.append(node)
        current = node
    return root, preamble + loose


def _between_paragraphs(text: str, following: tuple[int, str] | None, untitled: dict[int, int]) -> bool:
    """A line that only names units with more text after it that is no heading: that text is another item. (Before
    a heading the line stays in the text of the item above it.)"""
    return (
        following is not None
        and following[0] not in untitled
        and not _mark(following[1])
        and unit_lists.is_unit_list(text)
    )


def _headless_title(text: str) -> str:
    """The name of an item whose heading was lost: its first clause, when short; its text keeps it."""
    first = re.split(r"[。;!?,:]", text, maxsplit=1)[0]
    return first if len(first) <= 40 else ""


def _headless(current: Node, line: int) -> Node:
    """A new item beside `current` (a task with text), for the text that follows; `current` itself when it has none."""
    if not current.body and not current.children:
        return current
    node = Node(level=current.level, mark="", title="", line=line + 1, parent=current.parent)
    current.parent.children.append(node)
    return node


NOISE = re.compile(
    r"^(?:扫一扫|打印本页|关闭窗口|分享到|【字体|字体:|浏览次数|发布日期|来源:|索引号|主题分类|"
    r"主题词|组配分类|公开方式|有效性|附件:?$|—?\s*\d+\s*—?$|-\d+-$|第\d+页)"
)


def _is_noise(text: str) -> bool:
    return bool(NOISE.match(text)) or bool(_meta_pairs(text))


def _framework(node: Node) -> bool:
    chain = node
    while chain is not None and chain.level >= 0:
        if any(word in chain.title for word in FRAMEWORK):
            return True
        chain = chain.parent
    return False


def _states_numbers(text: str) -> bool:
    """Whether the text states a measurable target (what the extraction reads as more than a milestone)."""
    return any(p.kind != "milestone" for p in indicators.extract(text, start=date(2000, 1, 1), end=date(2099, 12, 31)))


def _sentence_with_target(title: str) -> bool:
    """A title that is a sentence stating a target (a clause break or a long one, with a number read as a target),
    not a heading such as "加强政策业务培训"."""
    return bool(re.search(r"\d", title)) and ("," in title or len(title) > 25) and _states_numbers(title)


class _Builder:
    def __init__(self, start: date, end: date, period_text: str = "", lines: list[str] = ()):
        self.start, self.end, self.period_text, self.lines = start, end, period_text, lines
        self.sections, self.tasks, self.not_understood = [], [], []
        self.inherited: list[dict] = []  # responsibility stated on the headings above, nearest last

    def walk(self, node: Node, section: int | None) -> None:
        for child in node.children:
            if self._is_task(child):
                self.task(child, section)
            elif child.children:
                key = self.section(child, section)
                stated, _phrases = unit_lists.units_in_text(child.text())
                states = bool(stated["lead_units"] or stated["co_units"] or stated["all_townships"]) and not (
                    _states_numbers(child.text())  # an opening with targets is an item of its own (opening)
                )
                if states:  # "2.开发公益性岗位。责任单位：…" over its items (1) (2): the items' units
                    self.inherited.append(stated)
                else:
                    self.opening(child, key)
                self.walk(child, key)
                if states:
                    self.inherited.pop()
            else:
                # a heading that states a date or number ("(一)宣传动员阶段(4月3日前)") is shown with its text
                title = [(child.line, child.mark + child.title)] if re.search(r"\d", child.title) else []
                self.sentences(title + self.goals(child, section), section)

    def opening(self, node: Node, section: int) -> None:
        """The text of a part of the tasks before its first heading: an item whose heading the copy lost when it
        states a target ("3-5家总部企业“金凤凰”落户。建立……"), else an introduction, not understood."""
        if not node.body or _framework(node) or not _states_numbers(node.text()):
            return self.sentences(node.body, section)
        line = node.body[0][0]
        item = Node(level=node.level + 1, mark="", title=_headless_title(node.text()), line=line, body=node.body)
        return self.task(item, section)

    def goals(self, node: Node, section: int | None) -> list[tuple[int, str]]:
        """ "到2025年，……增长10%以上" inside 总体要求 / 指导思想 is the plan's goals: a task; the rest is returned."""
        rest = []
        for line, text in node.body:
            opening = GOAL_OPENING.search(text)
            if opening and _states_numbers(text[opening.start() :]):
                goal = text[opening.start() :]
                rest += [(line, text[: opening.start()])] if opening.start() else []
                self.task(
                    Node(level=node.level + 1, mark="", title=GOALS_TASK, line=line, body=[(line, goal)]), section
                )
            else:
                rest.append((line, text))
        return rest

    def _is_task(self, node: Node) -> bool:
        if _framework(node):
            return any(word in node.title for word in GOALS) and not node.children and _states_numbers(node.text())
        if node.children:
            return not any(self._has_item(c) for c in node.children)
        return bool(node.title or node.body)

    def _has_item(self, node: Node) -> bool:
        return bool(node.title or node.body or node.children)

    def section(self, node: Node, parent: int | None) -> int:
        key = len(self.sections)
        self.sections.append(
            {
                "key": key,
                "title": as_written(node.mark + node.title, self.lines[node.line - 1])[:300],
                "level": node.level,
                "parent": parent,
                "line": node.line,
            }
        )
        return key

    def task(self, node: Node, section: int | None) -> None:
        content = node.text() + "".join(c.mark + c.title + "。" + c.text() for c in node.children)
        stated = bool(content) and _sentence_with_target(node.title) and not content.startswith(node.title)
        if stated:
            # "1.改造农村卫生厕所300座，2027年6月底前完成150座。牵头单位：…": the first sentence is the target itself,
            # its dates belong to its indicators (a stage by June), not to the task
            content = node.title + "。" + content
        responsibility, phrases = unit_lists.units_in_text(node.title + "。" + content)
        if self.inherited and not (responsibility["lead_units"] or responsibility["co_units"]):
            above = self.inherited[-1]
            responsibility = {**responsibility, **{k: above[k] for k in ("lead_units", "co_units", "all_townships")}}
        written = self.lines[node.line - 1 : node.last_line()]
        name = as_written(_without(node.title, phrases) or content[:60], *written)
        leader = LEADER.search(node.title + content)
        deadline_text = ("" if stated else _deadline_phrase(node.title)) or _labelled_deadline(content)
        deadline, frequency = (
            deadline_from_text(deadline_text, start=self.start, end=self.end) if deadline_text else (None, None)
        )
        if deadline and not self.start <= deadline <= self.end:
            deadline = None
        targets = _without(content, phrases).strip("。;, ") if phrases else content  # not "牵头单位:…"
        proposals = within_plan(
            indicators.extract(targets or name, start=self.start, end=deadline or self.end, task_name=name),
            self.start,
            deadline or self.end,
        )
        self.tasks.append(
            {
                "row": node.line,
                "line": node.line,
                "seq": len(self.tasks) + 1,
                "label": node.mark,
                "name": name[:300],
                "content": as_written(content, *written),
                "section": section,
                "units_raw": "；".join(phrases),
                **responsibility,
                "deadline_text": deadline_text,
                "deadline": deadline.isoformat() if deadline else None,
                "ongoing": False,
                "leader": leader.group("name") if leader else "",
                "indicators": proposals_as_written(proposals, *written),
            }
        )

    def sentences(self, body, section) -> None:
        for line, text in body:
            for sentence in filter(None, SENTENCE.split(text)):
                if sentence == self.period_text:
                    continue  # read as the plan's period
                self.not_understood.append(
                    {"line": line, "text": as_written(sentence, self.lines[line - 1]), "section": section}
                )


LEADER = re.compile(r"(?:牵头领导|责任领导|分管领导|包抓领导)[:：](?P<name>[^,;)(。\s]+)")


def within_plan(proposals, start: date, end: date) -> list[dict]:
    """Proposals as dicts; a date before the plan starts ("2013年至2023年底" read as a deadline) is not a deadline
    of this plan, so the task's own one holds and the preview says why."""
    rows = []
    for proposal in proposals:
        row = proposal.as_dict()
        if date.fromisoformat(row["deadline"]) < start:
            row["deadline"] = end.isoformat()
            row["milestones"] = [m for m in row["milestones"] if m[0] >= start.isoformat()]
            row["warnings"].append("deadline_before_plan_start")
        rows.append(row)
    return rows


def _without(text: str, phrases: list[str]) -> str:
    """A task's title without the responsibility written in it: "托底行动(牵头领导:…,责任科室:…)" → "托底行动"."""
    for phrase in phrases:
        text = re.sub(r"\([^()]*" + re.escape(phrase) + r"[^()]*\)", "", text).replace(phrase, "")
    return text.replace("()", "").strip(",;。 ")


DEADLINE_PHRASE = re.compile(
    r"(?:(?:20\d{2}年)?(?:1[0-2]|0?[1-9])月(?:底|末|份|[0-3]?\d日)?|20\d{2}年(?:底|末)?|年底|年末|"
    r"上半年)(?:前|以前|之前|完成)"
)


def _deadline_phrase(title: str) -> str:
    """ "…(10月底前)" in a task's title is the task's deadline; dates inside its text belong to its indicators."""
    found = DEADLINE_PHRASE.findall(normalise(title))
    return found[-1] if found else ""


def _labelled_deadline(content: str) -> str:
    """ "完成时限:2024年6月底前" written in the text."""
    match = re.search(r"(?:完成时限|完成时间|时间节点|时限要求)[:：](?P<when>[^,;。)]+)", content)
    return match.group("when") if match else ""


def parse_lines(lines: list[str], *, start: date, end: date, head: Head | None = None) -> dict:
    """The plan's sections, tasks and not-understood sentences (see the module docstring)."""
    head = head or document_head(lines)
    stop, annex = body_end(lines, head)
    head.issuer = head.issuer or issuer_from_number(head.doc_number, lines)
    root, preamble = _tree(lines, head.body_start, stop)
    first_heading = next((i for i in range(head.body_start, stop) if _mark(normalise(lines[i]))), stop)
    notice = head_lines(lines, head.body_start, first_heading)
    preamble = [(line, text) for line, text in preamble if line - 1 not in notice]
    builder = _Builder(start, end, head.period_text, lines)
    builder.sentences(preamble, None)
    builder.walk(root, None)
    used = {s for s in (t["section"] for t in builder.tasks) if s is not None}
    keep = _with_ancestors(builder.sections, used)
    sections, renumber = _compact(builder.sections, keep)
    for task in builder.tasks:
        task["section"] = renumber.get(task["section"])
    for row in builder.not_understood:
        row["section"] = renumber.get(row["section"])
    warnings = (
        []
        if annex is None
        else [
            {
                "row": annex + 1,
                "message": _(
                    "The annex from line %(line)s on (%(annex)s) was not read; if it is the responsibility table, upload it on "
                    "its own."
                )
                % {"line": annex + 1, "annex": normalise(lines[annex])[:60]},
            }
        ]
    )
    return {
        "title": head.title,
        "source": "text",
        "sections": sections,
        "tasks": builder.tasks,
        "warnings": warnings,
        "columns": {},
        "not_understood": builder.not_understood,
        **head.as_dict(),
    }


def _with_ancestors(sections, used) -> set[int]:
    keep = set()
    for key in used:
        while key is not None and key not in keep:
            keep.add(key)
            key = sections[key]["parent"]
    return keep


def _compact(sections, keep) -> tuple[list[dict], dict[int, int]]:
    """Only the sections that hold a task, renumbered 0…n with their parents."""
    renumber, kept = {}, []
    for section in sections:
        if section["key"] in keep:
            renumber[section["key"]] = len(kept)
            kept.append(dict(section, key=len(kept), parent=renumber.get(section["parent"])))
    return kept, renumber
