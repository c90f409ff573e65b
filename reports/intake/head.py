"""The head and foot of a plan published as text, and the heading marks that end the head.

The head: the portal's metadata (文号 | 旬巩衔组发〔2024〕1号 | 发布机构 …), the cover letter (主送 … 现将《…》
印发给你们), the signature and date above or below it, and the plan's title (:func:`document_head`). The foot:
annexes (附件…), the signature and date, and a reply's sign-off (分管领导 / 经办人员 / 联系电话 / 抄送), which end
the plan's own text (:func:`body_end`). The plan period is read from the title or a sentence (:func:`find_period`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .dates import period_from_text
from .units import normalise
from .written import as_written

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
CN = "一二三四五六七八九十"
MARKS = [  # (level, pattern) in order of depth; matched on the normalised line
    (0, re.compile(rf"^第[{CN}]+[章部篇](?:分)?")),
    (1, re.compile(rf"^第[{CN}]+节")),  # "第一章 重点任务 / 第一节 壮大村级集体经济 / 一、…"
    (2, re.compile(rf"^[{CN}]+[、.](?!\d)")),
    (3, re.compile(rf"^(?:\([{CN}]+\)|[{CN}]+\))[、.]?")),  # "四)乡贤助力发展行动": a bracket lost in copying
    (4, re.compile(r"^\d{1,2}(?:\.|、|\)(?!\d))(?!\d)")),
    (5, re.compile(r"^\(\d{1,2}\)[、.]?")),
    (6, re.compile(rf"^[{CIRCLED}]")),
]

DOC_NUMBER = re.compile(r"[\u4e00-\u9fa5A-Za-z]{1,12}[〔\[(](?:19|20)\d{2}[〕\])]\s*\d{1,4}\s*号")
DATE_LINE = re.compile(r"^(?P<y>(?:19|20)\d{2})年(?P<m>1[0-2]|0?[1-9])月(?P<d>[0-3]?\d)日$")
# "(2024年2月20日印发)" under a title: when it was issued, no part of the title
ISSUED_NOTE = re.compile(
    r"^\((?P<y>(?:19|20)\d{2})年(?P<m>1[0-2]|0?[1-9])月(?P<d>[0-3]?\d)日(?:印发|发布|通过|起施行|施行)?\)$"
)
ISO_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})")
TITLE_WORDS = ("方案", "规划", "计划", "意见", "办法", "要点", "措施", "清单")
COVER = re.compile(r"^(?:现将|现印发|经.{0,20}同意|请结合|请认真|各[^,:]{0,40}[:：]$)")
ISSUER_ENDINGS = (
    "领导小组",
    "人民政府",
    "办公室",
    "委员会",
    "局",
    "办",
    "党委",
    "政府",
    "小组",
    "指挥部",
    "中心",
    "镇",
    "街道",
    "公室",
)
META_KEYS = {
    "文号": "doc_number",
    "发文字号": "doc_number",
    "发布机构": "publisher",
    "发文机关": "issuer",
    "成文日期": "issued_on",
    "印发日期": "issued_on",
    "发文日期": "issued_on",
    "公开日期": "published_on",
    "发布日期": "published_on",
    "生成日期": "published_on",
}
SENTENCE = re.compile(r"(?<=[。;!?])")
PERIOD_WORDS = (
    "开始",
    "结束",
    "为期",
    "实施期",
    "时间为",
    "实施时间",
    "起止",
    "实施期限",
    "期限为",
    "时间安排",
    "执行期",
    "有效期",
    "工作时间",
    "时间:",
    "时间：",
)


def _mark(text: str) -> tuple[int, str] | None:
    for level, pattern in MARKS:
        match = pattern.match(text)
        if match:
            return level, match.group(0)
    return None


@dataclass
class Head:
    title: str = ""
    doc_number: str = ""
    issuer: str = ""
    issued_on: str = ""
    publisher: str = ""
    period_text: str = ""
    body_start: int = 0

    def as_dict(self) -> dict:
        return {
            "doc_number": self.doc_number,
            "issuer": self.issuer or self.publisher,
            "issued_on": self.issued_on,
            "period_text": self.period_text,
        }


def _meta_pairs(line: str) -> dict[str, str]:
    """ "文号 | 旬巩衔组发〔2024〕1号 | 发布机构 | 旬邑县 |" or "文号:洞政办发〔2023〕14号" → {field: value}."""
    found = {}
    cells = [c.strip() for c in re.split(r"\s*[|｜]\s*|\t", line) if c.strip()]
    for index, cell in enumerate(cells[:-1]):
        key = normalise(cell).rstrip(":：")
        if key in META_KEYS and normalise(cells[index + 1]).rstrip(":：") not in META_KEYS:
            found[META_KEYS[key]] = normalise(cells[index + 1])
    for key, name in META_KEYS.items():
        match = re.match(rf"^{key}[:：](?P<value>.+)$", normalise(line))
        if match:
            found[name] = match.group("value")
    return found


def _iso(text: str) -> str:
    match = DATE_LINE.match(text) or ISSUED_NOTE.match(text) or ISO_DATE.search(text)
    if not match:
        return ""
    try:
        return date(int(match.group("y")), int(match.group("m")), int(match.group("d"))).isoformat()
    except ValueError:
        return ""


def _is_title(text: str) -> bool:
    return (
        4 <= len(text) <= 80
        and text.endswith(TITLE_WORDS + ("(征求意见稿)", "(试行)", "年)"))
        and not re.search(r"[。,;:]", text)
        and not text.startswith(("关于印发", "现将", "《", "("))
    )


def document_head(lines: list[str]) -> Head:
    """Title, document number, issuer, date and where the plan's own text starts, read from the head."""
    head, title_lines = Head(), []
    first_heading = next((i for i, line in enumerate(lines) if _mark(normalise(line))), len(lines))
    for index, raw in enumerate(lines[:first_heading]):
        text = normalise(raw)
        for key, value in _meta_pairs(raw).items():
            if key in ("issued_on", "published_on"):
                value = _iso(value)
                key = "issued_on" if key == "issued_on" or not head.issued_on else "skip"
            if key != "skip" and value and not getattr(head, key):
                setattr(head, key, value)
        if not head.doc_number and (match := DOC_NUMBER.search(text)) and len(text) < 60:
            head.doc_number = match.group(0)
        if ISSUED_NOTE.match(text):
            head.issued_on = head.issued_on or _iso(text)
        if DATE_LINE.match(text) and index:
            head.issued_on = head.issued_on or _iso(text)
            signer = _line_before(lines, index)
            if signer.endswith(ISSUER_ENDINGS) and len(signer) <= 40:
                head.issuer = signer
        if _is_title(text):
            head.title, head.body_start = _with_years(text, lines, index)
            title_lines = lines[index : head.body_start]
    period = period_from_text(head.title) if head.title else None
    if period:
        head.period_text = head.title
    if head.title:
        head.title = as_written(head.title, *title_lines)
    return head


