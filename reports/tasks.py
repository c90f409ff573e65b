"""Celery tasks of the reports app: thin, they load by id and call a service.

Every task is acknowledged late and re-queued if its worker dies (settings: CELERY_TASK_ACKS_LATE,
CELERY_TASK_REJECT_ON_WORKER_LOST), so each is safe to run twice (see `services.report_generate`).
Transient errors (the database or Redis briefly gone) are retried with exponential backoff; any
other error, or the last retry, is recorded on the report's row with its reason.
"""

import logging

from celery import shared_task
from django.utils import timezone

from . import jobs, previews, reminders, services
from .jobs import TRANSIENT

logger = logging.getLogger(__name__)
MAX_RETRIES = 5


def backoff(retries: int) -> int:
    """Seconds before retry n: 10, 20, 40, 80, 160 (capped at ten minutes)."""
    return min(600, 10 * 2**retries)


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True, reject_on_worker_lost=True)
def generate_report(self, report_id: int) -> str:
    try:
        return services.report_generate(report_id=report_id).status
    except TRANSIENT as error:
        if self.request.retries >= self.max_retries:
            services.report_fail(report_id=report_id, reason=f"{type(error).__name__}: {error}")
            raise
        logger.warning("report %s: transient error, retry %s: %s", report_id, self.request.retries + 1, error)
        raise self.retry(exc=error, countdown=backoff(self.request.retries))
    except Exception as error:  # recorded on the row for the list page; a retry would fail the same way
        logger.exception("report %s failed", report_id)
        services.report_fail(report_id=report_id, reason=f"{type(error).__name__}: {error}")
        return "failed"


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True, reject_on_worker_lost=True)
def render_report_pdf(self, report_id: int) -> str:
    """The PDF step after a report is generated; a failure leaves the report (Word, Excel) as it is."""
    try:
        return services.report_pdf_render(report_id=report_id).pdf.name
    except TRANSIENT as error:
        raise self.retry(exc=error, countdown=backoff(self.request.retries))
    except Exception:
        logger.exception("report %s: no PDF", report_id)
        return ""


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True, reject_on_worker_lost=True)
def run_due_reports(self) -> int:
    """Beat runs this every morning; it asks for the reports due today (local date, Asia/Shanghai)."""
    try:
        return len(services.reports_request_due(today=timezone.localdate()))
    except TRANSIENT as error:
        raise self.retry(exc=error, countdown=backoff(self.request.retries))


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True, reject_on_worker_lost=True)
def send_reminders(self) -> int:
    """Beat runs this every morning: reminders, overdue notices, word to the supervision office."""
    try:
        return reminders.reminders_send(today=timezone.localdate())
    except TRANSIENT as error:
        raise self.retry(exc=error, countdown=backoff(self.request.retries))


@shared_task(
    bind=True, name="reports.export_job_run", max_retries=MAX_RETRIES, acks_late=True, reject_on_worker_lost=True
)
def export_job_run_task(self, job_id: int) -> str:
    from .excel.jobs import export_job_fail, export_job_run

    try:
        return export_job_run(job_id).status
    except TRANSIENT as error:
        if self.request.retries >= self.max_retries:
            export_job_fail(job_id=job_id, reason=f"{type(error).__name__}: {error}")
            raise
        logger.warning("export %s: transient error, retry %s: %s", job_id, self.request.retries + 1, error)
        raise self.retry(exc=error, countdown=backoff(self.request.retries))


@shared_task
def purge_upload_previews() -> int:
    """Beat runs this every night: the upload previews whose time has run out are deleted."""
    return previews.previews_purge()


@shared_task
def reclaim_stalled_jobs() -> dict:
    """Beat runs this every five minutes: exports and reports whose worker died are queued again or failed."""
    result = jobs.jobs_reclaim()  # committed: the rows are pending again before they are queued
    for job_id in result.exports:
        export_job_run_task.delay(job_id)
    for report_id in result.reports:
        generate_report.delay(report_id)
    return {"retried": result.retried, "failed": result.failed}
