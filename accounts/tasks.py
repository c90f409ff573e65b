from celery import shared_task


@shared_task(name="accounts.audit_purge")
def audit_purge_task():
    """Scheduled daily: drop audit records past retention (never younger than 184 days)."""
    from .audit_chain import audit_purge

    return audit_purge()
