"""Writes of indicators and of a task's responsible units: checked against the plan, audited, and the
lights they move re-judged in the same transaction."""

import hashlib
import json
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.services import audit_record, snapshot
from core.versions import check_version

from .. import lights, rules
from ..models import (
    Indicator,
    Milestone,
)
from .common import require_plan_manager

INDICATOR_FIELDS = ["target", "name", "kind", "unit", "baseline", "target_value", "start_date", "deadline", "frequency"]


@transaction.atomic
def target_units_set(*, target, leads, co_units=()) -> None:
    """The target's lead and co-units, kept in the order the responsibility table lists them.

    The first lead is the unit that owes an un-allocated indicator's report
    (selectors.expected_reporters reads the through rows in insertion order), so the rows are written
    in list order: a many-to-many `set()` or `add()` of several units inserts them in no set order.
    """
    leads = list(dict.fromkeys(leads))
    shared = [unit for unit in dict.fromkeys(co_units) if unit not in leads]
    for manager, units in ((target.lead_units, leads), (target.co_units, shared)):
        manager.clear()
        manager.through.objects.bulk_create([manager.through(target=target, unit=unit) for unit in units])


def check_indicator_bounds(indicator: Indicator, milestones=()) -> None:
    """Refuse an indicator whose figures its unit cannot have (a share in percent above 100), field by field,
    in words naming the indicator: every path that writes an indicator (API, plan import, admin) asks this."""
    errors: dict[str, list[str]] = {}
    found = rules.indicator_bound_errors(
        name=indicator.name,
        unit=indicator.unit,
        baseline=indicator.baseline,
        target=indicator.target_value,
        milestones=milestones,
    )
    for field, message in found:
        errors.setdefault(field, []).append(message)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def indicator_create(*, target, by, milestones=(), **fields) -> Indicator:
    require_plan_manager(by, target.plan)
    indicator = Indicator(target=target, **fields)
    indicator.full_clean()
    check_indicator_bounds(indicator, milestones)
    indicator.save()
    for when, value in milestones:
        milestone = Milestone(indicator=indicator, date=when, value=value)
        milestone.full_clean()
        milestone.save()
    new = snapshot(indicator, INDICATOR_FIELDS) | {"milestones": [[d, v] for d, v in milestones]}
    audit_record(action="indicator.create", by=by, obj=indicator, new=new)
    lights.lights_rejudge(indicator_ids=[indicator.pk])
    return indicator


def indicator_fingerprint(indicator: Indicator) -> str:
    """A hash of what a client can change on an indicator (its milestones included): its ETag.

    Indicators carry no version number; the hash of their editable fields serves the same purpose,
    and decimals are written with four places so that a value read back from the database hashes
    as it did before it was saved.
    """
    values = {
        name: _canonical(getattr(indicator, Indicator._meta.get_field(name).attname))
        for name in INDICATOR_FIELDS + ["source_phrase"]
    }
    values["milestones"] = [[m.date.isoformat(), _canonical(m.value)] for m in indicator.milestones.all()]
    payload = json.dumps(values, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:20]


def _canonical(value):
    return f"{value:.4f}" if isinstance(value, Decimal) else value


@transaction.atomic
def indicator_update(*, indicator, by, expected_fingerprint: str, milestones=None, **changes) -> Indicator:
    """Change an indicator (and replace its milestones when given) unless someone changed it since it was read."""
    current = Indicator.objects.select_for_update().get(pk=indicator.pk)
    require_plan_manager(by, current.target.plan)
    check_version(
        current,
        expected_fingerprint,
        _("This indicator was changed by someone else; reload it and apply your changes again."),
        changes=snapshot(current, INDICATOR_FIELDS),
        required=True,
        fingerprint=indicator_fingerprint(current),
    )
    if "target" in changes and changes.pop("target").pk != current.target_id:
        raise ValidationError({"target": _("An indicator cannot be moved to another target.")})
    old = snapshot(current, INDICATOR_FIELDS) | {"milestones": [[m.date, m.value] for m in current.milestones.all()]}
    for name, value in changes.items():
        setattr(current, name, value)
    current.full_clean()
    check_indicator_bounds(
        current, milestones if milestones is not None else [(m.date, m.value) for m in current.milestones.all()]
    )
    current.save()
    if milestones is not None:
        current.milestones.all().delete()
        for when, value in milestones:
            milestone = Milestone(indicator=current, date=when, value=value)
            milestone.full_clean()
            milestone.save()
    fresh = Indicator.objects.prefetch_related("milestones").get(pk=current.pk)
    new = snapshot(fresh, INDICATOR_FIELDS) | {"milestones": [[m.date, m.value] for m in fresh.milestones.all()]}
    audit_record(action="indicator.update", by=by, obj=fresh, old=old, new=new)
    lights.lights_rejudge(indicator_ids=[fresh.pk])
    return fresh
