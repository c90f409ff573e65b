"""A restore interrupted at any step leaves nothing half-done and is finished by running it again."""

import pytest
from django.core.management import call_command

from accounts import backup
from accounts.models import AuditEvent, User
from accounts.services import audit_record

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def made(settings, tmp_path, supervisor):
    settings.MEDIA_ROOT, settings.EVIDENCE_ROOT = tmp_path / "media", tmp_path / "evidence"
    (tmp_path / "evidence" / "2025").mkdir(parents=True)
    (tmp_path / "evidence" / "2025" / "验收.pdf").write_bytes(b"%PDF-1.7\n" + bytes(3000))
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "月报.docx").write_bytes(b"PK" + bytes(500))
    audit_record(action="test.event", by=supervisor)
    # The portable format on every database: a pg_dump backup restores only into an empty database
    # (no migrate before it), which a flushed test database is not.
    manifest = backup.backup(tmp_path / "bk", portable=True)
    call_command("flush", interactive=False, verbosity=0)
    for root in (settings.MEDIA_ROOT, settings.EVIDENCE_ROOT):
        for path in sorted(root.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
    return tmp_path / "bk", manifest


class Cut(Exception):
    pass


def test_cut_while_loading_the_database_leaves_it_empty_and_a_second_run_restores_all(made, monkeypatch, settings):
    folder, manifest = made
    monkeypatch.setattr(backup, "_check_counts", lambda manifest: (_ for _ in ()).throw(Cut()))
    with pytest.raises(Cut):
        backup.restore(folder)
    assert not User.objects.exists() and not AuditEvent.objects.exists()
    assert not (settings.EVIDENCE_ROOT / "2025" / "验收.pdf").exists()
    monkeypatch.undo()
    settings.MEDIA_ROOT, settings.EVIDENCE_ROOT = folder.parent / "media", folder.parent / "evidence"
    backup.restore(folder)
    assert User.objects.filter(username="duchashi").exists()
    assert (settings.EVIDENCE_ROOT / "2025" / "验收.pdf").read_bytes().startswith(b"%PDF-1.7")
    assert not (settings.EVIDENCE_ROOT / backup.STAGING).exists()


def test_cut_after_the_database_commit_is_finished_by_a_second_run(made, monkeypatch, settings):
    folder, manifest = made
    monkeypatch.setattr(backup, "_swap_files", lambda: (_ for _ in ()).throw(Cut()))
    with pytest.raises(Cut):
        backup.restore(folder)
    assert User.objects.filter(username="duchashi").exists()
    assert not (settings.MEDIA_ROOT / "月报.docx").exists()  # staged, not yet in place
    monkeypatch.undo()
    backup.restore(folder)
    assert (settings.MEDIA_ROOT / "月报.docx").read_bytes().startswith(b"PK")
    assert (settings.EVIDENCE_ROOT / "2025" / "验收.pdf").exists()
    assert User.objects.filter(username="duchashi").count() == 1


def test_the_manifest_carries_the_signed_audit_head(made):
    from accounts import audit_keys

    _folder, manifest = made
    assert audit_keys.signature_ok(manifest["audit_anchor"]) and manifest["audit_anchor"]["last_id"] > 0
