"""The plan page's body: each visible target's card (targets/_plan_card.html) and the light counts.

The lights come from the table of current lights (targets.selectors.indicator_rows), so drawing
the cards is the page's main cost; nothing is cached.
"""

from datetime import date

from django.template.loader import render_to_string

from .. import selectors
from ..choices import Light


def plan_body(*, plan, user, as_of: date) -> dict:
    """The sections of the plan page with each visible target's rendered card, and the light counts."""
    outline = selectors.plan_outline(plan=plan, user=user)
    blocks = selectors.target_blocks([pk for block in outline for pk in block.targets], as_of)
    counts = dict.fromkeys(Light.values, 0)
    for block in blocks.values():
        for row in block.rows:
            counts[row.status.status] += 1
    sections = [
        {
            "section": block.section,
            "depth": block.depth,
            "cards": [render_to_string("targets/_plan_card.html", {"t": blocks[pk]}) for pk in block.targets],
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
