"""Read who is answerable for a task out of a unit list or a sentence. Pure: no Django, no database.

One list, however it is written, becomes lead units, co-units and "every township":

* ``*区发改局、区住建局,各街道乡镇(标*的为牵头单位)``: a star marks a lead;
* ``县农业农村局（牵头）、县财政局``: "(牵头)" after a name marks a lead;
* ``牵头单位：县农业农村局；配合单位：县财政局``: labelled parts;
* one name per line inside a Word cell;
* ``区发改局区住建局``: two names run together, split where a unit-name ending (局 委 办 部 …) is
  followed by the start of another name (区 县 市 …);
* ``各镇（街道）`` / ``各街道乡镇`` / ``各乡镇（街道）``: every township of the plan's region.

Sentences (:func:`units_in_text`): "由县乡村振兴局牵头，县财政局配合", "责任单位：县农业农村局、各镇（街道）",
"（县人社局负责）", "（县农业农村局牵头，县卫健局、县住建局配合，各乡镇负责）", "牵头单位：…；配合单位：…",
"牵头单位：…；责任单位：…" (then the 责任单位 share the work), the same labels on lines of their own,
"（牵头领导：…，责任科室：镇社会事务办公室）". In a 责任单位 list with no mark and no 牵头单位 beside it,
the first unit leads: the convention of county documents (排在第一位的为牵头单位).
"""

from __future__ import annotations

import re
import unicodedata

ALL_TOWNSHIPS = re.compile(
    r"^各(?:街道)?(?:乡镇|镇街|街道|镇|乡)(?:\(?(?:街道|乡镇|镇)\)?)?"
    r"(?:党委|人民政府|政府|党\(工\)委|街道办事处)?$"
)
LEAD_MARK = re.compile(r"\((?:牵头(?:单位|部门)?|主责|负总责)\)")
NOTE = re.compile(r"\([^()]*\)")
SEPARATORS = re.compile(r"[,、;/\s]+")
# 委 is left out: "区纪委区监委" is one organ (合署办公) and "县委县政府督查室" one office; the preview
# splits such names only against the county's own units (split_known).
UNIT_ENDINGS = (
    "局",
    "办",
    "部",
    "院",
    "中心",
    "镇",
    "街道",
    "乡",
    "社",
    "联",
    "会",
    "所",
    "站",
    "处",
    "队",
    "厅",
    "公司",
    "集团",
    "室",
    "团",
)
# A new name starts with the level it belongs to; "县委宣传部" has no such start after 委, so it stays whole.
NAME_STARTS = ("区", "县", "市", "省", "镇", "乡")
LABELS = {
    "lead_units": ("牵头单位", "牵头部门", "主办单位", "责任科室", "牵头科室", "主责单位", "牵头"),
    "co_units": ("配合单位", "配合部门", "协办单位", "协同单位", "参与单位", "配合"),
    "units": ("责任单位", "责任部门", "实施单位", "责任主体"),
}
LABELLED = re.compile(
    r"(?P<label>"
    + "|".join(sorted({w for ws in LABELS.values() for w in ws}, key=len, reverse=True))
    + r")[:：]\s*(?P<list>(?:[^:：;；。()（）]|[(（][^()（）]*[)）])+)"
)
LED_BY = re.compile(
    r"由(?P<lead>[^,，。;；由]{2,60}?)牵头(?:负责)?(?:[,，、](?P<co>[^,，。;；]{2,80}?)(?:等)?"
    r"(?:配合|参与|协同|协助|按职责分工负责))?"
)
# "（县农业农村局牵头，县卫健局、县住建局配合，各乡镇负责）": the first leads, the others share the work.
# "各镇（街道）" may stand inside: one short bracket within the bracket.
INNER = r"(?:[^()（）]|[(（][^()（）]{1,8}[)）])"
IN_CHARGE = re.compile(rf"[(（](?P<lead>{INNER}{{2,60}}?)(?:负责|牵头)[)）]")
LED_IN_BRACKETS = re.compile(rf"[(（](?P<lead>[^()（）,，;；]{{2,40}}?)牵头[,，;；](?P<rest>{INNER}{{2,120}}?)[)）]")
SHARE_WORDS = re.compile(r"(?:等)?(?:配合|参与|协助|协同|共同负责|具体负责|负责落实|抓落实|负责|落实)$")
# Other labelled lines that may follow a unit list on the next line ("责任单位：县住建局" / "完成时限：…").
OTHER_LABELS = (
    "完成时限",
    "完成时间",
    "时间节点",
    "时限要求",
    "牵头领导",
    "责任领导",
    "分管领导",
    "包抓领导",
    "工作目标",
    "目标要求",
)
LABEL_START = re.compile(
    r"(?<![;；])(?=(?:"
    + "|".join(
        sorted({w for ws in LABELS.values() for w in ws if w != "牵头"} | set(OTHER_LABELS), key=len, reverse=True)
    )
    + r")[:：])"
)


