"""Who may do what: every role check of the platform, as predicates over a user, in one place.

Views ask these to decide what to show and whether to answer 403; the services ask them again
before they write (defence in depth: a service called by a command, a task, a bulk action or a new
view refuses a user who may not act, with `PermissionDenied`, which the API answers as 403).

The roles (accounts.models.Role): a unit reporter enters its unit's figures; the supervision office
(督查室) oversees a region and reviews; a leader reads, writes instructions (批示) and signs off reports (签发); an administrator
runs the platform and may do what the office does; an auditor reads the audit log. A user with a
region sees that region and everything in it; one without a region sees every region.

The predicates read only the user and the object given (duck-typed: an indicator is anything with
`.target.plan.region`), so accounts imports no app above it; and they import no model of accounts, so the
model's own role properties (`User.is_reporter`) ask them.
"""

from __future__ import annotations

from django.conf import settings

from regions.models import UnitKind
from regions.selectors import region_prefix

from . import roles
from .roles import AUDIT_READERS, OFFICE_ROLES, READ_ONLY_ROLES, REGION_READERS


def _role(user) -> str | None:
    return getattr(user, "role", None) if getattr(user, "is_authenticated", False) else None


def is_office(user) -> bool:
    """The supervision office, or an administrator acting for it."""
    return _role(user) in OFFICE_ROLES


def is_leader(user) -> bool:
    return _role(user) == roles.LEADER


def is_admin(user) -> bool:
    return _role(user) == roles.ADMIN


def is_reporter(user) -> bool:
    return _role(user) == roles.REPORTER


def is_unit_reporter(user) -> bool:
    """A reporter attached to a unit (the database requires one; a half-made user has none)."""
    return is_reporter(user) and user.unit_id is not None


def needs_second_factor(user) -> bool:
    """The roles OTP_REQUIRED_ROLES names must log in with a second factor."""
    return _role(user) in settings.OTP_REQUIRED_ROLES


def reads_audit_log(user) -> bool:
    return _role(user) in AUDIT_READERS


def is_read_only(user) -> bool:
    """Auditors and leaders change nothing outside their own account (a leader writes 批示 only)."""
    return _role(user) in READ_ONLY_ROLES


def sees_whole_region(user) -> bool:
    """Office, leaders, administrators and auditors read everything in their region: dashboards, reports."""
    return _role(user) in REGION_READERS


def in_region(user, region) -> bool:
    """Whether `region` lies inside the user's region (every region, for a user without one)."""
    if user.region_id is None:
        return True
    return region is not None and region.code.startswith(region_prefix(user.region))


def oversees(user, region) -> bool:
    """The office of this region (or of one that holds it): it reviews, grants and imports there."""
    return is_office(user) and in_region(user, region)


def can_report_for(user, unit) -> bool:
    """A reporter enters, changes and submits the figures of its own unit only."""
    return is_reporter(user) and unit is not None and user.unit_id == unit.pk


def can_review(user, indicator) -> bool:
    """Approve, return or reopen reports on an indicator: the office of the plan's region."""
    return oversees(user, indicator.target.plan.region)


def can_manage_plans(user) -> bool:
    """Define and change indicators and plans."""
    return is_office(user)


def can_import_plans(user, region) -> bool:
    return oversees(user, region)


def can_request_reports(user) -> bool:
    """Ask for a bulletin or dispatch report, set the document frame."""
    return is_office(user)


def can_sign_report(user, region) -> bool:
    """Sign off (签发) a generated report, or return it to the office: a leader of its region."""
    return is_leader(user) and in_region(user, region)


def can_close_instruction(user, instruction) -> bool:
    """Close an instruction (批示) every unit has answered: the leader who wrote it, or the office of its region."""
    return (is_leader(user) and instruction.author_id == user.pk) or oversees(user, instruction.region)


def can_read_generated_report(user, report) -> bool:
    """Open a generated bulletin or dispatch report: the office, leaders, administrators and auditors of its region."""
    return sees_whole_region(user) and in_region(user, report.region)


def can_manage_accounts(user) -> bool:
    """Create accounts and change their roles, units and regions."""
    return is_admin(user)


def can_manage_account(user, account) -> bool:
    """An administrator of a region manages only the accounts inside it: a region or a unit's county
    within the administrator's own (an account with neither reaches every region, so only an
    administrator without a region gives it)."""
    if not can_manage_accounts(user):
        return False
    if user.region_id is None:
        return True
    if account.region_id is not None:
        return in_region(user, account.region)
    if account.unit_id is not None:
        return in_region(user, account.unit.county)
    return False


def can_open_export(user, job) -> bool:
    """An export belongs to the person who asked for it; an administrator may open any."""
    return getattr(user, "pk", None) == job.created_by_id or is_admin(user)


def can_freeze_snapshots(user) -> bool:
    """Freeze a month's lights on demand (the month-end task and the report generator freeze as the system)."""
    return is_office(user)


def can_supervise(user) -> bool:
    """Issue supervision notices (督办), close them out or send them back."""
    return is_office(user)


def can_answer_supervision(user, item) -> bool:
    return is_reporter(user) and user.unit_id == item.unit_id


def can_enter_village_income(user, village) -> bool:
    """Only the reporter of the village's own township enters its income."""
    unit = user.unit if is_reporter(user) else None
    return unit is not None and unit.kind == UnitKind.TOWNSHIP and unit.township_id == village.parent_id


def can_import_village_income(user) -> bool:
    unit = user.unit if is_reporter(user) else None
    return unit is not None and unit.kind == UnitKind.TOWNSHIP


def can_review_income(user) -> bool:
    return is_office(user)


def can_import_regions(user) -> bool:
    return is_office(user)


def can_see_report(user, report) -> bool:
    """A reporter sees its own unit's reports; every other role the reports of plans in its region."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if is_reporter(user):
        return user.unit_id is not None and user.unit_id == report.unit_id
    return in_region(user, report.indicator.target.plan.region)


def can_comment_on_report(user, report) -> bool:
    """The office and the report's unit talk in its thread; leaders and auditors only read it."""
    return not is_read_only(user) and can_see_report(user, report)


def can_resend_delivery(user, delivery) -> bool:
    """The office sends a failed notice again to a unit of its region."""
    return is_office(user) and in_region(user, delivery.channel.unit.county)
