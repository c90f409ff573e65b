"""Sessions opened before accounts.auth_backends.UserBackend replaced Django's ModelBackend name
the old backend, and Django ends every session whose backend is no longer configured: without
this, every user would be logged out at the deployment (a clerk's month-end form lost with it).
The backend reads the same users, so the stored name is simply moved over."""
from django.db import migrations
from django.utils import timezone

OLD = "django.contrib.auth.backends.ModelBackend"
NEW = "accounts.auth_backends.UserBackend"


def _rename(apps, before: str, after: str) -> None:
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    session_model = apps.get_model("sessions", "Session")
    for session in session_model.objects.filter(expire_date__gt=timezone.now()).iterator():
        data = store.decode(session.session_data)  # {} when it does not verify: left as it is
        if data.get("_auth_user_backend") == before:
            data["_auth_user_backend"] = after
            session.session_data = store.encode(data)
            session.save(update_fields=["session_data"])


def forwards(apps, schema_editor):
    _rename(apps, OLD, NEW)


def backwards(apps, schema_editor):
    _rename(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_audit_append_only_trigger"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
