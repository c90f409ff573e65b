"""Template context shared by every page: the unread count of the notification bell."""


def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: the count query runs only on pages whose template shows the bell.
    return {"unread_notifications": lambda: user.notifications.filter(read_at__isnull=True).count()}
