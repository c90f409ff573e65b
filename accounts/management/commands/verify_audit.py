from django.core.management.base import BaseCommand, CommandError

from accounts.audit_chain import verify_chain


class Command(BaseCommand):
    help = "Check the audit log's hash chain; report the first record that was altered or removed (exit 1)."

    def handle(self, *args, **options):
        checked, problem = verify_chain()
        if problem is None:
            self.stdout.write(self.style.SUCCESS(f"audit log intact: {checked} records checked"))
            return
        raise CommandError(f"audit log {problem.kind} at record {problem.event_id}: {problem.detail} "
                           f"({checked} records before it are intact)")
