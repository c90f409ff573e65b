"""Reading village collective income: classification and the figures derived from it.

Pure functions on plain values (no database): the classification edges (exactly 10万, zero income,
no record for the year) and every derived measure are tested here with hand-made numbers.

Amounts are 万元 as Decimals. A village "has a figure" for a year when it has an approved
whole-year record; villages without one are left out of shares, counts and sums (and listed as
missing on the rule's page) rather than counted as zero, which would hide a missing return.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

DEFAULT_TIERS = (Decimal("10"), Decimal("25"), Decimal("50"), Decimal("100"))
DEFAULT_WEAK_THRESHOLD = Decimal("10")
_PERCENT_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Income:
    total: Decimal
    operating: Decimal

    def of(self, basis: str) -> Decimal:
        return self.total if basis == "total" else self.operating


# Classification -------------------------------------------------------------------------------


def is_hollow(income: Income | None) -> bool:
    """空壳村: a village with a record for the year and no operating income at all."""
    return income is not None and income.operating <= 0


def is_weak(income: Income | None, threshold: Decimal = DEFAULT_WEAK_THRESHOLD) -> bool:
    """薄弱村: operating income below the county threshold; a hollow village is weak as well."""
    return income is not None and income.operating < threshold


def tier_of(income: Income | None, tiers: Sequence[Decimal] = DEFAULT_TIERS) -> Decimal | None:
    """The highest tier bound the operating income reaches (at or above it), or None below the first."""
    if income is None:
        return None
    reached = [bound for bound in tiers if income.operating >= bound]
    return max(reached) if reached else None


def classify(
    income: Income | None, tiers: Sequence[Decimal] = DEFAULT_TIERS, weak_threshold: Decimal = DEFAULT_WEAK_THRESHOLD
) -> str:
    """One word for a village in a year: missing, hollow, weak, or the tier ("10", "25", …) or "below"."""
    if income is None:
        return "missing"
    if is_hollow(income):
        return "hollow"
    tier = tier_of(income, tiers)
    if is_weak(income, weak_threshold) and tier is None:
        return "weak"
    return format(tier.normalize(), "f") if tier is not None else "below"


def tier_label(tier: Decimal | None) -> str:
    if tier is None:
        return ""
    return _("≥ %(level)s 万元") % {"level": format(tier.normalize(), "f")}


# Derived measures ---------------------------------------------------------------------------


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(_PERCENT_PLACES, rounding=ROUND_HALF_UP)


def measure_value(
    measure: str,
    *,
    current: Mapping[object, Income],
    previous: Mapping[object, Income] | None = None,
    basis: str = "operating",
    level: Decimal | None = None,
    weak_threshold: Decimal = DEFAULT_WEAK_THRESHOLD,
) -> Decimal | None:
    """The figure of one measure for one year, from each village's income that year (and the year before).

    None when the figure cannot be computed: no village has a record, or a growth has no base.
    Growth and the increment share compare only villages with a record in both years (like for like).
    """
    if not current:
        return None
    values = [income.of(basis) for income in current.values()]
    if measure == "share_at_level":
        return _percent(sum(1 for v in values if v >= level), len(values))
    if measure == "count_at_level":
        return Decimal(sum(1 for v in values if v >= level))
    if measure == "count_hollow":
        return Decimal(sum(1 for i in current.values() if is_hollow(i)))
    if measure == "count_weak":
        return Decimal(sum(1 for i in current.values() if is_weak(i, weak_threshold)))
    if measure == "sum":
        return sum(values, Decimal(0))
    if measure in ("growth", "increment_operating_share"):
        return _change(measure, current, previous or {}, basis)
    raise ValueError(f"unknown measure {measure!r}")


def _change(measure, current, previous, basis) -> Decimal | None:
    both = [v for v in current if v in previous]
    if not both:
        return None
    if measure == "growth":
        before = sum((previous[v].of(basis) for v in both), Decimal(0))
        after = sum((current[v].of(basis) for v in both), Decimal(0))
        return _percent(after - before, before) if before > 0 else None
    total_increment = sum((current[v].total - previous[v].total for v in both), Decimal(0))
    operating_increment = sum((current[v].operating - previous[v].operating for v in both), Decimal(0))
    # With no growth in total income the share of its increment means nothing.
    return _percent(operating_increment, total_increment) if total_increment > 0 else None


def counts_toward(measure: str, income: Income, *, basis: str, level: Decimal | None, weak_threshold: Decimal) -> bool:
    """Whether one village is among those the figure counts (for the list behind a share or count)."""
    if measure in ("share_at_level", "count_at_level"):
        return income.of(basis) >= level
    if measure == "count_hollow":
        return is_hollow(income)
    if measure == "count_weak":
        return is_weak(income, weak_threshold)
    return True
