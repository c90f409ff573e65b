from django.core.management.base import BaseCommand

from demo.services import demo_accounts, demo_is_loaded, demo_load, demo_password


class Command(BaseCommand):
    help = (
        "Load the demo counties (Dongtou, Xunyi): their plans imported from demo/data/, with people and "
        "progress history."
    )

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Load only into a database that has no plans yet.")

    def handle(self, *args, if_empty=False, **options):
        from targets.models import Plan

        if if_empty and Plan.objects.exists() and not demo_is_loaded():
            self.stdout.write("The database already has plans; the demo was not loaded.")
        else:
            result = demo_load()
            if result["created"]:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Demo loaded: {result['plans']} plans, {result['indicators']} indicators, "
                        f"{result['reports']} progress reports."
                    )
                )
            else:
                self.stdout.write("The demo is already loaded; nothing changed.")
        self.stdout.write("\nDemo logins (password for all: %s)" % demo_password())
        for username, role, full_name in demo_accounts():
            self.stdout.write(f"  {username:<14} {role.label:<22} {full_name}")
