from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts import audit_keys
from accounts.audit_chain import verify_chain


class Command(BaseCommand):
    help = (
        "Check the audit log's keyed hash chain and every signed anchor of its head; report the first "
        "record that was altered or removed (exit 1). --anchor then writes a new anchor."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchors",
            type=Path,
            help="an anchor file other than AUDIT_ANCHOR_FILE (e.g. a copy kept on another machine)",
        )
        parser.add_argument("--anchor", action="store_true", help="after a clean check, anchor the head")

    def handle(self, *args, anchors=None, anchor=False, **options):
        listed = audit_keys.anchors_read(anchors) if anchors else None
        checked, problem = verify_chain(anchors=listed)
        if problem is not None:
            raise CommandError(
                f"audit log {problem.kind} at record {problem.event_id}: {problem.detail} "
                f"({checked} records before it are intact)"
            )
        count = len(listed if listed is not None else audit_keys.anchors_read())
        self.stdout.write(self.style.SUCCESS(f"audit log intact: {checked} records checked, {count} anchors"))
        if anchor:
            written = audit_keys.anchor_write()
            self.stdout.write(f"anchored record {written['last_id']}")
