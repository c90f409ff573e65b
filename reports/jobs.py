"""Jobs whose worker died: a running export or report past its lease goes back to the queue, or fails.

Exports (ExportJob) and generated reports (GeneratedReport) are rows with a status, pending → running →
done / failed. A worker killed in the middle (out of memory, a deploy, the machine restarted) leaves its
row running; Celery's late acknowledgement redelivers the message only while the broker still holds it.
Every few minutes beat runs `jobs_reclaim`: a running row whose last sign of life is older than
JOB_LEASE_SECONDS (its `heartbeat_at`, which both runners write through `heartbeat`: an export with its
progress, a report at each stage of its generation and, through `lease_kept`, every JOB_HEARTBEAT_SECONDS
while a stage runs; `started_at` for a row that never wrote one) goes back
to pending and the beat task queues it again, unless it has already been started JOB_MAX_ATTEMPTS times:
then it is marked failed with its reason, for the page that shows it.
"""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from accounts.services import audit_record

from .models import ExportJob, GeneratedReport, ReportState

# Errors that pass: the database or Redis briefly gone. A task meeting one is retried with backoff.
TRANSIENT = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)
logger = logging.getLogger(__name__)


@dataclass
class Reclaimed:
    """What one pass took back: the rows to queue again (the beat task queues them), and how many failed."""

    exports: list[int] = field(default_factory=list)
    reports: list[int] = field(default_factory=list)
    failed: int = 0

    @property
    def retried(self) -> int:
        return len(self.exports) + len(self.reports)


def heartbeat(job) -> None:
    """The worker's sign of life on a running export or report: it keeps the job's lease, so a long job
    whose worker is alive is never taken back. Written at once, outside any transaction of the caller's."""
    type(job).objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())


@contextmanager
def lease_kept(job):
    """Beat for `job` from a thread of the worker every JOB_HEARTBEAT_SECONDS (a quarter of the lease)
    while the block runs.

    The stages of a generation beat as they end, but one stage alone can outlast a lease (one month's
    snapshot or the content of a large region): the thread keeps the lease through it for as long as
    the worker's process lives, and dies with it, so a dead worker's job is still taken back.
    """
    stop = threading.Event()
    interval = settings.JOB_HEARTBEAT_SECONDS

    def keep():
        try:
            while not stop.wait(interval):
                try:
                    heartbeat(job)
                except Exception:  # a missed beat is no reason to stop the job; the next one may pass
                    logger.warning("%s %s: heartbeat not written", job._meta.label, job.pk, exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=keep, name=f"lease-{job._meta.model_name}-{job.pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def lease_expired_before(now: datetime) -> datetime:
    """A running job last heard of before this moment has lost its worker."""
    return now - timedelta(seconds=settings.JOB_LEASE_SECONDS)


def _stopped_reason(attempts: int) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "The worker running this job stopped each of the %(n)s times it was started; it was not "
            "finished. Ask for it again."
        ) % {"n": attempts}


def _reclaim_export(job: ExportJob, now: datetime, result: Reclaimed) -> None:
    if job.attempts >= settings.JOB_MAX_ATTEMPTS:
        job.status, job.error, job.finished_at = ExportJob.Status.FAILED, _stopped_reason(job.attempts), now
        job.save(update_fields=["status", "error", "finished_at"])
        audit_record(
            action="export.fail", obj=job, outcome="failure", new={"attempts": job.attempts, "reason": job.error}
        )
        result.failed += 1
        return
    job.status = ExportJob.Status.PENDING
    job.save(update_fields=["status"])
    audit_record(action="export.retry", obj=job, new={"attempts": job.attempts, "last_heartbeat": job.heartbeat_at})
    result.exports.append(job.pk)


def _reclaim_report(report: GeneratedReport, now: datetime, result: Reclaimed) -> None:
    if report.attempts >= settings.JOB_MAX_ATTEMPTS:
        report.status, report.failure_reason, report.finished_at = (
            ReportState.FAILED,
            _stopped_reason(report.attempts),
            now,
        )
        report.save(update_fields=["status", "failure_reason", "finished_at"])
        audit_record(
            action="report.fail",
            obj=report,
            username=report.schedule_name,
            outcome="failure",
            new={"attempts": report.attempts, "reason": report.failure_reason},
        )
        result.failed += 1
        return
    report.status = ReportState.PENDING
    report.save(update_fields=["status"])
    audit_record(
        action="report.retry",
        obj=report,
        username=report.schedule_name,
        new={"attempts": report.attempts, "started_at": report.started_at, "last_heartbeat": report.heartbeat_at},
    )
    result.reports.append(report.pk)


@transaction.atomic
def jobs_reclaim(*, now: datetime | None = None) -> Reclaimed:
    """Return to pending, or fail, every running export and report whose lease has run out; the caller
    queues the returned rows once this transaction has committed."""
    now = now or timezone.now()
    cutoff = lease_expired_before(now)
    result = Reclaimed()
    # skip_locked: a row a live worker holds locked (finishing it right now) is left to that worker.
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    exports = ExportJob.objects.select_for_update(skip_locked=True).filter(silent, status=ExportJob.Status.RUNNING)
    for job in exports:
        _reclaim_export(job, now, result)
    reports = GeneratedReport.objects.select_for_update(skip_locked=True).filter(silent, status=ReportState.RUNNING)
    for report in reports:
        _reclaim_report(report, now, result)
    return result
