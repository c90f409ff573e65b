"""Which tables the portable backup writes (accounts.backup.backed_up_models)."""

from accounts.backup import backed_up_models


def test_upload_previews_are_backed_up_and_sessions_are_not():
    labels = {model._meta.label_lower for model in backed_up_models()}
    assert "reports.uploadpreview" in labels
    assert labels.isdisjoint({"sessions.session", "contenttypes.contenttype", "auth.permission"})
