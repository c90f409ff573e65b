from celery import shared_task


@shared_task(name="accounts.audit_purge")
def audit_purge_task():
    """Scheduled daily: drop audit records past retention (never younger than 184 days)."""
    from .audit_chain import audit_purge

    return audit_purge()


@shared_task(name="accounts.audit_anchor")
def audit_anchor_task():
    """Scheduled hourly: the chain's head, signed, into the anchor file (a cut log is then caught)."""
    from .audit_keys import anchor_write

    return anchor_write()["last_id"]
