"""DRF's tokens never expired and were stored in clear (authtoken_token). They stop working with the
move to django-rest-knox: each user who held one is told to ask for a new token, and the table with
the clear-text keys is dropped, so no backup keeps them."""
from django.db import migrations
from django.utils import timezone
from django.utils.translation import gettext as _

OLD_TABLE = "authtoken_token"


def retire(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT user_id FROM {OLD_TABLE}")
        user_ids = [row[0] for row in cursor.fetchall()]
    Notification = apps.get_model("accounts", "Notification")
    message = _("API tokens now expire after 30 minutes unused and 12 hours in all: your old token no longer "
                "works. Ask for a new one at POST /api/auth/token/.")
    Notification.objects.bulk_create(
        [Notification(user_id=pk, kind="auth.token_retired", message=message, created_at=timezone.now(),
                      dedupe_key="auth.token_retired") for pk in user_ids], ignore_conflicts=True)
    schema_editor.execute(f"DROP TABLE {OLD_TABLE}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_api_token")]

    operations = [migrations.RunPython(retire, migrations.RunPython.noop)]
