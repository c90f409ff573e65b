"""The periodic jobs, declared once. `manage.py sync_schedule` writes them into django-celery-beat's
tables, where beat reads them and where they can be changed in the admin without a deploy.

Times are Asia/Shanghai. Reports and reminders are checked every morning; each task works out
from the regions' ReportSchedule rows whether anything falls due that day.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: str
    minute: str
    hour: str
    day_of_month: str = "*"
    description: str = ""


JOBS = (
    PeriodicJob(
        name="targets: judge the lights the new day moves",
        task="targets.tasks.lights_rejudge_due",
        minute="20",
        hour="0",
        description="Re-judges each night the stored lights a passed due date or deadline, or a new period, may move "
        "(after the month-end freeze of the 1st, which copies the lights that held at the month end).",
    ),
    PeriodicJob(
        name="supervision: freeze the month just ended",
        task="supervision.tasks.freeze_month_end",
        minute="1",
        hour="0",
        day_of_month="1",
        description="Freezes every indicator's light at the end of the month that has just ended.",
    ),
    PeriodicJob(
        name="reports: produce the reports due today",
        task="reports.tasks.run_due_reports",
        minute="0",
        hour="8",
        description="Monthly bulletin the day after the due date (26th by default), and in their months the "
        "quarterly dispatch report, the half-year review and the year-end summary.",
    ),
    PeriodicJob(
        name="reports: reminders and overdue notices",
        task="reports.tasks.send_reminders",
        minute="0",
        hour="9",
        description="Reminders before the due date, overdue notices the day after, word to the supervision office.",
    ),
    PeriodicJob(
        name="instructions: overdue answers to leaders' instructions",
        task="instructions.tasks.remind_overdue_instructions",
        minute="10",
        hour="9",
        description="Tells each unit once that its answer to a leader's instruction (批示) is past its date, and the "
        "leader and the supervision office which units are late.",
    ),
    PeriodicJob(
        name="reports: delete expired upload previews",
        task="reports.tasks.purge_upload_previews",
        minute="40",
        hour="3",
        description="Deletes the plan-import previews and marked progress workbooks whose time has run out.",
    ),
    PeriodicJob(
        name="reports: take back exports and reports whose worker died",
        task="reports.tasks.reclaim_stalled_jobs",
        minute="*/5",
        hour="*",
        description="A running export or report silent for longer than JOB_LEASE_SECONDS is queued again; after "
        "JOB_MAX_ATTEMPTS starts it is marked failed with its reason.",
    ),
)
