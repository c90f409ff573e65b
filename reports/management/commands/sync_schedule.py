"""Create the periodic jobs of reports/beat.py in django-celery-beat, and a report schedule per region.

Idempotent, and safe to run on every start (`make run`, docker-compose): a job already in the
database is left as it is, so a time changed in the admin survives a redeploy. `--reset` puts the
declared times back.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from reports import services
from reports.beat import JOBS


class Command(BaseCommand):
    help = "Create the Celery beat jobs (reports, reminders, month-end freeze) and the regions' report schedules."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Put back the declared times of existing jobs.")

    def handle(self, *args, reset=False, **options):
        for job in JOBS:
            crontab, _ = CrontabSchedule.objects.get_or_create(
                minute=job.minute,
                hour=job.hour,
                day_of_month=job.day_of_month,
                month_of_year="*",
                day_of_week="*",
                timezone=settings.TIME_ZONE,
            )
            task, created = PeriodicTask.objects.get_or_create(
                name=job.name,
                defaults={"task": job.task, "crontab": crontab, "description": job.description},
            )
            if reset and not created:
                task.task, task.crontab, task.interval, task.enabled = job.task, crontab, None, True
                task.save()
            self.stdout.write(f"{'created' if created else 'reset' if reset else 'kept'}: {job.name}")
        made = services.schedules_seed()
        self.stdout.write(f"report schedules created: {made}")
