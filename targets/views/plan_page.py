"""The plan page's body: the sections, each visible target's card and the light counts.

The lights come from the table of current lights, read with the indicators as plain rows
(targets.selectors.plan_rows). The cards are drawn in one loop of targets/plan_detail.html; the
hundreds of indicator rows under them are written here, each escaped once into one string
(`_row_html`), with figures, light badges, links and labels worked out once per page or per row,
so the template engine walks the cards only and the page runs the same queries and template loads
whatever its number of targets; nothing is cached.
"""

from datetime import date

from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from regions.selectors import township_units_of

from .. import entry_selectors, numbers, selectors
from ..choices import Light
from ..templatetags.platform_tags import light_badge


def plan_body(*, plan, user, as_of: date) -> dict:
    """The sections of the plan page with each visible target's card, and the light counts.

    `counts` are the lights of every indicator listed, as the county stands on them. A unit's
    reporter also gets `own_counts`: the indicators the unit reports, each on the light it is judged
    by (its own share's for a township), marked on their rows too; a township sees every task marked
    各街道乡镇, so the county's counts alone read as if the whole plan's red lights were its own.
    The office also gets `unowned`, the listed indicators nobody answers for.
    """
    outline = selectors.plan_outline(plan=plan, user=user)
    targets = [target for block in outline for target in block.targets]
    ids = [target["pk"] for target in targets]
    leads, co_units = selectors.unit_names_in_table_order(ids)
    rows = selectors.plan_rows(ids, as_of)
    statuses = {row["pk"]: row["status"] for target_rows in rows.values() for row in target_rows}
    own = entry_selectors.unit_own_lights(unit=user.unit, statuses=statuses, as_of=as_of) if user.is_reporter else {}
    draw = _RowWriter(own)
    for target in targets:
        target["lead_units"], target["co_units"] = leads.get(target["pk"], []), co_units.get(target["pk"], [])
        target["rows"] = rows.get(target["pk"], [])
        # Safe: _RowWriter escapes every value it writes.
        target["rows_html"] = mark_safe("".join(draw(row) for row in target["rows"]))
    return {
        "sections": [{"section": b.section, "depth": b.depth, "targets": b.targets} for b in outline],
        "counts": _tally(statuses.values()),
        "shown_total": len(statuses),
        "own_counts": _tally(light.status for light in own.values()) if user.is_reporter else None,
        "own_total": len(own),
        # The office sees what nobody answers for; a unit's reporter sees only its own targets anyway.
        "unowned": [] if user.is_reporter else _unowned(targets, leads),
        "townships": _townships(plan, targets),
    }


def _unowned(targets, leads) -> list[dict]:
    """The listed indicators nobody answers for (selectors.unowned_q: no township share, no lead
    unit), in plan order, as the _unowned.html list reads them."""
    return [
        {"pk": row["pk"], "name": row["name"], "target": f"{t['seq']}. {t['name']}", "target_id": t["pk"]}
        for t in targets
        if t["pk"] not in leads
        for row in t["rows"]
        if not row["allocated"]
    ]


def _townships(plan, targets) -> list[str]:
    """The townships 各街道乡镇 stands for on this plan's cards, named once for the page."""
    if not any(target["all_townships"] for target in targets):
        return []
    return list(township_units_of(plan.region).values_list("name", flat=True))


def _tally(statuses) -> dict[str, int]:
    counts = dict.fromkeys(Light.values, 0)
    for status in statuses:
        counts[status.status] += 1
    return counts


def _link(name: str):
    """A function giving the page of an indicator id under URL `name`, reversed once for the page
    (a `<int:pk>` route: the id is its only variable part)."""
    prefix, _sep, suffix = reverse(name, args=[0]).rpartition("/0/")
    return lambda pk: f"{prefix}/{pk}/{suffix}"


# One indicator row of a card's table, as the template wrote it: the whitespace too, so that the
# page reads the same.
_ROW = (
    '\n          <tr class="indicator" data-indicator="{pk}" data-status="{status}">'
    '\n            <td data-label="{l_indicator}"><div>{name}{own}</div></td>'
    '\n            <td class="num" data-label="{l_target}">{target}</td>'
    '\n            <td class="num" data-label="{l_latest}">{actual}</td>'
    '\n            <td data-label="{l_light}">{badge}</td>'
    '\n            <td class="reasons" data-label="{l_why}"><div>{reasons}</div></td>'
    "\n          </tr>\n        "
)


class _RowWriter:
    """Writes a row's HTML (`_ROW`), every value escaped; labels, badges and links made once per page."""

    def __init__(self, own: dict):
        self.own = own
        self.links = {False: _link("supervision:indicator"), True: _link("villages:derived-rule")}
        self.badges = {light: light_badge(light) for light in Light.values}
        labels = {
            "l_indicator": gettext("Indicator"),
            "l_target": gettext("Target"),
            "l_latest": gettext("Latest"),
            "l_light": gettext("Light"),
            "l_why": gettext("Why"),
        }
        self.labels = {key: conditional_escape(text) for key, text in labels.items()}
        self.computed = conditional_escape(gettext("Computed from the villages' approved income records"))
        self.from_villages = conditional_escape(gettext("from village records"))
        self.own_label = conditional_escape(gettext("Your unit reports this"))
        self.share_label = conditional_escape(gettext("your share"))

    def __call__(self, row: dict) -> str:
        status, unit = row["status"], row["unit"]
        return _ROW.format(
            pk=row["pk"],
            status=conditional_escape(status.status),
            name=self._name(row),
            own=self._own(self.own.get(row["pk"]), unit),
            target=conditional_escape(numbers.shown(row["target_value"], unit)),
            actual="—" if status.actual is None else conditional_escape(numbers.shown(status.actual, unit)),
            badge=self._badge(status.status),
            reasons="".join(f"<div>{conditional_escape(reason)}</div>" for reason in status.reasons),
            **self.labels,
        )

    def _name(self, row: dict) -> str:
        href, name = conditional_escape(self.links[bool(row["derived"])](row["pk"])), conditional_escape(row["name"])
        if row["derived"]:
            return (
                f'<a href="{href}" title="{self.computed}">{name}</a> '
                f'<span class="muted derived">{self.from_villages}</span>'
            )
        return f'<a href="{href}" class="indicator-link">{name}</a>'

    def _own(self, light: entry_selectors.OwnLight | None, unit: str) -> str:
        """What a row says of the reporter's own part: the unit reports it, on its share when it has one."""
        if light is None:
            return ""
        share = ""
        if light.share is not None:
            shown = conditional_escape(numbers.shown(light.share, unit))
            share = f" · {self.share_label} {shown} {self._badge(light.status.status)}"
        status = conditional_escape(light.status.status)
        return f'<div class="own" data-own-status="{status}">{self.own_label}{share}</div>'

    def _badge(self, status: str) -> str:
        return self.badges.get(status) or light_badge(status)
