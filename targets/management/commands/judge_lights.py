import time

from django.core.management.base import BaseCommand

from targets.lights import lights_rejudge_all, lights_rejudge_due


class Command(BaseCommand):
    help = (
        "Judge every indicator's light today and store it in the table of current lights (after a "
        "deployment, a restore or a load made past the services). --due judges only the lights the date "
        "alone may have moved since they were stored, as the nightly task does."
    )

    def add_arguments(self, parser):
        parser.add_argument("--due", action="store_true", help="Only the lights whose day has come.")

    def handle(self, *args, due=False, **options):
        started = time.perf_counter()
        count = lights_rejudge_due() if due else lights_rejudge_all()
        self.stdout.write(f"judged {count} indicators in {time.perf_counter() - started:.1f} s")
