"""Separation of duties: administrator, auditor and supervision office are different people.

Roles are one field, so nobody holds two of them; the flags Django's admin uses (staff, superuser)
must agree with the role, otherwise an auditor with `is_superuser` would be an administrator in
disguise. Enforced twice: `User.clean()` for forms with a readable message, and check constraints
in the database for every other path.
"""

from django.db.models import Q

# Plain strings (the values of models.Role) so models.py, and accounts.permissions which the model's
# role properties ask, can import this module without importing a model.
REPORTER, SUPERVISOR, LEADER, ADMIN, AUDITOR = "reporter", "supervisor", "leader", "admin", "auditor"

# Only administrators enter Django's admin site; only they may be superusers.
STAFF_ROLES = (ADMIN,)
AUDIT_READERS = (AUDITOR,)

STAFF_MATCHES_ROLE = Q(is_staff=False) | Q(role__in=STAFF_ROLES)
SUPERUSER_MATCHES_ROLE = Q(is_superuser=False) | Q(role__in=STAFF_ROLES)


def role_flag_errors(user) -> dict:
    from django.utils.translation import gettext as _

    errors = {}
    if user.is_superuser and user.role not in STAFF_ROLES:
        errors["is_superuser"] = _("Only an administrator can be a superuser; a %(role)s cannot.") % {
            "role": user.get_role_display()
        }
    if user.is_staff and user.role not in STAFF_ROLES:
        errors["is_staff"] = _("Only an administrator can enter the admin site; a %(role)s cannot.") % {
            "role": user.get_role_display()
        }
    return errors


# Roles that read and never write (outside their own account, notifications and, for a leader, the
# written instructions of accounts.security.LEADER_WRITE_URL_NAMES). A leader directs through 批示,
# never by changing a unit's report or commenting on it.
READ_ONLY_ROLES = (AUDITOR, LEADER)

# The supervision office, and administrators, who stand in for it.
OFFICE_ROLES = (SUPERVISOR, ADMIN)
# Roles that read everything inside their region: dashboards, reports, every unit's figures.
REGION_READERS = (SUPERVISOR, LEADER, ADMIN, AUDITOR)
