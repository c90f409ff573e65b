"""The plan page's body: the sections, each visible target's card and the light counts.

The lights come from the table of current lights, read with the indicators as plain rows
(targets.selectors.plan_rows). Each section's cards, with the hundreds of indicator rows under
them, are written here into one string (`_CardWriter`), every value escaped once, with figures,
light badges, links and labels worked out once per page or per row, so the template engine walks
the sections only and the page runs the same queries and template loads whatever its number of
targets; nothing is cached.
"""

from datetime import date

from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext, pgettext

from core.escaping import escape, id_url
from regions.selectors import township_units_of

from .. import numbers, selectors
from ..choices import Light
from ..selectors import entry as entry_selectors
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
    leads, co_units = selectors.unit_names_in_table_order(plan.pk)
    rows = selectors.plan_rows(ids, as_of)
    statuses = {row["pk"]: row["status"] for target_rows in rows.values() for row in target_rows}
    own = entry_selectors.unit_own_lights(unit=user.unit, statuses=statuses, as_of=as_of) if user.is_reporter else {}
    for target in targets:
        target["lead_units"], target["co_units"] = leads.get(target["pk"], []), co_units.get(target["pk"], [])
        target["rows"] = rows.get(target["pk"], [])
    townships = _townships(plan, targets)
    writer = _CardWriter(own, townships)
    # Safe: _CardWriter escapes every value it writes.
    sections = [
        {"section": b.section, "depth": b.depth, "cards": mark_safe("".join(writer.card(t) for t in b.targets))}
        for b in outline
    ]
    return {
        "sections": sections,
        "counts": _tally(statuses.values()),
        "shown_total": len(statuses),
        "own_counts": _tally(light.status for light in own.values()) if user.is_reporter else None,
        "own_total": len(own),
        # The office sees what nobody answers for; a unit's reporter sees only its own targets anyway.
        "unowned": [] if user.is_reporter else _unowned(targets, leads),
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


# A target's card and one indicator row of its table, as the template wrote them: the whitespace
# too, so that the page reads the same.
_CARD = (
    '\n    <article class="card target" id="target-{pk}">'
    "\n      <h3>{seq}. {name}</h3>"
    '\n      <p class="content">{content}</p>'
    '\n      <div class="units"><strong>{lead_label}</strong> {leads}'
    "\n        {co}</div>"
    "\n      {table}"
    "\n    </article>\n    "
)
_TABLE = (
    '\n      <table class="indicators">'
    '\n        <thead><tr><th>{l_indicator}</th><th class="num">{l_target}</th><th class="num">{l_latest}</th>'
    "<th>{l_light}</th><th>{l_why}</th></tr></thead>"
    "\n        <tbody>"
    "\n        {rows}"
    "\n        </tbody>"
    "\n      </table>"
    "\n      "
)
_ROW = (
    '\n          <tr class="indicator" data-indicator="{pk}" data-status="{status}">'
    '\n            <td data-label="{l_indicator}"><div>{name}{own}</div></td>'
    '\n            <td class="num" data-label="{l_target}">{target}</td>'
    '\n            <td class="num" data-label="{l_latest}">{actual}</td>'
    '\n            <td data-label="{l_light}">{badge}</td>'
    '\n            <td class="reasons" data-label="{l_why}"><div>{reasons}</div></td>'
    "\n          </tr>\n        "
)


class _CardWriter:
    """Writes a target's card (`_CARD`) with its indicator rows (`_ROW`), every value escaped;
    labels, badges, links and the townships' line made once per page."""

    def __init__(self, own: dict, townships: list[str]):
        self.own = own
        self.links = {False: id_url("supervision:indicator"), True: id_url("villages:derived-rule")}
        self.badges = {light: light_badge(light) for light in Light.values}
        labels = {
            "l_indicator": gettext("Indicator"),
            "l_target": gettext("Target"),
            "l_latest": gettext("Latest"),
            "l_light": gettext("Light"),
            "l_why": gettext("Why"),
        }
        self.labels = {key: escape(text) for key, text in labels.items()}
        self.thead = _TABLE.replace("{rows}", "{{rows}}").format(**self.labels)
        # The labels written into the row once for the page, so that each row formats its values only.
        fields = ("pk", "status", "name", "own", "target", "actual", "badge", "reasons")
        self.row_format = _ROW.format(**self.labels, **{f: f"{{{f}}}" for f in fields}).format
        self.lead_label = escape(gettext("Lead")) + escape(pgettext("between a label and its value", ": "))
        self.co_label = escape(gettext("Co-units")) + escape(pgettext("between a label and its value", ": "))
        self.every = self._every(townships)
        self.computed = escape(gettext("Computed from the villages' approved income records"))
        self.from_villages = escape(gettext("from village records"))
        self.own_label = escape(gettext("Your unit reports this"))
        self.share_label = escape(gettext("your share"))

    def _every(self, townships: list[str]) -> str:
        """What 各街道乡镇 reads on a card: with the townships' names to open when the page has them."""
        if not townships:
            return escape(gettext("every township"))
        n = len(townships)
        label = escape(ngettext("every township (%(n)s)", "every township (%(n)s)", n) % {"n": n})
        sep = escape(pgettext("between a label and its value", ": "))
        names = "、".join(escape(name) for name in townships)
        return f'<details class="townships"><summary>{label}</summary>{sep}{names}</details>'

    def card(self, target: dict) -> str:
        rows = "".join(self.row(row) for row in target["rows"])
        return _CARD.format(
            pk=target["pk"],
            seq=target["seq"],
            name=escape(target["name"]),
            content=escape(target["content"]),
            lead_label=self.lead_label,
            leads="、".join(escape(name) for name in target["lead_units"]) or "—",
            co=self._co(target),
            table=self.thead.format(rows=rows) if target["rows"] else "",
        )

    def _co(self, target: dict) -> str:
        co, every = target["co_units"], target["all_townships"]
        if not co and not every:
            return ""
        names = "、".join(escape(name) for name in co)
        if every:
            names += ("、" if co else "") + self.every
        return f"<br><strong>{self.co_label}</strong> {names}"

    def row(self, row: dict) -> str:
        status, unit = row["status"], row["unit"]
        return self.row_format(
            pk=row["pk"],
            status=escape(status.status),
            name=self._name(row),
            own=self._own(self.own.get(row["pk"]), unit),
            target=escape(numbers.shown(row["target_value"], unit)),
            actual="—" if status.actual is None else escape(numbers.shown(status.actual, unit)),
            badge=self._badge(status.status),
            reasons="".join(f"<div>{escape(reason)}</div>" for reason in status.reasons),
        )

    def _name(self, row: dict) -> str:
        href, name = escape(self.links[bool(row["derived"])](row["pk"])), escape(row["name"])
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
            shown = escape(numbers.shown(light.share, unit))
            share = f" · {self.share_label} {shown} {self._badge(light.status.status)}"
        status = escape(light.status.status)
        return f'<div class="own" data-own-status="{status}">{self.own_label}{share}</div>'

    def _badge(self, status: str) -> str:
        return self.badges.get(status) or light_badge(status)
