"""Writes of the supervision office: month-end snapshots and supervision items (督办 → 销号)."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.selectors import office_of
from accounts.services import audit_record, notify, snapshot
from core.periods import month_end, previous_month_end
from core.versions import check_version
from targets import rules
from targets import selectors as target_selectors
from targets.choices import Light
from targets.models import Allocation, CurrentLight, Indicator, Target

from .models import MonthCount, StatusSnapshot, SupervisionItem, SupervisionStatus

# Indicators are frozen in chunks so that a province (30,000 indicators, millions of reports) never
# holds every report in memory at once.
FREEZE_CHUNK = 2000


@transaction.atomic
def snapshot_freeze(*, as_of: date, indicators=None, by=None, evaluated_on: date | None = None) -> int:
    """Freeze every indicator's light at `as_of` (a month end); running it again replaces that month's rows.

    Each indicator gets its own row (unit empty) and, when it is allocated to townships, one row per
    township share judged against that township's allocated target. `evaluated_on` (default: as_of)
    is the day the lights are evaluated at: a day before the month end freezes the month under way
    provisionally (a bulletin's record), and the month-end run later replaces it. Returns the number
    of indicators frozen. Called by the beat task on the 1st, the office's button (POST) and the
    report generator, never by a page being read. `by` None is the system (the beat task, the
    `freeze_snapshots` command, the report generator); a person must be one who may freeze.

    The stored lights that held on `evaluated_on` are copied in the database (one INSERT … SELECT,
    reasons as their codes); only the other indicators are judged, in chunks.
    """
    if by is not None and not permissions.can_freeze_snapshots(by):
        raise NotAllowed(_("Only the supervision office freezes a month's lights."))
    evaluated_on = evaluated_on or as_of
    indicators = indicators if indicators is not None else Indicator.objects.all()
    scope = indicators.order_by().values("pk")
    count = Indicator.objects.filter(pk__in=scope).count()
    StatusSnapshot.objects.filter(indicator_id__in=scope, as_of=as_of).delete()
    held = _held_lights(scope, evaluated_on)
    _copy_lights(held, as_of, evaluated_on)
    ids = list(Indicator.objects.filter(pk__in=scope).exclude(pk__in=held).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), FREEZE_CHUNK):
        _freeze_chunk(ids[start : start + FREEZE_CHUNK], as_of, evaluated_on)
    _count_month(as_of, indicators)
    audit_record(
        action="snapshot.freeze",
        by=by,
        object_type="supervision.StatusSnapshot",
        object_id=as_of.isoformat(),
        new={"as_of": as_of, "evaluated_on": evaluated_on, "indicators": count},
    )
    return count


def _count_month(as_of: date, indicators) -> None:
    """Count the lights of each plan the freeze touched, from all of that plan's snapshots of the month."""
    plans = list(
        Indicator.objects.filter(pk__in=indicators.order_by().values("pk"))
        .order_by()
        .values_list("target__plan_id", flat=True)
        .distinct()
    )
    MonthCount.objects.filter(as_of=as_of, plan_id__in=plans).delete()
    counted = (
        StatusSnapshot.objects.filter(as_of=as_of, unit__isnull=True, indicator__target__plan_id__in=plans)
        .order_by()
        .values_list("indicator__target__plan_id", "status")
        .annotate(n=Count("id"))
    )
    MonthCount.objects.bulk_create(
        MonthCount(as_of=as_of, plan_id=plan, status=status, count=n) for plan, status, n in counted
    )


def _held_lights(scope, evaluated_on: date):
    """The indicators whose stored light still held on `evaluated_on`: judged on or before it, valid
    after it, and not written since (every write that moves a light judges it again, on the day of
    the write). A fresh judgement on that day gives these lights, so the freeze copies them."""
    return CurrentLight.objects.filter(
        target_selectors.valid_light_q(evaluated_on), indicator_id__in=scope, unit__isnull=True
    ).values("indicator_id")


def _copy_lights(held, as_of: date, evaluated_on: date) -> None:
    """The held lights (own and shares) as snapshots of `as_of`, copied in the database."""
    select, params = (
        CurrentLight.objects.filter(indicator_id__in=held)
        .values_list(
            "indicator_id",
            "unit_id",
            "status",
            "actual",
            "completion",
            "expected",
            "gap",
            "reasons",
        )
        .order_by()
        .query.sql_with_params()
    )
    columns = ["indicator_id", "unit_id", "status", "actual", "completion", "expected", "gap", "reasons"]
    table = StatusSnapshot._meta.db_table
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}, as_of, evaluated_on, taken_at) "
        f"SELECT copied.*, %s, %s, %s FROM ({select}) copied"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [as_of, evaluated_on, timezone.now(), *params])


