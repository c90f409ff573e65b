"""My work as a to-do: the unit's rows (targets/_work_row.html) by tab, searched and filtered.

The lights come from the table of current lights (targets.selectors.indicator_rows); nothing is
cached.
"""

from dataclasses import dataclass
from datetime import date

from django.template.loader import get_template
from django.utils.translation import gettext, pgettext

from ..choices import ReportStatus
from ..selectors import entry as entry_selectors

# The to-do's tabs, in the order shown; a row can sit in several (a returned report can be overdue).
TABS = ("overdue", "due", "returned", "supervision", "instructions", "done", "all")


@dataclass(frozen=True)
class _Row:
    """What the page needs of a row: where it goes, its group's titles, its tabs, what a search matches,
    and the row itself (drawn only when its tab is the one shown)."""

    place: entry_selectors.Placement
    plan_title: str
    section_title: str | None
    row: entry_selectors.WorkRow
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


def row_labels() -> dict[str, str]:
    """The words every row of targets/_work_row.html shows, translated once for a page's rows rather
    than by each row (fifteen translations a row were a quarter of a row's drawing)."""
    return {
        "colon": pgettext("between a label and its value", ": "),
        "lp": pgettext("opening bracket", " ("),
        "rp": pgettext("closing bracket", ")"),
        "comma": pgettext("between two clauses", ", "),
        "l_target": gettext("Target"),
        "l_share": gettext("our share"),
        "l_last": gettext("Last value"),
        "l_period": gettext("Period"),
        "l_due": gettext("Due"),
        "l_status": gettext("Status"),
        "l_returned_why": gettext("Reason for returning"),
        "l_open": gettext("Open report"),
        "l_enter": gettext("Enter progress"),
        "l_by": gettext("Reported by"),
        "l_ask": gettext("Ask for a late entry"),
        "l_uptodate": gettext("Up to date: nothing to report until the next period starts."),
    }


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


def _rows(*, user, today: date) -> list[_Row]:
    rows = []
    for row in entry_selectors.work_rows(user=user, today=today):
        target = row.indicator.target
        section_title = target.section.title if target.section_id else None
        rows.append(
            _Row(
                place=entry_selectors.placement(row),
                plan_title=target.plan.title,
                section_title=section_title,
                row=row,
                tabs=row_tabs(row),
                light=row.status.status,
                text=" ".join((row.indicator.name, target.name, target.plan.title, section_title or "")).casefold(),
            )
        )
    return rows


def my_work_todo(*, user, today: date, tab: str = "", query: str = "", plan: int | None = None) -> Todo:
    """One tab of the to-do, searched and filtered: overdue first (longest overdue first), then soonest due.

    Without a tab the first one with something in it opens, so a clerk lands on what is most urgent. The
    supervision tab's items belong to the supervision app, which draws them (supervision_tags.unit_open_items), and
    the 待落实批示 tab's to the instructions app (instruction_tags.unit_pending_instructions).
    """
    rows = _rows(user=user, today=today)
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
    chosen.sort(
        key=lambda r: (
            r.place.order[:3],
            r.place.plan_id,
            r.place.section_order if r.place.section_order is not None else -1,
            r.place.order[3:],
        )
    )
    return Todo(
        tab=tab,
        counts=counts,
        plans=plans,
        rows=_drawn([r.row for r in chosen]),
    )


def _drawn(rows: list[entry_selectors.WorkRow]) -> tuple[str, ...]:
    template, labels = get_template("targets/_work_row.html"), row_labels()
    return tuple(template.render({"row": row, **labels}) for row in rows)
