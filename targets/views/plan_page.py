"""The plan page's body: the sections, each visible target's card and the light counts.

The lights come from the table of current lights (targets.selectors.indicator_rows). The cards
are drawn in one loop of targets/plan_detail.html, no template per card, from plain dicts whose
figures, light badges and links are worked out here once per row, so the template reads one
level deep and the page runs the same queries and template loads whatever its number of targets;
nothing is cached.
"""

from datetime import date

from django.urls import reverse

from .. import numbers, selectors
from ..choices import Light
from ..templatetags.platform_tags import light_badge


def plan_body(*, plan, user, as_of: date) -> dict:
    """The sections of the plan page with each visible target's card, and the light counts."""
    outline = selectors.plan_outline(plan=plan, user=user)
    blocks = selectors.target_blocks([pk for block in outline for pk in block.targets], as_of)
    counts = dict.fromkeys(Light.values, 0)
    for block in blocks.values():
        for row in block.rows:
            counts[row.status.status] += 1
    links = {False: _link("supervision:indicator"), True: _link("villages:derived-rule")}
    sections = [
        {
            "section": block.section,
            "depth": block.depth,
            "targets": [_card(blocks[pk], links) for pk in block.targets],
        }
        for block in outline
    ]
    # The office sees what nobody answers for; a unit's reporter sees only its own targets anyway.
    unowned = (
        []
        if user.is_reporter
        else selectors.unowned_indicators(selectors.indicators_visible_to(user).filter(target__plan=plan))
    )
    return {"sections": sections, "counts": counts, "unowned": unowned}


def _link(name: str):
    """A function giving the page of an indicator id under URL `name`, reversed once for the page
    (a `<int:pk>` route: the id is its only variable part)."""
    prefix, _sep, suffix = reverse(name, args=[0]).rpartition("/0/")
    return lambda pk: f"{prefix}/{pk}/{suffix}"


def _card(block: selectors.TargetBlock, links) -> dict:
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
            }
            for row in block.rows
        ],
    }
