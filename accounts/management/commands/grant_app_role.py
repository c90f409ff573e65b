"""Give the application's database role what it needs and nothing more (PostgreSQL; run as the owner).

docker-compose runs migrations as the owner of the tables and the application as a role that owns
none: it may read and write rows, but not ALTER a table, so it cannot disable the audit log's
append-only trigger, and it may not UPDATE or TRUNCATE the audit log at all.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

AUDIT_TABLE = "accounts_auditevent"


def grant_statements(role: str) -> list[str]:
    quoted = connection.ops.quote_name(role)
    return [
        f"GRANT USAGE ON SCHEMA public TO {quoted}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {quoted}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {quoted}",
        # Appended to, and purged past retention (the trigger checks the purge); never rewritten.
        f"REVOKE UPDATE, TRUNCATE ON {AUDIT_TABLE} FROM {quoted}",
    ]


class Command(BaseCommand):
    help = "Grant the application's PostgreSQL role row access to every table (owner of none); run after migrate."

    def add_arguments(self, parser):
        parser.add_argument("role")

    def handle(self, *args, role, **options):
        if connection.vendor != "postgresql":
            raise CommandError("grant_app_role is for PostgreSQL; the embedded SQLite has no roles")
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise CommandError(f"role {role} does not exist (deploy/postgres/init-app-role.sh creates it)")
            for statement in grant_statements(role):
                cursor.execute(statement)
        self.stdout.write(self.style.SUCCESS(f"{role}: rows of every table, owner of none"))
