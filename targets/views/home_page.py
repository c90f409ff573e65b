"""The home page's plan cards, one per visible plan with its light counts.

A province's home lists some ninety plans; through the template engine (an include of the counts
per card, a filter per light) the cards took three quarters of the page's own time. They are
written here into one string, every value escaped once and the labels worked out once per page, so
the template draws the heading and the legend only.
"""

from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from core.escaping import escape, id_url
from core.periods import day_words

from ..choices import Light

_CARD = (
    '\n  <li class="card">'
    '\n    <a class="plan-title" href="{href}">{title}</a>'
    '\n    <div class="muted">{doc_number} · {issuer} · {region} · {start} – {end}</div>'
    "\n    {counts}"
    "\n  </li>\n"
)
# A reporter reads its own unit's counts beside the county's, as on the plan page.
_OWN = (
    '<div class="counts-line own-counts">{own_label} {own}</div>'
    '\n    <div class="counts-line county-counts">{county_label} {county}</div>'
)


def plan_cards(*, plans, summaries: dict, own_summaries: dict | None) -> str:
    """The `<li>` card of each plan (selectors.home_plans), in the order given: `summaries` are the plan's light counts
    (selectors.plan_light_counts), `own_summaries` the reporter's own beside them (None for others)."""
    pills = {
        light: (f'<span class="light light-{light}" title="{escape(label)}">', "</span>")
        for light, label in Light.choices
    }
    plan_url = id_url("plan-detail")

    def counts(c: dict) -> str:
        return (
            '<span class="counts">'
            + "".join(f"{pills[light][0]}{n}{pills[light][1]}" for light, n in c.items())
            + "</span>"
        )

    days = {}  # most plans run over the same years: each date in words once

    def day(d) -> str:
        if d not in days:
            days[d] = escape(day_words(d))
        return days[d]

    cards = []
    for plan in plans:
        region = escape(plan.region_name)
        shown = counts(summaries[plan.pk])
        if own_summaries is not None:
            own = own_summaries[plan.pk]
            own_label = ngettext(
                "Your unit reports %(n)s indicator:", "Your unit reports %(n)s indicators:", own["total"]
            ) % {"n": own["total"]}
            county_label = ngettext(
                "Lights of %(area)s, %(n)s indicator:", "Lights of %(area)s, %(n)s indicators:", own["county_total"]
            ) % {"area": plan.region_name, "n": own["county_total"]}
            shown = _OWN.format(
                own_label=escape(own_label),
                own=counts(own["counts"]),
                county_label=escape(county_label),
                county=shown,
            )
        cards.append(
            _CARD.format(
                href=plan_url(plan.pk),
                title=escape(plan.title),
                doc_number=escape(plan.doc_number),
                issuer=escape(plan.issuer),
                region=region,
                start=day(plan.start_date),
                end=day(plan.end_date),
                counts=shown,
            )
        )
    # Safe: every value above is escaped.
    return mark_safe("".join(cards))
