"""A cache of indicator lights, so that the pages read at the month-end rush do not re-judge every
indicator on every request.

A light depends on the indicator, its milestones, allocations and plan, the reports on it (or the
village records behind a derived indicator), the day it is judged on and the reader's language (the
reasons are sentences). Entries are keyed by indicator, day and language, under a token per
indicator: `forget` drops the token when an object is written and again once the transaction has
committed, so the next reader gets a new token and judges afresh, and a reader that judged on the
old data wrote under the old token, which nobody reads any more. Entries also expire after
LIGHT_CACHE_SECONDS (default 300), which bounds the staleness of a write that reached the database
behind the application's back. Tokens live in the cache, so several server processes must share one
(REDIS_CACHE_URL, as docker-compose.yml sets): a local-memory cache is right for one process only.

Whole plans have tokens too, dropped with any of their indicators' (`forget`): the home page's
light counts per plan are cached under them (`read_plan_counts`), so a province's ninety plans are
not counted from 30,000 lights on every visit.

The tokens are dropped by model signals (`connect`; a target's lead and co-units too), the one
place that sees every write to these models: the services, the admin, imports and restores alike.
This is cache bookkeeping, not domain logic: nothing else hangs on these signals. `forget_all`
serves the writes that bypass signals (`bulk_create` in the demo loader, a restore).
"""
import logging
import uuid
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import translation

from core.outages import CACHE_UNAVAILABLE

_EPOCH_KEY = "light:epoch"
logger = logging.getLogger(__name__)


def quietly(call, default=None):
    """Run a cache operation; when the cache server is away, carry on without it.

    The cache only spares work: without it lights are judged and pages drawn afresh, and the
    month-end rush goes on. A token that could not be dropped meanwhile lives at most
    LIGHT_CACHE_SECONDS (a restarted Redis, which keeps nothing on disk, has none left anyway).
    """
    try:
        return call()
    except CACHE_UNAVAILABLE as exc:
        logger.warning("cache unavailable, carrying on without it: %s", exc)
        return default


def _tokens(keys: list[str]) -> dict[str, str] | None:
    """The current token under each key, creating the missing ones (add: the first writer wins);
    None when the cache cannot be read, and then nothing may be read or stored under a token."""
    found = quietly(lambda: cache.get_many(keys))
    if found is None:
        return None
    missing = [k for k in keys if k not in found]
    for key in missing:
        quietly(lambda key=key: cache.add(key, uuid.uuid4().hex, timeout=None))
    if missing:
        more = quietly(lambda: cache.get_many(missing))
        if more is None or len(more) < len(missing):
            return None
        found.update(more)
    return found


def tokens(ids, *, kind: str = "token") -> tuple[str, dict[int, str]] | None:
    """The epoch and each indicator's current token: whatever is cached under them is up to date.
    Other caches of what a page shows about an indicator (targets.views.plan_page) key on them too.
    With kind="plan-token", the same for plans: a plan's token is dropped with any of its
    indicators'. None when the cache is unavailable: do without it."""
    token_keys = {pk: f"light:{kind}:{pk}" for pk in ids}
    found = _tokens([_EPOCH_KEY, *token_keys.values()])
    if found is None:
        return None
    return found[_EPOCH_KEY], {pk: found[key] for pk, key in token_keys.items()}


def read(ids, as_of: date) -> tuple[dict[int, tuple], dict[int, str] | None]:
    """The cached (status, series, derived) of these indicators on `as_of`, and the keys to store
    the others under (None when the cache is unavailable)."""
    language = translation.get_language() or ""
    # "v2": entries are (status, series, derived); entries of an older shape are never read back.
    return _read(ids, "token",
                 lambda epoch, pk, token: f"light:v2:{epoch}:{pk}:{token}:{as_of.isoformat()}:{language}")


def _read(ids, kind: str, key_for) -> tuple[dict[int, object], dict[int, str] | None]:
    """What is cached for each id under its current token (`kind`), and every id's key."""
    current = tokens(ids, kind=kind)
    if current is None:
        return {}, None
    epoch, by_id = current
    keys = {pk: key_for(epoch, pk, token) for pk, token in by_id.items()}
    cached = quietly(lambda: cache.get_many(list(keys.values())), {})
    return {pk: cached[key] for pk, key in keys.items() if key in cached}, keys


def store(entries: dict) -> None:
    if entries:
        quietly(lambda: cache.set_many(entries, timeout=settings.LIGHT_CACHE_SECONDS))


def read_plan_counts(plan_ids, as_of: date) -> tuple[dict[int, dict], dict[int, str] | None]:
    """The cached light counts of whole plans on `as_of` (every indicator of the plan), and the
    keys to store the others under (None when the cache is unavailable). A province's home page
    lists ninety plans of 30,000 indicators: this spares reading 30,000 lights to count them."""
    return _read(plan_ids, "plan-token",
                 lambda epoch, pk, token: f"light:plan-counts:{epoch}:{pk}:{token}:{as_of.isoformat()}")


