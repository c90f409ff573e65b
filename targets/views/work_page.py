"""My work as a to-do: the unit's rows by tab, searched and filtered.

The lights come from the table of current lights (targets.selectors.indicator_rows); nothing is
cached. The rows of the tab shown are written here (`_RowWriter`), every value escaped once, with
the labels, badges and links worked out once per page: through a template each row took some
0.4 ms of CPU, a third of the page's drawing.
"""

from dataclasses import dataclass
from datetime import date

from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext, pgettext

from core.escaping import escape, id_url
from core.templatetags.core_dates import day_words

from .. import numbers
from ..choices import Light, ReportStatus
from ..selectors import entry as entry_selectors
from ..templatetags.platform_tags import light_badge, period_words

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
    """The words every row shows, translated once for a page's rows rather than by each row."""
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


def _drawn(rows: list[entry_selectors.WorkRow]) -> tuple[SafeString, ...]:
    writer = _RowWriter()
    # Safe: _RowWriter escapes every value it writes.
    return tuple(mark_safe(writer.row(row)) for row in rows)


class _RowWriter:
    """Writes one My work row (an `<li>`), every value escaped; labels, badges and links made once per page."""

    def __init__(self):
        self.labels = {key: escape(text) for key, text in row_labels().items()}
        self.badges = {light: light_badge(light) for light in Light.values}
        self.indicator_link = id_url("supervision:indicator")
        self.ask_link = id_url("late-entry-ask")

    def row(self, row: entry_selectors.WorkRow) -> str:
        indicator, labels = row.indicator, self.labels
        pk, status = indicator.pk, row.status.status
        classes = (" overdue" if row.overdue else "") + ("" if row.owed else " not-owed")
        reasons = "".join(f"<div>{escape(reason)}</div>" for reason in row.status.reasons)
        return (
            f'\n<li class="work-row{classes}" data-indicator="{pk}" data-period="{escape(row.period)}"'
            f' data-status="{escape(status)}">'
            f'\n  <div class="work-title"><a href="{self.indicator_link(pk)}" class="indicator-link">'
            f"{escape(indicator.name)}</a> {self._badge(status)}</div>"
            f'\n  <div class="muted work-where">{self._where(indicator.target)}</div>'
            f'\n  <div class="reasons">{reasons}</div>'
            '\n  <div class="work-facts">'
            f"\n    <span>{labels['l_target']}{labels['colon']}{self._target(row)}</span>"
            f"\n    <span>{labels['l_last']}{labels['colon']}{self._last(row)}</span>"
            "\n  </div>"
            f"\n  {self._owed(row) if row.owed else self._others(row)}"
            "\n</li>\n"
        )

    def _badge(self, status: str) -> str:
        return self.badges.get(status) or light_badge(status)

    def _where(self, target) -> str:
        where = escape(truncatechars(target.plan.title, 36))
        if target.section_id:
            where += f" · {escape(truncatechars(target.section.title, 24))}"
        task = gettext("task %(seq)s") % {"seq": escape(target.seq)}
        return f"{where} · {task}"

    def _target(self, row) -> str:
        unit, labels = row.indicator.unit, self.labels
        if row.share is not None:
            return f"{escape(numbers.shown(row.share, unit))}{labels['lp']}{labels['l_share']}{labels['rp']}"
        return escape(numbers.shown(row.indicator.target_value, unit))

    def _last(self, row) -> str:
        report, labels = row.last_report, self.labels
        if not report:
            return "—"
        value = escape(numbers.shown(report.value, row.indicator.unit))
        period = escape(period_words(report.period))
        return f"{value}{labels['lp']}{period}{labels['comma']}{escape(report.get_status_display())}{labels['rp']}"

    def _owed(self, row) -> str:
        labels = self.labels
        if row.period_start:
            due = self._due(row)
        else:
            due = f'\n    <div class="muted">{labels["l_uptodate"]}</div>\n    '
        missed = self._missed(row) if row.missed_locked else ""
        return f"\n    {due}\n    {missed}\n  "

    def _due(self, row) -> str:
        labels, report, colon = self.labels, row.report, self.labels["colon"]
        if row.overdue:
            n = row.days_overdue
            days = ngettext("%(n)s day overdue", "%(n)s days overdue", n) % {"n": n}
            days = f'<strong class="error">{days}</strong>'
        else:
            n = row.days_left
            days = ngettext("%(n)s day left", "%(n)s days left", n) % {"n": n}
        status = f"<span>{labels['l_status']}{colon}{escape(report.get_status_display())}</span>" if report else ""
        returned = ""
        if report and report.status == ReportStatus.RETURNED and report.review_comment:
            returned = f'<div class="return-reason error">{labels["l_returned_why"]}{colon}{escape(report.review_comment)}</div>'
        href = escape(reverse("report-entry", args=[row.indicator.pk, row.period]))
        return (
            '\n    <div class="work-due">'
            f"\n      <span>{labels['l_period']}{colon}<strong>{escape(period_words(row.period))}</strong></span>"
            f"\n      <span>{labels['l_due']}{colon}{escape(day_words(row.due))}</span>"
            f'\n      <span class="days-left" data-days-left="{row.days_left}">{days}</span>'
            f"\n      {status}"
            "\n    </div>"
            f"\n    {returned}"
            f'\n    <a class="button primary entry-link" href="{href}" data-entry="{row.indicator.pk}">'
            f"{labels['l_open'] if report else labels['l_enter']}</a>"
            "\n    "
        )

    def _missed(self, row) -> str:
        n, latest = len(row.missed_labels), escape(row.missed_words)
        if n > 3:
            words = ngettext(
                "Missed and locked: %(n)s period, latest %(latest)s",
                "Missed and locked: %(n)s periods, latest %(latest)s",
                n,
            ) % {"n": n, "latest": latest}
        else:
            words = gettext("Missed and locked: %(periods)s") % {"periods": latest}
        pk = row.indicator.pk
        return (
            f'<div class="muted missed">{words} <a class="button small ask-late" href="{self.ask_link(pk)}"'
            f' data-ask="{pk}">{self.labels["l_ask"]}</a></div>'
        )

    def _others(self, row) -> str:
        names = "、".join(escape(name) for name in row.reporter_names) or "—"
        return f'\n    <div class="muted">{self.labels["l_by"]}{self.labels["colon"]}{names}</div>\n  '
