"""Template context shared by every page: the unread count of the notification bell, and what the user may do."""

from . import permissions, selectors


def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: the count query runs only on pages whose template shows the bell.
    return {"unread_notifications": lambda: selectors.unread_notification_count(user.pk)}


def role_predicates(request):
    """`may.office`, `may.reporter`, `may.audit`: the role checks of accounts.permissions, for the menus and
    buttons, so no template spells out a role."""
    user = getattr(request, "user", None)
    return {
        "may": {
            "office": permissions.is_office(user),
            "reporter": permissions.is_reporter(user),
            "audit": permissions.reads_audit_log(user),
            "whole_region": permissions.sees_whole_region(user),
        }
    }
