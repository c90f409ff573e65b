"""The plan page's body, rendered target by target and cached.

A plan has hundreds of indicator rows, and drawing them was most of the page's cost. Each target's
card is cached under a key made of everything it shows: the target's own fields and units, the
tokens of its indicators in `light_cache` (dropped by every write that bears on an indicator or its
light), the day and the language. A report submitted on one target re-draws that card alone.
Section headings are drawn afresh on every request, so editing a section needs no bookkeeping.
"""
import hashlib
from collections import defaultdict
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation

from .. import light_cache, selectors
from ..choices import Light
from ..models import Indicator, Target


def _card_keys(target_ids: list[int], as_of: date) -> dict[int, str]:
    indicators = defaultdict(list)
    for target_id, pk in Indicator.objects.filter(target__in=target_ids).values_list("target_id", "pk"):
        indicators[target_id].append(pk)
    current = light_cache.tokens([pk for pks in indicators.values() for pk in pks])
    if current is None:
        return {}  # no cache: every card is drawn afresh
    epoch, tokens = current
    units = defaultdict(list)
    for through, kind in ((Target.lead_units.through, "lead"), (Target.co_units.through, "co")):
        for target_id, unit_id in through.objects.filter(target__in=target_ids).values_list("target_id", "unit_id"):
            units[target_id].append((kind, unit_id))
    fields = Target.objects.filter(pk__in=target_ids).values_list("pk", "seq", "name", "content", "all_townships")
    language = translation.get_language() or ""
    keys = {}
    for pk, *shown in fields:
        state = repr((shown, sorted(units[pk]), sorted((i, tokens[i]) for i in indicators[pk])))
        digest = hashlib.sha256(state.encode()).hexdigest()[:32]
        keys[pk] = f"plan-card:{epoch}:{pk}:{digest}:{as_of.isoformat()}:{language}"
    return keys


def plan_body(*, plan, user, as_of: date) -> dict:
    """The sections of the plan page with each visible target's rendered card, and the light counts."""
    outline = selectors.plan_outline(plan=plan, user=user)
    target_ids = [pk for block in outline for pk in block.targets]
    keys = _card_keys(target_ids, as_of)
    cached = light_cache.quietly(lambda: cache.get_many(list(keys.values())), {}) if keys else {}
    cards = {pk: cached[key] for pk, key in keys.items() if key in cached}
    missing = [pk for pk in target_ids if pk not in cards]
    if missing:
        drawn = {pk: _draw(block) for pk, block in selectors.target_blocks(missing, as_of).items()}
        entries = {keys[pk]: card for pk, card in drawn.items() if pk in keys}
        light_cache.quietly(lambda: cache.set_many(entries, timeout=settings.LIGHT_CACHE_SECONDS))
        cards.update(drawn)
    counts = dict.fromkeys(Light.values, 0)
    sections = []
    for block in outline:
        sections.append({"section": block.section, "depth": block.depth,
                         "cards": [cards[pk][0] for pk in block.targets]})
        for pk in block.targets:
            for light, n in cards[pk][1].items():
                counts[light] += n
    return {"sections": sections, "counts": counts}


def _draw(block: selectors.TargetBlock) -> tuple[str, dict[str, int]]:
    counts = defaultdict(int)
    for row in block.rows:
        counts[row.status.status] += 1
    return render_to_string("targets/_plan_card.html", {"t": block}), dict(counts)
