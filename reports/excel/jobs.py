"""Export jobs: a database row per export, written in the background, downloaded with a permission check.

``export_job_create`` records the request and enqueues the run after the transaction commits;
``export_job_run`` (called by the thin Celery task) runs the job through the one job runner
(reports.jobs), streaming the workbook to storage and keeping ``rows_done`` up to date for the
progress bar; ``export_job_download`` checks and audits a download.
"""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.services import audit_record
from core import periods, queue
from core.xlsx import write_table
from targets.selectors import plans_visible_to

from .. import jobs
from ..models import ExportJob
from ..selectors import document_frame_for
from .ledger import ledger_rows, period_rows
from .writers import LEDGER_COLUMNS, PERIOD_COLUMNS

PROGRESS_EVERY = 2000


def _check_params(kind: str, params: dict) -> None:
    if kind == ExportJob.Kind.PERIOD_REPORTS:
        try:
            periods.parse_period(params.get("period", ""))
        except ValueError as exc:
            raise ValidationError({"period": str(exc)}) from exc
    elif kind == ExportJob.Kind.LEDGER:
        try:
            date.fromisoformat(params.get("as_of", ""))
        except ValueError:
            raise ValidationError({"as_of": _("Give the date of the ledger as YYYY-MM-DD.")}) from None
    else:
        raise ValidationError({"kind": _("Unknown export.")})


@transaction.atomic
def export_job_create(*, kind: str, plan, params: dict, by) -> ExportJob:
    if not plans_visible_to(by).filter(pk=plan.pk).exists():
        raise PermissionDenied(_("You cannot export this plan."))
    _check_params(kind, params)
    job = ExportJob.objects.create(kind=kind, plan=plan, params=params, created_by=by)
    audit_record(action="export.request", by=by, obj=job, new={"kind": kind, "plan": plan.pk, **params})
    queue.enqueue_on_commit("reports.export_job_run", job.pk)
    return job


def _rows_and_layout(job: ExportJob):
    plan, user = job.plan, job.created_by
    if job.kind == ExportJob.Kind.LEDGER:
        as_of = date.fromisoformat(job.params["as_of"])
        title = f"{plan.title}任务推进台账({as_of:%Y年%m月%d日})"
        return ledger_rows(plan=plan, user=user, as_of=as_of), LEDGER_COLUMNS, title, "台账"
    period = job.params["period"]
    title = f"{plan.title}进度填报汇总({period})"
    return period_rows(plan=plan, user=user, period=period), PERIOD_COLUMNS, title, "进度填报"


def _file_name(job: ExportJob) -> str:
    label = job.params.get("as_of") or job.params.get("period") or ""
    return f"{job.kind}-{job.plan_id}-{label}-{job.pk}.xlsx"


@contextmanager
def _written(job: ExportJob):
    """The workbook of one job in a temporary file, open while the runner keeps it on the job."""
    rows, columns, title, sheet = _rows_and_layout(job)
    jobs.heartbeat(job, rows_total=len(rows))
    with tempfile.TemporaryFile() as out:
        count = write_table(
            out,
            title=title,
            columns=columns,
            rows=rows,
            sheet_title=sheet,
            author=document_frame_for(job.plan.region).signature,
            # Each progress write is also a heartbeat that keeps the job's lease (reports.jobs).
            progress=lambda done: jobs.heartbeat(job, rows_done=done),
            every=PROGRESS_EVERY,
        )
        out.seek(0)
        yield out, count


def _keep(job: ExportJob, written) -> list[str]:
    out, count = written
    job.file.save(_file_name(job), File(out), save=False)
    job.rows_done = job.rows_total = count
    return ["file", "rows_done", "rows_total"]


def export_job_run(job_id: int) -> ExportJob:
    """Write the export of one job through the job runner (reports.jobs); a failure is recorded on the job."""
    return jobs.job_run(jobs.EXPORTS, job_id, work=_written, finish=_keep, related=("plan", "created_by"))


def export_job_fail(*, job_id: int, reason: str) -> ExportJob:
    """Record why an export could not be made (its retries ran out), for its progress page."""
    return jobs.job_fail(jobs.EXPORTS, job_id=job_id, reason=reason)


def export_job_download(*, job: ExportJob, by):
    """The finished file, for the person who asked for it (or an administrator); audited."""
    if not permissions.can_open_export(by, job):
        raise PermissionDenied(_("This export belongs to someone else."))
    if job.status != ExportJob.Status.DONE or not job.file:
        raise ValidationError(_("The export is not ready."))
    audit_record(action="export.download", by=by, obj=job, new={"file": job.file.name})
    return job.file.open("rb")
