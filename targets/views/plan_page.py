"""The plan page's body: the sections, each visible target's card and the light counts.

The lights come from the table of current lights (targets.selectors.indicator_rows). The cards
are drawn in one loop of targets/plan_detail.html, no template per card, from plain dicts whose
figures, light badges and links are worked out here once per row, so the template reads one
level deep and the page runs the same queries and template loads whatever its number of targets;
nothing is cached.
"""

from datetime import date

from django.urls import reverse

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
    """
    outline = selectors.plan_outline(plan=plan, user=user)
    blocks = selectors.target_blocks([pk for block in outline for pk in block.targets], as_of)
    rows = {row.indicator.pk: row for block in blocks.values() for row in block.rows}
    counts = _tally(row.status for row in rows.values())
    own = entry_selectors.unit_own_lights(unit=user.unit, rows=rows, as_of=as_of) if user.is_reporter else {}
    links = {False: _link("supervision:indicator"), True: _link("villages:derived-rule")}
    sections = [
        {
            "section": block.section,
            "depth": block.depth,
            "targets": [_card(blocks[pk], links, own) for pk in block.targets],
        }
        for block in outline
    ]
    # The office sees what nobody answers for; a unit's reporter sees only its own targets anyway.
    unowned = (
        []
        if user.is_reporter
        else selectors.unowned_indicators(selectors.indicators_visible_to(user).filter(target__plan=plan))
    )
    return {
        "sections": sections,
        "counts": counts,
        "shown_total": len(rows),
        "own_counts": _tally(light.status for light in own.values()) if user.is_reporter else None,
        "own_total": len(own),
        "unowned": unowned,
        "townships": _townships(plan, blocks),
    }


def _townships(plan, blocks) -> list[str]:
    """The townships 各街道乡镇 stands for on this plan's cards, named once for the page."""
    if not any(block.target.all_townships for block in blocks.values()):
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


def _card(block: selectors.TargetBlock, links, own: dict) -> dict:
    target = block.target
    return {
        "pk": target.pk,
        "seq": target.seq,
        "name": target.name,
        "content": target.content,
        "all_townships": target.all_townships,
        "lead_units": [u.name for u in block.lead_units],
        "co_units": [u.name for u in block.co_units],
        "rows": [
            {
                "pk": row.indicator.pk,
                "name": row.indicator.name,
                "derived": row.derived,
                "href": links[bool(row.derived)](row.indicator.pk),
                "status": row.status.status,
                "badge": light_badge(row.status.status),
                "target": numbers.shown(row.indicator.target_value, row.indicator.unit),
                "actual": None if row.status.actual is None else numbers.shown(row.status.actual, row.indicator.unit),
                "reasons": row.status.reasons,
                "own": _own(own.get(row.indicator.pk), row.indicator.unit),
            }
            for row in block.rows
        ],
    }


def _own(light: entry_selectors.OwnLight | None, unit: str) -> dict | None:
    """What a row says of the reporter's own part: the unit reports it, on its share when it has one."""
    if light is None:
        return None
    return {
        "share": None if light.share is None else numbers.shown(light.share, unit),
        "badge": light_badge(light.status.status) if light.share is not None else None,
        "status": light.status.status,
    }
