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

from .. import entry_selectors, fragments, light_cache, selectors
from ..choices import ReportStatus

# The to-do's tabs, in the order shown; a row can sit in several (a returned report can be overdue).
TABS = ("overdue", "due", "returned", "supervision", "done", "all")


@dataclass(frozen=True)
class _Row:
    """What the page needs of a row: where it goes, its group's titles, its tabs, what a search matches, its HTML."""

    place: entry_selectors.Placement
    plan_title: str
    section_title: str | None
    html: str
    tabs: frozenset = frozenset({"all"})
    text: str = ""
    light: str = ""


@dataclass(frozen=True)
class Todo:
    """My work as a to-do: the rows of one tab (overdue first), and how many each tab holds."""

    tab: str
    counts: dict
    rows: tuple[str, ...]
    plans: tuple[tuple[int, str], ...]


def row_tabs(row: entry_selectors.WorkRow) -> frozenset:
    """The tabs a row is listed under: what the unit owes now, and what it has finished for now."""
    tabs = {"all"}
    if row.owed and row.period_start is None:
        tabs.add("done")
    elif row.owed:
        tabs.add("overdue" if row.overdue else "due")
        if row.report is not None and row.report.status == ReportStatus.RETURNED:
            tabs.add("returned")
    return frozenset(tabs)


def work_row_state(row: entry_selectors.WorkRow) -> tuple:
    """Every value targets/_work_row.html reads, directly or through a property: its HTML is
    remembered by these (targets.fragments)."""
    indicator, report, last = row.indicator, row.report, row.last_report
    return (
        indicator.pk, indicator.name, indicator.unit, indicator.target_value, indicator.frequency,
        indicator.target.seq, indicator.target.plan.title, indicator.target.section.title if indicator.target.section_id
        else None, row.status.status, row.status.reasons, row.owed, row.reporter_names, row.share,
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
    # "v4": the shape of _Row and its HTML; entries of an older shape are never read back.
    return {pk: f"work-row:v4:{epoch}:{user.unit_id}:{pk}:{tokens[pk]}:{granted}:{today.isoformat()}:{language}"
            for pk in ids}


def _computed(user, today: date, ids: list[int]) -> dict[int, _Row]:
    rows = entry_selectors.work_rows(user=user, today=today, indicator_ids=ids)
    html = fragments.render_rows("targets/_work_row.html", rows, "row", work_row_state)
    found = {}
    for row, drawn in zip(rows, html):
        target = row.indicator.target
        section_title = target.section.title if target.section_id else None
        found[row.indicator.pk] = _Row(
            place=entry_selectors.placement(row), plan_title=target.plan.title, section_title=section_title,
            html=drawn, tabs=row_tabs(row), light=row.status.status,
            text=" ".join((row.indicator.name, target.name, target.plan.title, section_title or "")).casefold())
    return found


def _rows(*, user, today: date) -> dict[int, _Row]:
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
    return rows


def my_work_todo(*, user, today: date, tab: str = "", query: str = "", plan: int | None = None) -> Todo:
    """One tab of the to-do, searched and filtered: overdue first (longest overdue first), then soonest due.

    Without a tab the first one with something in it opens, so a clerk lands on what is most urgent. The
    supervision tab's items belong to the supervision app, which draws them (supervision_tags.unit_open_items).
    """
    rows = list(_rows(user=user, today=today).values())
    plans = tuple(sorted({(r.place.plan_id, r.plan_title) for r in rows}))
    if plan is not None:
        rows = [r for r in rows if r.place.plan_id == plan]
    words = query.casefold().split()
    if words:
        rows = [r for r in rows if all(w in r.text for w in words)]
    counts = {name: sum(name in r.tabs for r in rows) for name in TABS}
    if tab not in TABS:
        tab = next((name for name in ("overdue", "returned", "due") if counts[name]), "all")
    chosen = [r for r in rows if tab in r.tabs]
    chosen.sort(key=lambda r: (r.place.order[:3], r.place.plan_id,
                               r.place.section_order if r.place.section_order is not None else -1, r.place.order[3:]))
    return Todo(tab=tab, counts=counts, rows=tuple(r.html for r in chosen), plans=plans)
