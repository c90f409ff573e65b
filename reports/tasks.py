"""Thin Celery tasks: load by id, call a service."""
from celery import shared_task


@shared_task(name="reports.export_job_run")
def export_job_run_task(job_id: int) -> str:
    from .excel.jobs import export_job_run

    return export_job_run(job_id).status
