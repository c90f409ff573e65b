"""Dates written the way plans write them: deadlines of a task and the plan's own period. Pure.

``deadline_from_text("2024年6月底前", start=…, end=…)`` → ``(date(2024, 6, 30), None)``;
"6月底前" takes the plan's year (the next one when that month is already before the start),
"年底前" the start year's 31 December, "2025年" its year end, "上半年" 30 June; "每季度" / "每月" give
no date but a reporting frequency; "长期坚持", "持续推进", "常态化" give neither (the plan's end holds).

``period_from_text("从2024年3月开始至12月底结束")`` → ``(date(2024, 3, 1), date(2024, 12, 31))``;
"(2023—2027年)" → 1 January 2023 to 31 December 2027; "2027年1月1日至2027年12月31日" as written.
``year_of_title("禾丰县2024年乡村振兴重点工作实施方案")`` → that year, 1 January to 31 December.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from .units import normalise

FULL = re.compile(r"(?:(?P<year>20\d{2})年)?(?P<month>1[0-2]|0?[1-9])月(?:(?P<day>[0-3]?\d)日|(?P<end>底|末|份)?)")
YEAR_ONLY = re.compile(r"(?P<year>20\d{2})年(?:底|末)?")
FREQUENCIES = (
    ("每季度", "quarterly"),
    ("按季度", "quarterly"),
    ("每季", "quarterly"),
    ("季度", "quarterly"),
    ("每月", "monthly"),
    ("按月", "monthly"),
    ("每年", "yearly"),
    ("每半年", "half_yearly"),
)
ONGOING = ("长期坚持", "持续推进", "长期", "常态化", "持续", "长效")
PERIOD = re.compile(
    r"(?P<y1>20\d{2})年?(?:(?P<m1>1[0-2]|0?[1-9])月(?:(?P<d1>[0-3]?\d)日)?)?(?:份)?(?:开始|起)?\s*[-—–~至到]+\s*"
    r"(?:(?P<y2>20\d{2})年?)?(?:(?P<m2>1[0-2]|0?[1-9])月(?:(?P<d2>[0-3]?\d)日)?)?(?:底|末)?"
)


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year_for(month: int, start: date) -> int:
    return start.year if month >= start.month else start.year + 1


def deadline_from_text(text: str, *, start: date, end: date) -> tuple[date | None, str | None]:
    """The deadline and the reporting frequency a 完成时限 cell or phrase states (None when it states none)."""
    text = normalise(text)
    frequency = next((f for word, f in FREQUENCIES if word in text), None)
    found = list(FULL.finditer(text))
    if found:
        match = found[-1]
        month = int(match.group("month"))
        year = int(
            match.group("year")
            or next((m.group("year") for m in reversed(found) if m.group("year")), 0)
            or _year_for(month, start)
        )
        day = int(match.group("day")) if match.group("day") else None
        try:
            return (date(year, month, day) if day else month_end(year, month)), frequency
        except ValueError:
            return month_end(year, month), frequency
    years = YEAR_ONLY.findall(text)
    if years:
        return date(int(years[-1]), 12, 31), frequency
    if "上半年" in text:
        return date(start.year, 6, 30), frequency
    if any(word in text for word in ("年底", "年末", "年内", "全年", "下半年")):
        return date(start.year, 12, 31), frequency
    return None, frequency


def is_ongoing(text: str) -> bool:
    text = normalise(text)
    return any(word in text for word in ONGOING) and not FULL.search(text) and not YEAR_ONLY.search(text)


def period_from_text(text: str) -> tuple[date, date] | None:
    """The plan period a title or sentence states ("2023—2027年", "从2024年3月开始至12月底"), or None."""
    match = PERIOD.search(normalise(text))
    if not match:
        return None
    y1 = int(match.group("y1"))
    y2 = int(match.group("y2") or y1)
    m1 = int(match.group("m1") or 1)
    m2 = int(match.group("m2") or 12)
    if not match.group("y2") and not match.group("m2"):
        return None  # "2024年3月至" with nothing after it
    if (y2, m2) < (y1, m1):
        return None
    # "2027年1月1日至2027年12月31日": the days as written; without a day, the months' first and last.
    first = _on_day(y1, m1, match.group("d1"), date(y1, m1, 1))
    last = _on_day(y2, m2, match.group("d2"), month_end(y2, m2))
    return (first, last) if first <= last else None


TITLE_YEAR = re.compile(r"(?<![到至\d])(?P<year>20\d{2})年(?:度)?(?![\d底末]|\d{0,2}月)")


def year_of_title(title: str) -> tuple[date, date] | None:
    """The one year a plan's title names ("禾丰县2024年乡村振兴重点工作实施方案", "2024年度…要点") as its period;
    None when it names none, several, or a year the plan works towards ("到2025年…")."""
    text = normalise(title)
    years = {int(m.group("year")) for m in TITLE_YEAR.finditer(text)}
    if len(years) != 1 or len(re.findall(r"20\d{2}", text)) != 1:
        return None
    (year,) = years
    return date(year, 1, 1), date(year, 12, 31)


def _on_day(year: int, month: int, day: str | None, fallback: date) -> date:
    """The day the text names, or the fallback when it names none or one the month lacks (2月30日)."""
    if not day:
        return fallback
    try:
        return date(year, month, int(day))
    except ValueError:
        return fallback
