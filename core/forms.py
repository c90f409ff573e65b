"""Form pieces every app shares: the label suffix and the month picker."""

from datetime import date
from functools import lru_cache

from django import forms
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext_noop

MONTHS_SHOWN = 36

# Django adds ":" after every form label, and its own zh_Hans catalogue keeps the ASCII colon; ours gives
# "：". Django asks for the string itself: it is marked here only so that makemessages keeps its entry.
# Translators: The suffix Django adds to every form label (Django's own catalogue keeps the ASCII colon in Chinese).
LABEL_SUFFIX = gettext_noop(":")


def months_back(last: date, count: int = MONTHS_SHOWN) -> list[date]:
    """The first days of `last`'s month and the `count - 1` months before it, newest first."""
    index = last.year * 12 + last.month - 1
    return [date((index - n) // 12, (index - n) % 12 + 1, 1) for n in range(count)]


def months_between(first: date, last: date) -> list[date]:
    """The first days of the months from `first`'s to `last`'s, oldest first."""
    start, end = first.year * 12 + first.month - 1, last.year * 12 + last.month - 1
    return [date(n // 12, n % 12 + 1, 1) for n in range(start, end + 1)]


def _as_month(value) -> str:
    if isinstance(value, date):
        return value.strftime("%Y-%m")
    return str(value or "")


class MonthSelect(forms.Select):
    """A month chosen from a list that reads in the page's language (2026年12月 / December 2026) and is submitted
    as YYYY-MM, as <input type=month> submits it: a native month input is drawn in the browser's own language,
    so Chromium showed "December 2026" on a Chinese page. The months are this month and the 35 before it, newest
    first (`months` sets others); a value outside them (an older link) is kept as a choice of its own."""

    def __init__(self, attrs=None, *, months=None, empty_label=None):
        super().__init__(attrs)
        self.months, self.empty_label = months, empty_label

    def format_value(self, value):
        return [_as_month(value)] if value not in (None, "") else [""]

    def get_context(self, name, value, attrs):
        self.choices = self.month_choices(value)
        return super().get_context(name, value, attrs)

    def month_choices(self, value) -> list[tuple[str, str]]:
        """The (YYYY-MM, month in words) options for the chosen `value`, as the select lists them."""
        months = tuple(self.months) if self.months is not None else tuple(months_back(timezone.localdate()))
        choices = list(_month_options(months, get_language()))
        values = [value for value, _label in choices]
        chosen = _as_month(value)
        if chosen and chosen not in values:
            choices.insert(0, (chosen, _label_of(chosen)))
        if self.empty_label is not None:
            choices.insert(0, ("", self.empty_label))
        return choices


@lru_cache(maxsize=16)
def _month_options(months: tuple[date, ...], language: str | None) -> tuple[tuple[str, str], ...]:
    """(YYYY-MM, month in words) of these months in this language: the same 36 months are written on
    every dashboard of a day, once per process and language rather than once per page."""
    return tuple((m.strftime("%Y-%m"), formats.date_format(m, "YEAR_MONTH_FORMAT")) for m in months)


def _label_of(value: str) -> str:
    """A submitted YYYY-MM in words; what cannot be read as a month is shown as it was written."""
    try:
        year, month = (int(part) for part in value.split("-"))
        return formats.date_format(date(year, month, 1), "YEAR_MONTH_FORMAT")
    except ValueError:
        return value
