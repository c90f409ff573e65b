"""My work's body, cached row by row while nothing a row shows has changed.

Reporters open My work again and again in the days before the 25th. Each row is kept under a key
made of the unit, the indicator and its `light_cache` token (dropped by every write to the
indicator, its reports, allocations, milestones, target, plan and lead units), the unit's
late-entry grants, the day and the language; any change to what the row shows changes one of
these, so a stale row is never read, and a report submitted on one indicator recomputes that row
alone. Entries also expire after LIGHT_CACHE_SECONDS. Without a cache every row is computed.
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


@dataclass(frozen=True)
class _Row:
    """What the page needs of a row: where it goes, its group's titles and its HTML."""

    place: entry_selectors.Placement
    plan_title: str
    section_title: str | None
    html: str


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


def _keys(user, ids: list[int], today: date) -> dict[int, str]:
    current = light_cache.tokens(ids)
    if current is None:
        return {}
    epoch, tokens = current
    grants = entry_selectors._granted_periods(user.unit, today)
    granted = hashlib.sha256(repr((sorted(grants[0]), sorted(grants[1]))).encode()).hexdigest()[:16]
    language = translation.get_language() or ""
    # "v2": the shape of _Row; entries of an older shape are never read back.
    return {pk: f"work-row:v2:{epoch}:{user.unit_id}:{pk}:{tokens[pk]}:{granted}:{today.isoformat()}:{language}"
            for pk in ids}


def _computed(user, today: date, ids: list[int]) -> dict[int, _Row]:
    rows = entry_selectors.work_rows(user=user, today=today, indicator_ids=ids)
    html = fragments.render_rows("targets/_work_row.html", rows, "row", work_row_state)
    found = {}
    for row, drawn in zip(rows, html):
        target = row.indicator.target
        found[row.indicator.pk] = _Row(place=entry_selectors.placement(row), plan_title=target.plan.title,
                                       section_title=target.section.title if target.section_id else None, html=drawn)
    return found


def my_work_body(*, user, today: date) -> list[Group]:
    """The groups of My work with each row rendered, in entry_selectors.arrange's order."""
    ids = list(selectors.indicators_visible_to(user).order_by().values_list("pk", flat=True))
    keys = _keys(user, ids, today)
    cached = light_cache.quietly(lambda: cache.get_many(list(keys.values())), {}) if keys else {}
    rows = {pk: cached[keys[pk]] for pk in ids if keys.get(pk) in cached}
    missing = [pk for pk in ids if pk not in rows]
    if missing:
        computed = _computed(user, today, missing)
        entries = {keys[pk]: row for pk, row in computed.items() if pk in keys}
        light_cache.quietly(lambda: cache.set_many(entries, timeout=settings.LIGHT_CACHE_SECONDS))
        rows.update(computed)
    groups = []
    for _where, overdue, members in entry_selectors.arrange(list(rows.values()), lambda row: row.place):
        first = members[0]
        groups.append(Group(plan_id=first.place.plan_id, plan_title=first.plan_title,
                            section_title=first.section_title, overdue=overdue, rows=tuple(row.html for row in members)))
    return groups
