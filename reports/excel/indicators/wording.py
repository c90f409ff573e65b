"""What the words around a number say: the kind of indicator (DOMAIN.md) and the name of what is counted."""

from __future__ import annotations

import re
from functools import lru_cache

from .dates import MARKER, YEAR

CEILING_WORDS = ("控制在", "控制到", "不超过", "不高于", "不得超过", "不多于")
DECREASE_WORDS = (
    "缩小到",
    "缩小至",
    "降低到",
    "降低至",
    "降至",
    "下降到",
    "下降至",
    "减少到",
    "减少至",
    "压减到",
    "压降到",
    "压减至",
    "压降至",
)
FLOOR_VERBS = ("稳定", "保持")
# A stock held rather than built up: "公益性岗位保有量30个以上", "安置数量不少于上年度".
FLOOR_WORDS = ("保有量", "不少于上年", "不低于上年", "不少于去年", "不低于去年")
NAME_TAIL = re.compile(
    r"(?:均|总|力争|确保|分别|各)?(?:达到|达|超过|超|不少于|不低于|不超过|不高于|提高到|提高至|提升到|提升至|提高|提升|"
    r"缩小到|缩小至|降低到|降低至|降至|下降到|下降至|减少到|减少至|控制在|控制到|稳定在|保持在|稳定|保持|增长|增加|"
    r"为|至|到|在|均|由|从|近|约|各)+$"
)
NAME_HEAD = re.compile(r"^(?:其中|全区|全县|全市|全镇|力争|确保|并|同时|累计|新增|全年|要|实现|对)+")
# "各项目实施单位要确保项目资金支出率": what is measured follows the last of these words.
NAME_LEAD = re.compile(r"(?:确保|力争|要求|推动)")


@lru_cache(maxsize=1)
def _jieba():
    import jieba  # loaded on first use: building its dictionary takes a second

    jieba.setLogLevel(60)
    return jieba


def _holds_steady(before: str) -> bool:
    """ "稳定在1.18万亩" / "保持60%": 稳定 governs the number. In "稳定增收" it qualifies another verb."""
    if not any(verb in before for verb in FLOOR_VERBS):
        return False
    tokens = _jieba().lcut(before + "1")
    for index, token in enumerate(tokens[:-1]):
        if token in FLOOR_VERBS:
            following = tokens[index + 1 :]
            if following[0] == "在" or (following[0] == "1" and index + 1 == len(tokens) - 1):
                return True
    return False


def tokens(text: str) -> list[str]:
    """The words of a text (jieba), punctuation left out."""
    return [token for token in _jieba().lcut(text) if re.match(r"[\w%]", token)]


def has_kind_word(before: str) -> bool:
    words = (
        DECREASE_WORDS + CEILING_WORDS + FLOOR_VERBS + FLOOR_WORDS + ("达到", "达", "超", "不少于", "不低于", "新增")
    )
    return any(word in before for word in words)


def kind(before: str, comparison: str) -> str:
    """The kind the words before a number (within its clause) and its comparison (以上/以内) give it.

    不低于 / 不少于 on an amount is an increase (DOMAIN.md: 不少于1.9万人); a floor is a level held
    (稳定在, 保持在); a time limit ("10天内完成", "不超过15天") is a ceiling.
    """
    if any(word in before for word in DECREASE_WORDS):
        return "decrease"
    if any(word in before for word in CEILING_WORDS) or comparison in ("以内", "内", "以下"):
        return "ceiling"
    if _holds_steady(before) or any(word in before for word in FLOOR_WORDS):
        return "floor"
    return "increase"


# "农业增加值年均增长5%": the number is a yearly rate; the name keeps 年均增长 (not "农业增加值年").
YEARLY_RATE = re.compile(r"(?:年均|年平均|每年)(?:增长|提高|提升|增速|增幅|增加)率?")


def clean_name(raw: str) -> str:
    name = MARKER.sub("", YEAR.sub("", raw))
    name = NAME_LEAD.split(name)[-1] or name
    name = NAME_HEAD.sub("", name)
    rates = [m for m in YEARLY_RATE.finditer(name) if m.start() and not NAME_TAIL.sub("", name[m.end() :])]
    if rates:
        name = name[: rates[-1].end()]
    else:
        name = NAME_TAIL.sub("", name)
    return name.strip("、,").rstrip("的和及与、")
