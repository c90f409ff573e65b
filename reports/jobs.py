"""The one job runner: generated reports and Excel exports are rows that a Celery task runs through here.

A job (a GeneratedReport or an ExportJob) is a row with a status, pending → running → done / failed, so
its page can show it. `job_run` is all a task does with it:

- **claim**: under the row's lock, take a pending row, or a running one whose lease has run out (its
  worker died: out of memory, a deploy, the machine restarted), mark it running and count the attempt.
  A running row whose worker is alive (a second delivery of the same message) is left to that worker,
  and a done or failed row is not run again.
- **heartbeat**: while the work runs, `lease_kept` writes `heartbeat_at` from a thread every
  JOB_HEARTBEAT_SECONDS (a quarter of the lease), and the work beats as it goes (an export with its
  progress, a report at each stage), so a long job whose worker is alive keeps its lease however long
  one stage takes; the thread dies with the worker, so a dead worker's job loses it.
- **finish**: under the lock again the work's result is written onto the row and it is done, unless
  another delivery finished it first. **fail**: any error but a passing one records its reason on the
  row for the page that shows it (`job_fail`, which the tasks also call once Celery's retries are spent).
  A passing error (TRANSIENT: the database or Redis briefly gone) puts the row back to pending and
  propagates, for Celery's retry with backoff (reports.tasks).
- **reclaim**: every few minutes beat runs `jobs_reclaim`: a running row whose last sign of life
  (`heartbeat_at`, or `started_at` for a row that never wrote one) is older than JOB_LEASE_SECONDS goes
  back to pending and the beat task queues it again, unless it has already been started
  JOB_MAX_ATTEMPTS times: then it is failed with its reason.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, models, transaction
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


@dataclass(frozen=True)
class Kind:
    """A kind of job row: its model, where its failure reason goes, and the prefix of its audit events."""

    model: type[models.Model]
    name: str  # the field of Reclaimed that lists its rows to queue again
    reason_field: str
    action: str
    username_field: str = ""  # the audit events' username, where the row names who asked (a schedule)

    def username(self, job) -> str:
        return getattr(job, self.username_field) if self.username_field else ""


EXPORTS = Kind(ExportJob, name="exports", reason_field="error", action="export")
REPORTS = Kind(
    GeneratedReport, name="reports", reason_field="failure_reason", action="report", username_field="schedule_name"
)
KINDS = (EXPORTS, REPORTS)


@dataclass
class Reclaimed:
    """What one pass took back: the rows to queue again (the beat task queues them), and how many failed."""

    exports: list[int] = field(default_factory=list)
    reports: list[int] = field(default_factory=list)
    failed: int = 0

    @property
    def retried(self) -> int:
        return len(self.exports) + len(self.reports)


def heartbeat(job, **progress) -> None:
    """The worker's sign of life on a running job, with any progress to show (`rows_done=…`): it keeps the
    job's lease, so a long job whose worker is alive is never taken back. Written at once, outside any
    transaction of the caller's."""
    type(job).objects.filter(pk=job.pk).update(heartbeat_at=timezone.now(), **progress)


