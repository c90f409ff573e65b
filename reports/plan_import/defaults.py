"""The preview's defaults: a ceiling for a decrease without a baseline, and the first reporting period
(derived again on the day of the save while it is still the default)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from targets import rules
from targets.choices import Kind

from ..plan_checks import parse_month


def default_missing_baselines(parsed: dict) -> None:
    """A decrease with no stated baseline cannot be paced: keep its target as a ceiling and say so."""
    for task in parsed["tasks"]:
        for proposal in task["indicators"]:
            if proposal["kind"] == Kind.DECREASE and proposal.get("baseline") in (None, ""):
                proposal["kind"] = Kind.CEILING
                proposal["baseline"] = proposal["target_value"]
                proposal["warnings"] = proposal.get("warnings", []) + ["decrease_without_baseline_kept_as_ceiling"]


def default_first_period(parsed: dict, today: date | None = None) -> str:
    """The first period units owe: the first not yet past due on the day of import (nothing backdated),
    or the plan's first month when the plan has not begun."""
    first = rules.first_period_not_past_due(today or timezone.localdate())
    start = parse_month((parsed.get("start") or "")[:7])
    return f"{max(first, start) if start else first:%Y-%m}"


def with_defaults(parsed: dict, today: date | None = None) -> dict:
    """The preview's defaults: the first reporting period, remembered as a default (`first_period_default`)
    so that a save on a later day re-derives it instead of keeping a month that has since fallen past due."""
    if not parsed.get("first_period"):
        parsed["first_period"] = parsed["first_period_default"] = default_first_period(parsed, today)
    return parsed


def first_period_is_default(parsed: dict) -> bool:
    return bool(parsed.get("first_period_default")) and parsed.get("first_period") == parsed["first_period_default"]


def at_save(parsed: dict, today: date) -> dict:
    """The preview as it is saved on `today`: a default first period is derived again for that day (a preview
    left open overnight does not backdate the plan); a chosen one is kept and checked (plan_checks)."""
    if not first_period_is_default(parsed):
        return parsed
    first = default_first_period(parsed, today)
    return dict(parsed, first_period=first, first_period_default=first)
