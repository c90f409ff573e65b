"""Today's lights as rows (CurrentLight): the one writer (the reads are in targets.selectors).

A light changes when something it is judged on is written (a report submitted, approved, returned
or reopened; an indicator, its milestones or allocations; a target's lead units; a plan's
settings; village records behind a derived indicator) or when a day passes that the rule reads (a
due date, the deadline, the start). The services of those writes call `lights_rejudge` in their
own transaction; the nightly task `targets.tasks.lights_rejudge_due` re-judges the rows whose
`valid_until` has come. The judgement itself is `targets.selectors.judge`, the same one a past day
is judged by, and the rule stays in `targets.rules`.

A row is valid on day t when it was judged on or before t and t is before its `valid_until`.
Readers judge afresh, without writing, whatever has no valid row (an indicator created behind the
services' back, or the hour between midnight and the nightly task), so a page is never wrong, only
slower.
"""

from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from . import rules, selectors
from .models import CurrentLight, Indicator, Target

CHUNK = 2000
_FIGURES = ("status", "actual", "completion", "expected", "gap", "reasons")


@transaction.atomic
def lights_rejudge(*, indicator_ids, today: date | None = None) -> int:
    """Judge these indicators (and their township shares) on `today` and store their lights."""
    today = today or timezone.localdate()
    ids = sorted({pk for pk in indicator_ids if pk is not None})
    for start in range(0, len(ids), CHUNK):
        _rejudge_chunk(ids[start : start + CHUNK], today)
    return len(ids)


def _rejudge_chunk(ids: list[int], today: date) -> None:
    # Two writers of one indicator take turns: each deletes and inserts its rows.
    locked = list(Indicator.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    # Read after the lock, in a statement of its own, so the plan and target are as the writer
    # that held the lock left them (a join in the locking query would read them as they were).
    indicators = list(Indicator.objects.filter(pk__in=locked).select_related("target__plan"))
    rows, shares = selectors.judge_with_shares(indicators, today)
    # Only what _same compares and the time of the last change, as plain rows.
    stored = CurrentLight.objects.filter(indicator_id__in=locked).values_list(
        "indicator_id", "unit_id", "changed_at", *_FIGURES, named=True
    )
    old = {(light.indicator_id, light.unit_id): light for light in stored}
    now = timezone.now()
    new = [_light(pk, None, row.status, row.spec, row.derived, today, now) for pk, row in rows.items()]
    new += [
        _light(a.indicator_id, a.unit_id, status, rows[a.indicator_id].spec, False, today, now) for a, status in shares
    ]
    for light in new:
        before = old.get((light.indicator_id, light.unit_id))
        if before is not None and _same(before, light):
            light.changed_at = before.changed_at
    CurrentLight.objects.filter(indicator_id__in=locked).delete()
    CurrentLight.objects.bulk_create(new, batch_size=CHUNK)


def _light(indicator_id, unit_id, status: rules.StatusResult, spec, derived, today, now) -> CurrentLight:
    return CurrentLight(
        indicator_id=indicator_id,
        unit_id=unit_id,
        status=status.status,
        actual=status.actual,
        completion=status.completion,
        expected=status.expected,
        gap=status.gap,
        checkpoint=status.checkpoint,
        reasons=[rules.reason_data(r) for r in status.reasons],
        derived=derived,
        judged_on=today,
        valid_until=rules.next_change(spec, today),
        judged_at=now,
        changed_at=now,
    )


def _same(a, b: CurrentLight) -> bool:
    """Whether a stored light (a row of its _FIGURES) reads as the one just judged."""
    # Decimals compare by value: 50.0000 read back equals the 50.00 just judged.
    return all(getattr(a, name) == getattr(b, name) for name in _FIGURES)


def lights_rejudge_all(*, today: date | None = None, indicators=None) -> int:
    """Fill the table for every indicator (or those given), one transaction per chunk."""
    ids = list(
        (indicators if indicators is not None else Indicator.objects.all()).order_by("pk").values_list("pk", flat=True)
    )
    for start in range(0, len(ids), CHUNK):
        lights_rejudge(indicator_ids=ids[start : start + CHUNK], today=today)
    return len(ids)


def lights_rejudge_due(*, today: date | None = None) -> int:
    """Re-judge the indicators whose light the date alone may have moved by `today`, and those
    without a light; the nightly task."""
    today = today or timezone.localdate()
    stale = Indicator.objects.filter(
        Exists(CurrentLight.objects.filter(indicator_id=OuterRef("pk")).exclude(selectors.valid_light_q(today)))
        | ~Exists(CurrentLight.objects.filter(indicator_id=OuterRef("pk"), unit__isnull=True))
    )
    return lights_rejudge_all(today=today, indicators=stale)


# Which indicators a write bears on ------------------------------------------------------------


def indicators_of_plan(plan) -> list[int]:
    return list(Indicator.objects.filter(target__plan=plan).values_list("pk", flat=True))


def indicators_of_target(target: Target) -> list[int]:
    return list(Indicator.objects.filter(target=target).values_list("pk", flat=True))
