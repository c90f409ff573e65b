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


@shared_task(name="accounts.backup_nightly")
def backup_nightly_task():
    """Scheduled nightly: a backup into BACKUP_DIR/<time>, then all but the newest BACKUP_KEEP deleted."""
    from django.conf import settings
    from django.utils import timezone

    from .backup import backup, prune
    from .services import audit_record

    folder = settings.BACKUP_DIR / timezone.localtime().strftime("%Y%m%d-%H%M%S")
    manifest = backup(folder)
    pruned = prune(settings.BACKUP_DIR, settings.BACKUP_KEEP)
    audit_record(action="ops.backup", object_type="backup", object_repr=str(folder),
                 new={"rows": sum(manifest["counts"].values()), "files": len(manifest["files"]),
                      "pruned": [p.name for p in pruned]})
    return str(folder)
