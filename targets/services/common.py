"""What the target services share: who may act (the role checks, by accounts.permissions), who is told,
and how a report is named in a notice."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import Role, User

from .. import rules


def period_words_of(report) -> str:
    """The report's period in a notice as a person reads it: 2026年5月, 2026年第二季度."""
    return rules.period_words(report.period_start, report.indicator.frequency)


def report_link(report) -> str:
    return reverse("report-detail", args=[report.pk])


def unit_reporters(unit):
    return User.objects.filter(unit=unit, role=Role.REPORTER, is_active=True)


def require_office(by, plan) -> None:
    if not permissions.is_office(by):
        raise PermissionDenied(_("Only the supervision office does this."))
    if not permissions.in_region(by, plan.region):
        raise PermissionDenied(_("This plan is outside your region."))


def require_plan_manager(by, plan) -> None:
    if not (permissions.can_manage_plans(by) and permissions.in_region(by, plan.region)):
        raise PermissionDenied(_("Only the supervision office of the plan's region defines its indicators."))


def require_reporter(by, unit) -> None:
    if not permissions.can_report_for(by, unit):
        raise PermissionDenied(_("Only a reporter of %(unit)s enters and submits its progress.") % {"unit": unit.name})