def normalise(text: str) -> str:
    """Full-width to half-width and no whitespace, like the rest of the importer (newlines already split)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def is_unit_list(text: str) -> bool:
    """A line that only names units ("镇宣传办、镇社会事务办公室、镇农业和经济综合服务中心"), no label, no sentence."""
    text = normalise(text)
    if re.search(r"[^\u4e00-\u9fff,、;\s]", text):  # a label ("责任单位:"), a note, a sentence
        return False
    names = [n for n in SEPARATORS.split(text) if n]
    return len(names) >= 2 and all(3 <= len(n) <= 20 and n.endswith(UNIT_ENDINGS) for n in names)


def empty() -> dict:
    return {"lead_units": [], "co_units": [], "all_townships": False, "unparsed": [], "notes": []}


def split_run_together(name: str) -> list[str]:
    """ "区发改局区住建局" → ["区发改局", "区住建局"]; "县委宣传部" and "县乡村振兴局" stay whole."""
    pieces, start = [], 0
    for index in range(1, len(name)):
        if not name.startswith(NAME_STARTS, index) or index - start < 3:
            continue
        if name[start:index].endswith(UNIT_ENDINGS) and len(name) - index >= 3:
            pieces.append(name[start:index])
            start = index
    pieces.append(name[start:])
    return pieces


def split_known(name: str, known) -> list[str] | None:
    """`name` as a run of known unit names, longest first, or None when it is not one (for the preview)."""
    if name in known:
        return [name]
    for candidate in sorted((k for k in known if name.startswith(k)), key=len, reverse=True):
        rest = split_known(name[len(candidate) :], known)
        if rest:
            return [candidate, *rest]
    return None


ROLE_TAIL = re.compile(r"(?<=[局办部院委队站所镇乡道])(?:主管|具体负责|负责|配合|牵头|参与|协助)$")
LEADS_WORD = re.compile(r"(?<=[局办部院委队站所镇乡道心])(?:牵头|负总责|主责)$")


def _add(result: dict, name: str, lead: bool) -> None:
    name = ROLE_TAIL.sub("", name)  # "区综合执法局主管": the unit, not its role
    if ALL_TOWNSHIPS.match(name):
        result["all_townships"] = True
    elif name.startswith("各") or name in ("相关单位", "有关单位", "相关部门", "有关部门"):
        result["unparsed"].append(name)
    elif name:
        bucket = result["lead_units"] if lead else result["co_units"]
        if name not in bucket and name not in result["lead_units"]:
            bucket.append(name)


def read_list(raw: str, *, all_lead: bool = False, first_leads: bool = False) -> dict:
    """One unit list (a table cell, or the list after 责任单位：) into leads, co-units and every township."""
    result = empty()
    lines = [line for line in re.split(r"[\r\n]+", raw or "") if line.strip()]
    text = "、".join(normalise(part) for line in lines for part in _spaced(line))
    labelled = _labelled_parts(text)
    if labelled:
        return labelled
    text = LEAD_MARK.sub("(*)", text)
    result["notes"] = [n for n in NOTE.findall(text) if n != "(*)"]
    text = NOTE.sub(lambda m: "*" if m.group(0) == "(*)" else "", text)
    starred = "*" in text
    for token in filter(None, SEPARATORS.split(text)):
        if LEADS_WORD.search(token):  # "县农业农村局牵头,县财政局配合" in a cell
            token, starred = "*" + LEADS_WORD.sub("", token), True
        for piece in _star_pieces(token):
            names = split_run_together(piece.strip("*"))
            for index, name in enumerate(names):
                # "*区发改局区住建局": the star is the first name's; "县农业农村局(牵头)" marks the last one
                lead = piece.startswith("*") and index == 0 or piece.endswith("*") and index == len(names) - 1
                # a 牵头单位 list that marks one of its units "(牵头)": only that one leads
                _add(result, name, lead or (all_lead and not starred))
    if first_leads and not starred and not all_lead and result["co_units"] and not result["lead_units"]:
        result["lead_units"].append(result["co_units"].pop(0))
    return result


def _spaced(line: str) -> list[str]:
    """ "县农业农村局（牵头） 县财政局" → the names the spaces separate; a bracketed mark stays with its name."""
    parts = []
    for part in re.split(r"[ \u3000\t]+", line.strip()):
        if parts and part.startswith(("(", "（")):
            parts[-1] += part
        elif part:
            parts.append(part)
    return parts


def _star_pieces(token: str) -> list[str]:
    """ "*A*B" → ["*A", "*B"]; "A(牵头)" was turned into "A*" before."""
    if token.endswith("*") and token.count("*") == 1:
        return [token]
    return re.findall(r"\*?[^*]+", token)


def _field(label: str) -> str:
    return next(f for f, words in LABELS.items() if label in words)


def _labelled_parts(text: str) -> dict | None:
    """ "牵头单位:A;配合单位:B、C" inside one cell or sentence, or None when no part is labelled."""
    matches = list(LABELLED.finditer(LABEL_START.sub("；", text)))
    if not matches:
        return None
    result = empty()
    led = any(_field(m.group("label")) == "lead_units" for m in matches)
    for match in matches:
        merge(
            result,
            _labelled_part(match, led),
            as_co=_field(match.group("label")) == "co_units" or (led and _field(match.group("label")) == "units"),
        )
    return result


def _labelled_part(match: re.Match, led: bool) -> dict:
    """One labelled list; a 责任单位 list beside a 牵头单位 one holds the units that share the work."""
    field = _field(match.group("label"))
    return read_list(match.group("list"), all_lead=field == "lead_units", first_leads=field == "units" and not led)


def _led_in_brackets(text: str, result: dict, phrases: list) -> None:
    for match in LED_IN_BRACKETS.finditer(text):
        merge(result, read_list(match.group("lead"), all_lead=True))
        for part in filter(None, re.split(r"[,，;；]", match.group("rest"))):
            merge(result, read_list(SHARE_WORDS.sub("", part)), as_co=True)
        phrases.append(match.group(0))


def merge(into: dict, part: dict, *, as_co: bool = False) -> dict:
    """Add `part`'s units to `into`; with as_co every unit of `part` is a co-unit (a 配合单位 column)."""
    for name in part["lead_units"]:
        _add(into, name, not as_co)
    for name in part["co_units"]:
        _add(into, name, False)
    into["all_townships"] |= part["all_townships"]
    into["unparsed"] += [n for n in part["unparsed"] if n not in into["unparsed"]]
    into["notes"] += part["notes"]
    return into


def units_in_text(text: str) -> tuple[dict, list[str]]:
    """The responsibility a sentence states, and the phrases it was read from (empty when it states none)."""
    text = LABEL_START.sub("；", normalise(text))  # "牵头单位:A" and "责任单位:B" on lines run together
    result, phrases = empty(), []
    _led_in_brackets(text, result, phrases)
    for match in LED_BY.finditer(text):
        merge(result, read_list(match.group("lead"), all_lead=True))
        if match.group("co"):
            merge(result, read_list(match.group("co")), as_co=True)
        phrases.append(match.group(0))
    labelled = [m for m in LABELLED.finditer(text) if m.group("label") != "牵头"]  # bare "牵头:" is too loose
    led = any(_field(m.group("label")) == "lead_units" for m in labelled)
    for match in labelled:
        field = _field(match.group("label"))
        merge(result, _labelled_part(match, led), as_co=field == "co_units" or (led and field == "units"))
        phrases.append(match.group(0))
    for match in IN_CHARGE.finditer(text):
        if not any(match.group(0) in p or p in match.group(0) for p in phrases):
            merge(result, read_list(match.group("lead"), all_lead=True))
            phrases.append(match.group(0))
    return result, phrases