def _freeze_chunk(ids: list[int], as_of: date, evaluated_on: date) -> None:
    """Judge on `evaluated_on` the indicators without a held light, and store them as snapshots."""
    indicators, statuses, shares = _evaluate(ids, evaluated_on)
    snapshots = [_snapshot(pk, None, status, as_of, evaluated_on) for pk, status in statuses.items()]
    snapshots += [_snapshot(a.indicator_id, a.unit_id, status, as_of, evaluated_on) for a, status in shares]
    StatusSnapshot.objects.bulk_create(snapshots, batch_size=2000)


def _evaluate(ids: list[int], evaluated_on: date):
    """The lights of these indicators on `evaluated_on` (`targets.selectors.indicator_rows`, the same
    figures the pages show), and of their township shares."""
    rows = target_selectors.indicator_rows(Indicator.objects.filter(pk__in=ids), evaluated_on)
    indicators = {pk: row.indicator for pk, row in rows.items()}
    statuses = {pk: row.status for pk, row in rows.items()}
    return indicators, statuses, target_selectors.share_statuses(indicators, evaluated_on)


def _snapshot(indicator_id, unit_id, status: rules.StatusResult, as_of, evaluated_on) -> StatusSnapshot:
    return StatusSnapshot(
        indicator_id=indicator_id,
        unit_id=unit_id,
        as_of=as_of,
        evaluated_on=evaluated_on,
        status=status.status,
        actual=status.actual,
        completion=status.completion,
        expected=status.expected,
        gap=status.gap,
        reasons=[rules.reason_data(r) for r in status.reasons],
    )


# Supervision items (督办 → 答复 → 销号) -----------------------------------------------------------


class SupervisionError(ValidationError):
    """A step the item's state does not allow, or input it cannot take; the message says why (API: 400)."""


class NotAllowed(PermissionDenied):
    """The user's role or unit may not take this step (API: 403)."""


ITEM_FIELDS = ["status", "notice", "reply_due", "measures", "promised_date", "office_comment", "version"]


def _check_version(item, version):
    """Optimistic lock: the version the user read must still be the item's (API: 412 with the item now)."""
    check_version(
        item,
        version,
        _("This item was changed by someone else (version %(version)s, you had %(had)s); reload it and try again."),
    )


def _lock(item):
    return type(item).objects.select_for_update().get(pk=item.pk)


def _notify_unit(item, kind, message):
    from accounts.models import User

    notify(
        users=User.objects.filter(unit=item.unit, is_active=True),
        kind=kind,
        message=message,
        link=item_link(item),
        unit=item.unit,
    )


def _notify_office(item, kind, message):
    """The office of the item's region: the region of its indicator's plan, whose office closes it out."""
    notify(users=office_of(item.indicator.target.plan.region), kind=kind, message=message, link=item_link(item))


def answerable_units(indicator):
    """The units a notice on this indicator may go to: its lead units, co-units and allocated townships."""
    from regions.models import Unit

    # Semi-joins, not joins: an OR across the three joins multiplied the rows and, with DISTINCT,
    # took 24 ms for a task led by one unit and allocated to 12 townships.
    return Unit.objects.filter(
        Q(pk__in=Target.lead_units.through.objects.filter(target_id=indicator.target_id).values("unit_id"))
        | Q(pk__in=Target.co_units.through.objects.filter(target_id=indicator.target_id).values("unit_id"))
        | Q(pk__in=Allocation.objects.filter(indicator_id=indicator.pk).values("unit_id"))
    ).order_by("kind", "name")


def item_link(item) -> str:
    from django.urls import reverse

    return reverse("supervision:item-detail", args=[item.pk])


@transaction.atomic
def supervision_item_issue(*, indicator, unit, notice: str, reply_due: date, by):
    """The office issues a supervision notice (督办) on a red or amber indicator to one of its units."""
    from django.utils import timezone

    from targets.selectors import indicator_status

    if not permissions.can_supervise(by) or not permissions.in_region(by, indicator.target.plan.region):
        raise NotAllowed(_("Only the supervision office issues supervision notices."))
    if not notice.strip():
        raise SupervisionError(_("Write the notice: what the unit must explain or put right."))
    if reply_due < timezone.localdate():
        raise SupervisionError(_("The reply date %(date)s is in the past.") % {"date": rules.day_words(reply_due)})
    if not answerable_units(indicator).filter(pk=unit.pk).exists():
        raise SupervisionError(_("%(unit)s is not responsible for this indicator.") % {"unit": unit.name})
    light = indicator_status(indicator, timezone.localdate()).status
    if light not in (Light.RED, Light.AMBER):
        raise SupervisionError(
            _("Only a red or amber indicator gets a supervision notice (it is %(light)s now).")
            % {"light": Light(light).label}
        )
    item = SupervisionItem.objects.create(
        indicator=indicator,
        unit=unit,
        notice=notice.strip(),
        reply_due=reply_due,
        issued_by=by,
        light_when_issued=light,
    )
    audit_record(action="supervision.issue", by=by, obj=item, new=snapshot(item, ["indicator", "unit", *ITEM_FIELDS]))
    _notify_unit(
        item,
        "supervision.issued",
        _("Supervision notice on %(indicator)s: reply by %(date)s")
        % {"indicator": indicator.name, "date": rules.day_words(reply_due)},
    )
    return item