def forget(indicator_ids, plan_ids=()) -> None:
    """Judge these indicators afresh, and count their plans afresh (`plan_ids` adds plans whose
    indicators can no longer be looked up, e.g. after a delete): at once, and again once the
    current transaction commits (a reader between the two may have cached what it saw before)."""
    from .models import Indicator

    ids = {pk for pk in indicator_ids if pk is not None}
    plans = set(plan_ids) | (set(Indicator.objects.filter(pk__in=ids).values_list("target__plan_id", flat=True))
                             if ids else set())
    keys = [f"light:token:{pk}" for pk in ids] + [f"light:plan-token:{pk}" for pk in plans if pk is not None]
    if keys:
        quietly(lambda: cache.delete_many(keys))
        transaction.on_commit(lambda: quietly(lambda: cache.delete_many(keys)))


def forget_all() -> None:
    quietly(lambda: cache.delete(_EPOCH_KEY))
    transaction.on_commit(lambda: quietly(lambda: cache.delete(_EPOCH_KEY)))


# Which indicators a saved or deleted object bears on --------------------------------------------

def _by_indicator_field(instance):
    return [instance.indicator_id]


def _indicator(instance):
    return [instance.pk]


def _plan(instance):
    from .models import Indicator

    return list(Indicator.objects.filter(target__plan_id=instance.pk).values_list("pk", flat=True))


def _target(instance):
    return list(instance.indicators.values_list("pk", flat=True)) if instance.pk else []


def _own_plan(instance) -> list[int]:
    """The plan an indicator, target or plan belongs to, read from the instance itself: after a
    delete its indicators can no longer be looked up."""
    from .models import Indicator, Plan, Target

    if isinstance(instance, Plan):
        return [instance.pk]
    if isinstance(instance, Target):
        return [instance.plan_id]
    if isinstance(instance, Indicator):
        return list(Target.objects.filter(pk=instance.target_id).values_list("plan_id", flat=True))
    return []


def _everything(instance):
    return None  # a unit renamed shows on many pages: everything is judged afresh (rare)


def _derived(instance):
    # Village records feed the derived indicators; there are few, so all of them are judged afresh.
    from villages.models import DerivedRule

    return list(DerivedRule.objects.values_list("indicator_id", flat=True))


def connect() -> None:
    """Called from TargetsConfig.ready()."""
    from regions.models import Unit
    from villages import models as village_models

    from . import models

    watched = [
        (models.ProgressReport, _by_indicator_field), (models.Milestone, _by_indicator_field),
        (models.Allocation, _by_indicator_field), (models.Indicator, _indicator), (models.Target, _target),
        (models.Plan, _plan), (village_models.DerivedRule, _by_indicator_field),
        (village_models.IncomeRecord, _derived), (village_models.VillageProfile, _derived),
        (village_models.CountyEconomySettings, _derived), (Unit, _everything),
    ]
    for model, affected in watched:
        def receiver(sender, instance, affected=affected, raw=False, **kwargs):
            # A fixture being loaded (raw) is a restore, which calls forget_all once at the end.
            ids = None if raw else affected(instance)
            forget_all() if ids is None else forget(ids, _own_plan(instance))

        post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"light-cache-{model.__name__}")
        post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"light-cache-del-{model.__name__}")

    def moving(sender, instance, raw=False, **kwargs):
        # An indicator moved to another target, or a target to another plan: the plan it leaves
        # must be counted afresh too (post_save only sees the plan it joins).
        if raw or instance.pk is None:
            return
        if sender is models.Indicator:
            left = models.Indicator.objects.filter(pk=instance.pk).values_list("target__plan_id", flat=True)
        else:
            left = models.Target.objects.filter(pk=instance.pk).values_list("plan_id", flat=True)
        forget((), list(left))

    for model in (models.Indicator, models.Target):
        pre_save.connect(moving, sender=model, weak=False, dispatch_uid=f"light-cache-move-{model.__name__}")

    def units_changed(sender, instance, action, reverse, pk_set, **kwargs):
        # Lead and co-units decide who owes a report and who sees a target (My work, plan cards).
        if action.startswith("post_"):
            targets = pk_set if reverse else [instance.pk]
            forget(models.Indicator.objects.filter(target__in=list(targets or [])).values_list("pk", flat=True))

    for through in (models.Target.lead_units.through, models.Target.co_units.through):
        m2m_changed.connect(units_changed, sender=through, weak=False, dispatch_uid=f"light-cache-{through.__name__}")
