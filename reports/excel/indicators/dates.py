"""Deadlines written in a plan's text: "到2025年", "2025年底前", "9月底前", "年底前", "上半年", "4月3日前".

A month without a year falls in the plan's first year in which that month has not already ended before
the plan starts (a plan from 2024-03 reads "4月底" as 2024-04-30, "2月底" as 2025-02-28).
"""

from __future__ import annotations

import calendar
import re
from datetime import date

YEAR = re.compile(r"(?:到|至|于)?(?P<year>20\d{2})年(?:底|末)?(?:前|以前)?")
# 每月25日前 is a routine due day, not a deadline; 从2024年3月开始 a start, not an end.
MARKER = re.compile(
    r"(?<!每)(?:(?:(?P<year>20\d{2})年)?(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})日前|底前?|末前?|份|前)"
    r"|(?:(?P<year2>20\d{2})|(?<![\d当每全]))(?P<year_end>年底|年末)前?|(?P<half>上半年|下半年))"
)


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year_for(month: int, day: int | None, start: date) -> int:
    year = start.year
    while (date(year, month, day) if day else month_end(year, month)) < start:
        year += 1
    return year


def _marker_date(match: re.Match, start: date) -> date | None:
    year = match.group("year") or match.group("year2")
    year = int(year) if year else None
    if match.group("month"):
        month = int(match.group("month"))
        if not 1 <= month <= 12:
            return None
        day = int(match.group("day")) if match.group("day") else None
        year = year or _year_for(month, day, start)
        return date(year, month, min(day, calendar.monthrange(year, month)[1])) if day else month_end(year, month)
    if match.group("year_end"):
        return date(year or start.year, 12, 31)
    if match.group("half"):
        return date(
            year or start.year,
            6 if match.group("half") == "上半年" else 12,
            30 if match.group("half") == "上半年" else 31,
        )
    return None


def month_markers(text: str, start: date) -> list[tuple[re.Match, date]]:
    """Every month-level deadline marker of the text with its date, in order."""
    found = []
    for match in MARKER.finditer(text):
        when = _marker_date(match, start)
        if when:
            found.append((match, when))
    return found


# "2024年完成改厕3000户" opening a sentence: the year the work is done in.
YEAR_OPENING = re.compile(
    r"(?:^|(?<=[。;]))(?P<year>20\d{2})年(?:内|全年)?(?:要|将)?(?:完成|建成|实现|新建|改造|创建|"
    r"培育|达到|新增|打造|改建|新改建)"
)


def year_deadline(text: str) -> date | None:
    """ "到2025年" / "2025年底前" / a sentence opening "2024年完成…" → that year's end; a bare "2023年" inside a
    sentence is a subject ("其中2023年建成3个", a stage), not a deadline."""
    years = [
        (m.start(), int(m.group("year")))
        for m in YEAR.finditer(text)
        if m.group(0).startswith(("到", "至")) or m.group(0).endswith(("前", "底", "末"))
    ]
    years += [(m.start(), int(m.group("year"))) for m in YEAR_OPENING.finditer(text)]
    return date(max(years)[1], 12, 31) if years else None


def deadline(text: str, start: date, default: date) -> date:
    """The last deadline the text states, by month if it names one, else by year, else `default`.

    A date before the plan starts ("2013年至2023年底使用的资金") describes the past, not a deadline.
    """
    markers = [when for _match, when in month_markers(text, start) if when >= start]
    if markers:
        return markers[-1]
    by_year = year_deadline(text)
    return by_year if by_year and by_year >= start else default