@transaction.atomic
def supervision_item_reply(*, item, measures: str, promised_date: date, by, version=None):
    """The unit answers with its measures and the date it will have put things right."""
    item = _lock(item)
    _check_version(item, version)
    if not permissions.can_answer_supervision(by, item):
        raise NotAllowed(_("Only %(unit)s answers this notice.") % {"unit": item.unit.name})
    if item.status not in (SupervisionStatus.OPEN, SupervisionStatus.RETURNED):
        raise SupervisionError(
            _("This item is %(status)s; it cannot be answered now.") % {"status": item.get_status_display()}
        )
    if not measures.strip():
        raise SupervisionError(_("Describe the measures taken or planned."))
    if promised_date is None:
        raise SupervisionError(_("Give the date the work will be completed."))
    old = snapshot(item, ITEM_FIELDS)
    from django.utils import timezone

    item.measures, item.promised_date = measures.strip(), promised_date
    item.status, item.replied_by, item.replied_at = SupervisionStatus.ANSWERED, by, timezone.now()
    item.version += 1
    item.save()
    audit_record(action="supervision.reply", by=by, obj=item, old=old, new=snapshot(item, ITEM_FIELDS))
    _notify_office(
        item,
        "supervision.answered",
        _("%(unit)s answered the notice on %(indicator)s") % {"unit": item.unit.name, "indicator": item.indicator.name},
    )
    return item


def _office_decision(item, *, by, version, comment, status, action, kind, message, reply_due=None):
    from django.utils import timezone

    item = _lock(item)
    _check_version(item, version)
    if not permissions.can_supervise(by) or not permissions.in_region(by, item.indicator.target.plan.region):
        raise NotAllowed(_("Only the supervision office closes out or sends back an item."))
    if item.status != SupervisionStatus.ANSWERED:
        raise SupervisionError(
            _("Only an answered item can be closed out or sent back (this one is %(status)s).")
            % {"status": item.get_status_display()}
        )
    old = snapshot(item, ITEM_FIELDS)
    item.status, item.office_comment, item.version = status, comment.strip(), item.version + 1
    if reply_due is not None:
        item.reply_due = reply_due
    if status == SupervisionStatus.CLOSED:
        item.closed_by, item.closed_at = by, timezone.now()
    item.save()
    audit_record(action=action, by=by, obj=item, old=old, new=snapshot(item, ITEM_FIELDS))
    _notify_unit(item, kind, message % {"indicator": item.indicator.name})
    return item


@transaction.atomic
def supervision_item_close(*, item, by, comment: str = "", version=None):
    """The office closes the item out (销号): the answer is accepted."""
    return _office_decision(
        item,
        by=by,
        version=version,
        comment=comment,
        status=SupervisionStatus.CLOSED,
        action="supervision.close",
        kind="supervision.closed",
        message=_("Supervision item on %(indicator)s closed out"),
    )


@transaction.atomic
def supervision_item_send_back(*, item, by, comment: str, reply_due: date | None = None, version=None):
    """The office sends the answer back with a comment; the unit must answer again (by a new date if given)."""
    if not comment.strip():
        raise SupervisionError(_("Say why the answer is sent back."))
    return _office_decision(
        item,
        by=by,
        version=version,
        comment=comment,
        status=SupervisionStatus.RETURNED,
        action="supervision.send_back",
        kind="supervision.returned",
        message=_("Your answer on %(indicator)s was sent back"),
        reply_due=reply_due,
    )


def snapshot_history(*, last: date, months: int, today: date, indicators=None, by=None):
    """Freeze `months` month ends up to `last`, oldest first; the month under way is evaluated on `today`.

    Yields (month end, indicators frozen) as it goes, so a command can report progress.
    """
    ends = [month_end(last)]
    while len(ends) < months:
        ends.append(previous_month_end(ends[-1]))
    for end in reversed(ends):
        evaluated_on = min(end, today)
        yield end, snapshot_freeze(as_of=end, indicators=indicators, by=by, evaluated_on=evaluated_on)


def list_exported(*, by, kind: str, filters: dict, rows: int, fmt: str = "xlsx") -> None:
    """Audit an export of a list (flagged, league, items): who took which figures out, filtered how, as which
    file (xlsx or docx)."""
    audit_record(
        action="supervision.export",
        by=by,
        object_type="regions.Region",
        object_id=filters.get("region") or "",
        new={"list": kind, "format": fmt, "filters": filters, "rows": rows},
    )