def head_lines(lines: list[str], start: int, end: int) -> set[int]:
    """The lines between the title and the first heading that belong to the notice issuing the plan, not to the
    plan: its number ("禾政办发〔2024〕12号"), the addressees ("各乡镇人民政府、县直各单位："), the cover letter
    ("现将《…》印发给你们，请认真贯彻落实。"), a date or "(2024年2月20日印发)", the signature above that date and a
    publication note ("(此件公开发布)"). Their figures are read by :func:`document_head`; indexes into `lines`."""
    found = set()
    for index in range(start, min(end, len(lines))):
        text = normalise(lines[index])
        if (
            DOC_NUMBER.fullmatch(text)
            or COVER.match(text)
            or ISSUED_NOTE.match(text)
            or re.fullmatch(r"\(此件[^)]{0,8}\)", text)
        ):
            found.add(index)
        elif DATE_LINE.match(text):
            found.add(index)
            signer = _line_before(lines, index, start)
            if signer.endswith(ISSUER_ENDINGS) and len(signer) <= 40:
                found.add(next(i for i in range(index - 1, start - 1, -1) if normalise(lines[i]) == signer))
    return found


def _line_before(lines: list[str], index: int, floor: int = 0) -> str:
    """The nearest non-blank line above `index` (a signature may stand a blank line or two above its date)."""
    for above in range(index - 1, max(floor, index - 4) - 1, -1):
        if normalise(lines[above]):
            return normalise(lines[above])
    return ""


def _with_years(title: str, lines: list[str], index: int) -> tuple[str, int]:
    """A title whose "(2023—2027年)" or "(征求意见稿)" stands on the next line takes it in."""
    after = next((i for i in range(index + 1, min(index + 4, len(lines))) if lines[i].strip()), None)
    following = normalise(lines[after]) if after is not None else ""
    if following and re.fullmatch(r"\(?[^()]{0,20}\)", following) and not ISSUED_NOTE.match(following):
        return title + ("" if following.startswith("(") else "(") + following, after + 1
    return title, index + 1