@contextmanager
def lease_kept(job):
    """Beat for `job` from a thread of the worker every JOB_HEARTBEAT_SECONDS while the block runs.

    The work beats as it goes, but one stage alone can outlast a lease (one month's snapshot, the content
    of a large region, a long sheet): the thread keeps the lease through it for as long as the worker's
    process lives, and dies with it, so a dead worker's job is still taken back.
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


def _silent(now: datetime) -> Q:
    """Running rows whose worker has not been heard of within the lease: the one test of a dead worker."""
    cutoff = lease_expired_before(now)
    return Q(status=ReportState.RUNNING) & (
        Q(heartbeat_at__lt=cutoff)
        | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
        | Q(heartbeat_at__isnull=True, started_at__isnull=True)
    )


def _locked(kind: Kind, job_id: int, related: tuple[str, ...], *only: Q):
    rows = kind.model.objects.select_for_update(of=("self",)).select_related(*related).filter(pk=job_id)
    return rows.filter(*only).first()


def job_claim(kind: Kind, job_id: int, *, related: tuple[str, ...] = ()):
    """The row, now running for this worker; None when it is not to be run (done, failed, or running
    under a live worker's lease)."""
    now = timezone.now()
    with transaction.atomic():
        job = _locked(kind, job_id, related, Q(status=ReportState.PENDING) | _silent(now))
        if job is None:
            return None
        job.status, job.started_at, job.heartbeat_at = ReportState.RUNNING, now, now
        setattr(job, kind.reason_field, "")
        job.attempts += 1
        job.save(update_fields=["status", "started_at", "heartbeat_at", kind.reason_field, "attempts"])
    return job


def job_run(
    kind: Kind,
    job_id: int,
    *,
    work: Callable[[Any], AbstractContextManager],
    finish: Callable[[Any, Any], list[str]],
    related: tuple[str, ...] = (),
):
    """Claim the row, do its work under a kept lease, and finish or fail it; returns the row.

    `work(job)` is a context manager whose value (the result: content, an open file) stays valid while
    `finish(locked_row, result)` writes it onto the row under its lock and returns the fields it set.
    """
    job = job_claim(kind, job_id, related=related)
    if job is None:
        return kind.model.objects.select_related(*related).get(pk=job_id)
    try:
        with lease_kept(job), work(job) as result:
            return _finish(kind, job_id, result, finish, related)
    except TRANSIENT:
        _back_to_pending(kind, job)
        raise
    except Exception as error:  # recorded on the row for its page; a retry would fail the same way
        logger.exception("%s %s failed", kind.model._meta.label, job_id)
        return job_fail(kind, job_id=job_id, reason=f"{type(error).__name__}: {error}")


def _finish(kind: Kind, job_id: int, result, finish, related):
    with transaction.atomic():
        job = _locked(kind, job_id, related)
        if job.status == ReportState.DONE:
            return job  # another delivery of the same job finished first
        fields = finish(job, result)
        job.status, job.finished_at = ReportState.DONE, timezone.now()
        job.save(update_fields=[*fields, "status", "finished_at"])
    return job


def _back_to_pending(kind: Kind, job) -> None:
    """A passing error: the row waits for Celery's retry. If even this write fails, the lapsed lease
    brings the row back (`jobs_reclaim`), or the retry's claim takes it once the lease has run out."""
    try:
        kind.model.objects.filter(pk=job.pk, status=ReportState.RUNNING).update(status=ReportState.PENDING)
    except TRANSIENT:
        logger.warning("%s %s: not put back to pending", kind.model._meta.label, job.pk, exc_info=True)


def _fail(kind: Kind, job, reason: str, now: datetime) -> None:
    setattr(job, kind.reason_field, reason[:2000])
    job.status, job.finished_at = ReportState.FAILED, now
    job.save(update_fields=["status", kind.reason_field, "finished_at"])
    audit_record(
        action=f"{kind.action}.fail",
        obj=job,
        username=kind.username(job),
        outcome="failure",
        new={"attempts": job.attempts, "reason": getattr(job, kind.reason_field)},
    )


def job_fail(kind: Kind, *, job_id: int, reason: str):
    """Record why a job could not be made, on its row, for its page; a done row stays done."""
    with transaction.atomic():
        job = _locked(kind, job_id, ())
        if job is not None and job.status != ReportState.DONE:  # None: the row was deleted meanwhile
            _fail(kind, job, reason, timezone.now())
    return job


def _stopped_reason(attempts: int) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "The worker running this job stopped each of the %(n)s times it was started; it was not "
            "finished. Ask for it again."
        ) % {"n": attempts}


def _reclaim(kind: Kind, job, now: datetime, result: Reclaimed) -> None:
    if job.attempts >= settings.JOB_MAX_ATTEMPTS:
        _fail(kind, job, _stopped_reason(job.attempts), now)
        result.failed += 1
        return
    job.status = ReportState.PENDING
    job.save(update_fields=["status"])
    audit_record(
        action=f"{kind.action}.retry",
        obj=job,
        username=kind.username(job),
        new={"attempts": job.attempts, "started_at": job.started_at, "last_heartbeat": job.heartbeat_at},
    )
    getattr(result, kind.name).append(job.pk)


@transaction.atomic
def jobs_reclaim(*, now: datetime | None = None) -> Reclaimed:
    """Return to pending, or fail, every running job whose lease has run out; the caller queues the
    returned rows once this transaction has committed."""
    now = now or timezone.now()
    result = Reclaimed()
    for kind in KINDS:
        # skip_locked: a row a live worker holds locked (finishing it right now) is left to that worker.
        for job in kind.model.objects.select_for_update(skip_locked=True).filter(_silent(now)).order_by("pk"):
            _reclaim(kind, job, now, result)
    return result
