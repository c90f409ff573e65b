"""Celery tasks of the reports app: thin, they load by id and call a service.

Every task is acknowledged late and re-queued if its worker dies (settings: CELERY_TASK_ACKS_LATE,
CELERY_TASK_REJECT_ON_WORKER_LOST), so each is safe to run twice. The report and export tasks run their
row through the one job runner (reports.jobs), which records any error on the row except a passing one
(the database or Redis briefly gone): that one Celery retries itself (`autoretry_for`) after a wait that
doubles from 10 s to at most ten minutes, jittered so that workers meeting the same outage do not all
come back at once; once the retries are spent the task fails and `JobTask.on_failure` records the error
on the row.
"""

import logging

from celery import Task, shared_task
from django.utils import timezone

from . import jobs, previews, reminders, services
from .excel.jobs import export_job_run
from .jobs import TRANSIENT

logger = logging.getLogger(__name__)
MAX_RETRIES = 5
# Celery's own retry: on a passing error, retry n waits a random time up to min(600, 10 * 2**n) seconds.
RETRIED = {
    "autoretry_for": TRANSIENT,
    "max_retries": MAX_RETRIES,
    "retry_backoff": 10,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
}


class JobTask(Task):
    """A task that runs one job row (its first argument) through reports.jobs."""

    kind: jobs.Kind

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """Celery's retries are spent (or the runner itself could not record the error): the row says why."""
        job_id = args[0] if args else next(iter(kwargs.values()))
        jobs.job_fail(self.kind, job_id=job_id, reason=f"{type(exc).__name__}: {exc}")


@shared_task(base=JobTask, kind=jobs.REPORTS, **RETRIED)
def generate_report(report_id: int) -> str:
    return services.report_generate(report_id=report_id).status


@shared_task(**RETRIED)
def render_report_pdf(report_id: int) -> str:
    """The PDF step after a report is generated; a failure leaves the report (Word, Excel) as it is."""
    try:
        return services.report_pdf_render(report_id=report_id).pdf.name
    except TRANSIENT:
        raise  # retried by Celery
    except Exception:
        logger.exception("report %s: no PDF", report_id)
        return ""


@shared_task(**RETRIED)
def run_due_reports() -> int:
    """Beat runs this every morning; it asks for the reports due today (local date, Asia/Shanghai)."""
    return len(services.reports_request_due(today=timezone.localdate()))


@shared_task(**RETRIED)
def send_reminders() -> int:
    """Beat runs this every morning: reminders, overdue notices, word to the supervision office."""
    return reminders.reminders_send(today=timezone.localdate())


@shared_task(base=JobTask, kind=jobs.EXPORTS, name="reports.export_job_run", **RETRIED)
def export_job_run_task(job_id: int) -> str:
    return export_job_run(job_id).status


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