# The organ a document number's code stands for (大政发 → 人民政府, 洞政办发 → 人民政府办公室).
ORGAN_CODES = (("政办", "人民政府办公室"), ("府办", "人民政府办公室"), ("政", "人民政府"))
PLACE_ENDINGS = "镇乡县区市"


def issuer_from_number(doc_number: str, lines: list[str]) -> str:
    """The issuer a document number names when no signature does: its code's organ (政 = 人民政府) of the place
    its first character abbreviates, when the text names that place ("大政发" and "大河镇…" → 大河镇人民政府)."""
    code = re.match(r"^(?P<code>[\u4e00-\u9fa5]{2,8})[〔\[(]", doc_number or "")
    if not code:
        return ""
    code = re.sub(r"(?:发|函|字|文|电|通)$", "", code.group("code"))
    organ = next(((mark, name) for mark, name in ORGAN_CODES if code.endswith(mark)), None)
    if organ is None or len(code) == len(organ[0]):
        return ""
    abbreviation = code[: -len(organ[0])]
    text = normalise("".join(lines))
    named = re.search(rf"({re.escape(abbreviation)}[\u4e00-\u9fa5]{{0,4}}?[{PLACE_ENDINGS}]){organ[1]}", text)
    if named:
        return named.group(0)
    places = re.findall(rf"{re.escape(abbreviation)}[\u4e00-\u9fa5]{{0,3}}?[{PLACE_ENDINGS}]", text)
    if not places:
        return ""
    place = max(set(places), key=places.count)
    return place + organ[1]


ANNEX = re.compile(r"^附件\d*(?:[:：].{0,120})?$")


def body_end(lines: list[str], head: Head) -> tuple[int, int | None]:
    """Where the plan's own text ends: before its annexes (附件…) and the signature and date at its foot,
    which fill the head's issuer and date when the head had none. Returns (end, line of the annex or None)."""
    annex = next((i for i in range(head.body_start, len(lines)) if ANNEX.match(normalise(lines[i]))), None)
    end = len(lines) if annex is None else annex
    # the foot lies below the first heading: a short plan's notice date above it is no signature at its foot
    first_heading = next((i for i in range(head.body_start, end) if _mark(normalise(lines[i]))), head.body_start)
    for index in range(end - 1, max(first_heading, end - 8) - 1, -1):
        text = normalise(lines[index])
        if DATE_LINE.match(text):
            head.issued_on = head.issued_on or _iso(text)
            signer = _line_before(lines, index, head.body_start) if index > head.body_start else ""
            if signer.endswith(ISSUER_ENDINGS) and len(signer) <= 40:
                head.issuer = head.issuer or signer
                index = next(i for i in range(index - 1, -1, -1) if normalise(lines[i]) == signer)
            end = index
            break
    return _before_foot(lines, head.body_start, end), annex


# The sign-off under a reply or a notice: who signed, who handled it, a telephone, how it is published,
# who it is copied to. "分管领导:蔡芳臻" there signs the document; it is no task's leader.
FOOT_LINE = re.compile(
    r"^(?:(?:分管领导|签发人?|核稿人?|经办人员?|承办人员?|联系人|联系电话|电话|传真|抄送|抄报|印发)[:]"
    r"|\(此件[^)]{0,8}\)$)"
)


def _before_foot(lines: list[str], floor: int, end: int) -> int:
    """The end moved up over the sign-off lines (and blank lines among them) at the foot of the body."""
    index = end
    while index > floor:
        text = normalise(lines[index - 1])
        if text and not FOOT_LINE.match(text):
            break
        index -= 1
    while index < end and not normalise(lines[index]):  # blank lines before the sign-off stay with the body
        index += 1
    return index if any(normalise(lines[i]) for i in range(index, end)) else end


def find_period(lines: list[str], head: Head) -> tuple[date, date] | None:
    """The plan period from the title, else from the first sentence that states one (从…开始至…结束)."""
    if head.period_text:
        return period_from_text(head.period_text)
    for raw in lines[head.body_start :]:
        for sentence in SENTENCE.split(normalise(raw)):
            if any(word in sentence for word in PERIOD_WORDS) and (period := period_from_text(sentence)):
                head.period_text = sentence
                return period
    return None
