"""On PostgreSQL the database itself refuses UPDATE and DELETE on the audit log.

The one exception is the retention purge (accounts.audit_chain.audit_purge), which sets the
transaction-local variable `accounts.audit_purge`; even then only rows older than 184 days can
go. TRUNCATE is left to the table owner: the application should connect as a role that does not
own the table (see README, "Security and operations").
"""
from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION accounts_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND coalesce(current_setting('accounts.audit_purge', true), '') = 'on'
       AND OLD.at < now() - interval '184 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: % of record % refused', TG_OP, OLD.id
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS accounts_auditevent_append_only ON accounts_auditevent;
CREATE TRIGGER accounts_auditevent_append_only
    BEFORE UPDATE OR DELETE ON accounts_auditevent
    FOR EACH ROW EXECUTE FUNCTION accounts_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS accounts_auditevent_append_only ON accounts_auditevent;
DROP FUNCTION IF EXISTS accounts_auditevent_append_only();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # A plain cursor with no parameters: the `%` of RAISE must not be taken for a placeholder.
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(CREATE)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_role_flags_reserved_names_audit_user_kept")]

    operations = [migrations.RunPython(install, remove)]
