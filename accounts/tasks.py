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
    audit_record(
        action="ops.backup",
        object_type="backup",
        object_repr=str(folder),
        new={
            "rows": sum(manifest["counts"].values()),
            "files": len(manifest["files"]),
            "pruned": [p.name for p in pruned],
        },
    )
    return str(folder)


CHANNEL_MAX_ATTEMPTS = 4


@shared_task(bind=True, name="accounts.channel_deliver", max_retries=CHANNEL_MAX_ATTEMPTS - 1)
def channel_deliver(self, delivery_id: int):
    """Send one ChannelDelivery; on failure retried with backoff (30 s, 60 s, 120 s), then marked failed."""
    from django.utils import timezone

    from .channels import ChannelError, deliver
    from .models import ChannelDelivery, DeliveryStatus
    from .services import audit_record

    delivery = ChannelDelivery.objects.select_related("channel__unit").get(pk=delivery_id)
    if delivery.status == DeliveryStatus.SENT:
        return "sent"
    while True:
        delivery.attempts += 1
        try:
            deliver(delivery)
            break
        except ChannelError as exc:
            delivery.last_error = str(exc)[:500]
            if delivery.attempts >= CHANNEL_MAX_ATTEMPTS:
                return _channel_failed(delivery, audit_record)
            delivery.save(update_fields=["attempts", "last_error"])
            if not self.request.is_eager:  # without a worker (eager mode) nobody would come back later
                raise self.retry(countdown=30 * 2 ** (delivery.attempts - 1)) from exc
    delivery.status, delivery.sent_at, delivery.last_error = DeliveryStatus.SENT, timezone.now(), ""
    delivery.save(update_fields=["attempts", "last_error", "status", "sent_at"])
    audit_record(
        action="channel.sent", obj=delivery, new={"kind": delivery.channel.kind, "attempts": delivery.attempts}
    )
    return "sent"


def _channel_failed(delivery, audit_record) -> str:
    from .models import DeliveryStatus

    delivery.status = DeliveryStatus.FAILED
    delivery.save(update_fields=["attempts", "last_error", "status"])
    audit_record(
        action="channel.failed",
        obj=delivery,
        outcome="failure",
        new={"kind": delivery.channel.kind, "attempts": delivery.attempts, "error": delivery.last_error},
    )
    return "failed"
