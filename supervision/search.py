"""Global search: plans, tasks, indicators, units, villages and reports, each through the selector that decides
what the user may see, so a reporter finds only its own unit's things. An app above supervision adds its own kind
with `register_source` (the instructions app: leaders' instructions), which supervision cannot import."""

from dataclasses import dataclass

from django.urls import reverse

from regions.models import Unit
from targets import selectors as target_selectors
from targets.selectors import entry as entry_selectors
from villages.selectors import villages_visible_to

LIMIT = 10

# kind -> source(user=, matching=, limit=) -> list[Hit]; `matching(qs, *fields)` keeps the rows holding every word.
_SOURCES = {}


def register_source(kind: str, source) -> None:
    """Add a kind of hit to the search; the source scopes its rows to what the user may see."""
    _SOURCES[kind] = source


@dataclass(frozen=True)
class Hit:
    title: str
    detail: str
    url: str


def _units(user):
    if user.is_reporter:
        return Unit.objects.filter(pk=user.unit_id)
    return entry_selectors.units_in_region(user)


def search(*, user, query: str) -> dict[str, list[Hit]]:
    """Up to LIMIT hits of each kind whose name holds every word of `query`; empty kinds are left out."""
    words = query.split()
    if not words:
        return {}

    def matching(qs, *fields):
        from django.db.models import Q

        for word in words:
            condition = Q()
            for name in fields:
                condition |= Q(**{f"{name}__icontains": word})
            qs = qs.filter(condition)
        return qs

    plans = matching(target_selectors.plans_visible_to(user), "title", "doc_number").order_by("-start_date")
    targets = matching(target_selectors.targets_visible_to(user).select_related("plan"), "name", "content")
    indicators = matching(target_selectors.indicators_visible_to(user).select_related("target"), "name")
    reports = matching(
        target_selectors.reports_visible_to(user).select_related("indicator", "unit"), "indicator__name", "unit__name"
    ).order_by("-period_start", "-id")
    found = {
        "plans": [Hit(p.title, p.doc_number, reverse("plan-detail", args=[p.pk])) for p in plans[:LIMIT]],
        "targets": [
            Hit(f"{t.seq}. {t.name}", t.plan.title, reverse("plan-detail", args=[t.plan_id]) + f"#target-{t.pk}")
            for t in targets.order_by("plan_id", "seq")[:LIMIT]
        ],
        "indicators": [
            Hit(i.name, i.target.name, reverse("supervision:indicator", args=[i.pk]))
            for i in indicators.order_by("target__seq", "order")[:LIMIT]
        ],
        "units": [
            Hit(u.name, "", reverse("supervision:search") + f"?q={u.name}")
            for u in matching(_units(user), "name")[:LIMIT]
        ],
        "villages": [
            Hit(v.name, v.code, reverse("villages:village-detail", args=[v.code]))
            for v in matching(villages_visible_to(user), "name", "code").order_by("code")[:LIMIT]
        ],
        "reports": [
            Hit(
                f"{r.indicator.name} · {r.period}",
                f"{r.unit.name} · {r.get_status_display()}",
                reverse("report-detail", args=[r.pk]),
            )
            for r in reports[:LIMIT]
        ],
    }
    for kind, source in _SOURCES.items():
        found[kind] = source(user=user, matching=matching, limit=LIMIT)
    return {kind: hits for kind, hits in found.items() if hits}
