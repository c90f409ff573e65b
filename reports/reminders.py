"""Chasing the units whose reports are not in: a reminder before the due date, an overdue notice the
day after it, and, after a further delay, word to the supervision office.

Who owes what is `targets.selectors.expected_reporters`; a report counts once submitted or
approved. Each (unit, month, stage) is recorded in ReminderSent under a unique constraint, and the
in-app notification carries a dedupe_key, so running the task twice never sends anything twice.
"""

import logging
from collections import defaultdict
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.selectors import office_of
from accounts.services import audit_record, notify
from regions.models import Unit

# The owed-period rule of the reporting-rate figures, so reminders chase exactly what the rates count.
from supervision.figures import indicators_in
from targets import rules
from targets.choices import ReportStatus
from targets.models import ProgressReport
from targets.selectors import expected_reporters

from . import schedule
from .models import ReminderSent, ReminderStage
from .selectors import schedule_regions, schedule_spec_for

logger = logging.getLogger(__name__)


def missing_reports(*, region, month: date) -> dict[int, list[int]]:
    """Per unit id, the indicator ids whose report for `month` (or its quarter) is owed and not submitted."""
    periods = {}
    for pk, frequency, start, deadline, first in indicators_in(region=region).values_list(
        "pk", "frequency", "start_date", "deadline", "target__plan__first_period"
    ):
        period = rules.owed_period(frequency, start, deadline, month, first)
        if period is not None:
            periods[pk] = period
    submitted = set(
        ProgressReport.objects.filter(
            indicator_id__in=list(periods),
            period_start__in=set(periods.values()),
            status__in=[ReportStatus.SUBMITTED, ReportStatus.APPROVED],
        ).values_list("indicator_id", "unit_id", "period_start")
    )
    missing = defaultdict(list)
    for indicator_id, unit_ids in expected_reporters(periods).items():
        for unit_id in unit_ids:
            if (indicator_id, unit_id, periods[indicator_id]) not in submitted:
                missing[unit_id].append(indicator_id)
    return dict(missing)


def _mail(recipients, subject: str, body: str) -> None:
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return
    try:
        send_mail(subject, body, None, recipients)
    except OSError:  # the in-app notice is already recorded; a mail server outage must not undo it
        logger.exception("reminder mail to %s failed", recipients)


def _unit_notice(unit: Unit, stage: str, month: date, count: int, due: date) -> None:
    values = {"count": count, "month": f"{month.year}年{month.month}月", "due": rules.day_words(due)}
    if stage == ReminderStage.REMIND:
        message = _("Reminder: %(count)s reports for %(month)s are due on %(due)s and not yet submitted.") % values
    else:
        message = _("Overdue: %(count)s reports for %(month)s were due on %(due)s and are still missing.") % values
    users = list(unit.users.filter(is_active=True))
    notify(
        users=users,
        kind=f"report_{stage}",
        message=message,
        link="/",
        dedupe_key=f"reports:{stage}:{month:%Y-%m}:unit{unit.pk}",
        unit=unit,
    )
    transaction.on_commit(lambda: _mail([unit.email] + [u.email for u in users], message, message))


def _office_notice(region, month: date, units: list[Unit], due: date) -> None:
    names = "、".join(u.name for u in units)
    message = _("%(count)s units have not submitted their %(month)s reports (due %(due)s): %(units)s") % {
        "count": len(units),
        "month": f"{month.year}年{month.month}月",
        "due": rules.day_words(due),
        "units": names,
    }
    # The region's own office only (own_only, see accounts.selectors.office_of), not the offices above it or
    # those of every region: an escalation goes out for each region with plans, so a province or
    # all-region office would get one per county each month; the county office chases its units.
    office = list(office_of(region, own_only=True))
    notify(
        users=office,
        kind="report_escalate",
        message=message[:500],
        link="/",
        dedupe_key=f"reports:escalate:{month:%Y-%m}:region{region.pk}",
    )
    transaction.on_commit(lambda: _mail([u.email for u in office], message[:200], message))


def _send_stage(region, stage: str, month: date, due: date) -> int:
    missing = missing_reports(region=region, month=month)
    units = Unit.objects.filter(pk__in=list(missing)).order_by("kind", "name")
    chased = []
    with transaction.atomic():
        already = set(
            ReminderSent.objects.filter(unit__in=units, month=month, stage=stage).values_list("unit_id", flat=True)
        )
        for unit in units:
            if unit.pk in already:
                continue
            ReminderSent.objects.create(unit=unit, month=month, stage=stage, missing=len(missing[unit.pk]))
            chased.append(unit)
            if stage != ReminderStage.ESCALATE:
                _unit_notice(unit, stage, month, len(missing[unit.pk]), due)
        if stage == ReminderStage.ESCALATE and chased:
            _office_notice(region, month, chased, due)
        if chased:
            audit_record(
                action=f"reminder.{stage}",
                object_type="reports.ReminderSent",
                object_id=f"{region.code}:{month:%Y-%m}",
                object_repr=str(region),
                new={"units": [u.pk for u in chased]},
            )
    return len(chased)


def reminders_send(*, today: date) -> int:
    """Send whatever reminders fall on `today` in every region; returns how many units were chased."""
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for region in schedule_regions():
            spec = schedule_spec_for(region)
            for stage, month in schedule.reminders_due_on(spec, today):
                sent += _send_stage(region, stage, month, schedule.month_due_date(spec, month))
    return sent
