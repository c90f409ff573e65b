"""My work's body, cached per unit while nothing it shows has changed.

Reporters open My work again and again in the days before the 25th. The body is kept under a key
made of the unit, the day, the language, the ids and `light_cache` tokens of every indicator the
unit sees (a token is dropped by every write to the indicator, its reports, allocations, milestones,
targets, plan and lead units) and the unit's late-entry grants. Any change to what a row shows
changes one of these, so a stale body is never read; entries also expire after
LIGHT_CACHE_SECONDS. On a miss each row is still drawn only when its values are new
(targets.fragments).
"""
import hashlib
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from . import entry_selectors, fragments, light_cache, selectors


@dataclass(frozen=True)
class Group:
    plan_id: int
    plan_title: str
    section_title: str | None
    overdue: int
    rows: tuple[str, ...]  # rendered targets/_work_row.html


def work_row_state(row: entry_selectors.WorkRow) -> tuple:
    """Every value targets/_work_row.html reads, directly or through a property: its HTML is
    remembered by these (targets.fragments)."""
    indicator, report, last = row.indicator, row.report, row.last_report
    return (
        indicator.pk, indicator.name, indicator.unit, indicator.target_value, indicator.frequency,
        indicator.target.seq, row.status.status, row.status.reasons, row.owed, row.reporter_names, row.share,
        row.period_start, row.due, row.days_left, row.missed_locked, report.status if report else None,
        (last.value, last.period_start, last.status) if last else None,
    )


def _key(user, today: date) -> str | None:
    ids = list(selectors.indicators_visible_to(user).order_by().values_list("pk", flat=True))
    current = light_cache.tokens(ids)
    if current is None:
        return None
    epoch, tokens = current
    grants = entry_selectors._granted_periods(user.unit, today)
    state = repr((sorted(tokens.items()), sorted(grants[0]), sorted(grants[1])))
    digest = hashlib.sha256(state.encode()).hexdigest()[:32]
    return f"work:{epoch}:{user.unit_id}:{digest}:{today.isoformat()}:{translation.get_language() or ''}"


def my_work_body(*, user, today: date) -> list[Group]:
    """The groups of My work, with each row rendered, overdue first (entry_selectors.my_work)."""
    key = _key(user, today)
    groups = light_cache.quietly(lambda: cache.get(key)) if key else None
    if groups is None:
        found = entry_selectors.my_work(user=user, today=today)
        rows = [row for group in found for row in group.rows]
        html = iter(fragments.render_rows("targets/_work_row.html", rows, "row", work_row_state))
        groups = [Group(plan_id=g.plan.pk, plan_title=g.plan.title,
                        section_title=g.section.title if g.section else None, overdue=g.overdue,
                        rows=tuple(next(html) for _row in g.rows)) for g in found]
        if key:
            light_cache.quietly(lambda: cache.set(key, groups, timeout=settings.LIGHT_CACHE_SECONDS))
    return groups
