"""What the backup, restore and restore drill commands tell the operator is in Chinese: each refusal and
each success, through the real commands on a real (small) backup in a temporary folder."""

import hashlib
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from accounts import backup
from accounts.backup_crypto import MAGIC, manifest_signature
from accounts.models import Role
from regions.models import Region

from ..factories import RegionFactory, UserFactory

# transaction=True: on PostgreSQL a backup sets its own isolation level, which a test transaction forbids.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _folders(settings, tmp_path):
    settings.MEDIA_ROOT, settings.EVIDENCE_ROOT = tmp_path / "media", tmp_path / "evidence"
    settings.AUDIT_ANCHOR_FILE = tmp_path / "anchors.jsonl"
    (tmp_path / "evidence" / "2025").mkdir(parents=True)
    (tmp_path / "evidence" / "2025" / "验收.pdf").write_bytes(b"%PDF-1.7\n" + bytes(3000))


def _backup_of_a_county(folder):
    """A portable backup holding one region, which is then deleted: the instance is empty again."""
    county = RegionFactory(code="330305000000", name="洞头区")
    backup.backup(folder, portable=True)
    county.delete()
    return folder


@pytest.fixture
def made(tmp_path, settings):
    """A backup with one region and one evidence file, then the instance emptied of both, so that a restore
    finds an empty instance to go into."""
    _backup_of_a_county(tmp_path / "bk")
    (settings.EVIDENCE_ROOT / "2025" / "验收.pdf").unlink()
    return tmp_path / "bk"


def _refusal(command, *args) -> str:
    with pytest.raises(CommandError) as refused:
        call_command(command, *(str(a) for a in args))
    return str(refused.value)


def _resign(folder, change) -> None:
    """Change the manifest (or a file and its checksum) and sign it again with the backup key, as someone
    holding the key would: what is left to catch the change is the restore itself."""
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    change(manifest)
    manifest["signature"] = manifest_signature(backup._canonical(manifest))
    path.write_text(json.dumps(manifest, ensure_ascii=False))


def _rewrite_blob(folder, name, data: bytes) -> None:
    (folder / name).write_bytes(data)
    _resign(folder, lambda m: m["blobs"].__setitem__(name, hashlib.sha256(data).hexdigest()))


def test_a_backup_into_a_folder_with_files_is_refused_in_chinese(tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "notes.txt").write_text("x")
    assert "不是空文件夹，请为备份指定一个新文件夹。" in _refusal("backup", tmp_path / "old")


def test_a_backup_without_its_key_file_is_refused_in_chinese(tmp_path, settings):
    settings.BACKUP_KEY, settings.BACKUP_KEY_FILE, settings.BACKUP_KEY_CREATE = "", tmp_path / "none.key", False
    message = _refusal("backup", tmp_path / "bk")
    assert f"备份密钥文件 {tmp_path / 'none.key'} 不存在；请设置 BACKUP_KEY 或 BACKUP_KEY_FILE。" in message


def test_the_backup_reports_in_chinese_and_no_restore_goes_into_a_used_instance(tmp_path, supervisor, capsys):
    call_command("backup", str(tmp_path / "bk"), "--portable")
    assert f"备份已写入 {tmp_path / 'bk'}（jsonl）：" in capsys.readouterr().out
    # Work done since the backup: this instance is neither the backup's nor empty.
    UserFactory(username="xinlai", role=Role.SUPERVISOR)
    message = _refusal("restore", tmp_path / "bk")
    assert "恢复需要一个空实例（已迁移、没有数据）；以下数据表已有数据：" in message and "accounts.user" in message


def test_a_restore_into_an_instance_with_files_is_refused_in_chinese(tmp_path, settings):
    _backup_of_a_county(tmp_path / "bk")  # the evidence file is still in its folder
    message = _refusal("restore", tmp_path / "bk")
    assert f"恢复需要空的 {settings.MEDIA_ROOT}" in message or f"恢复需要空的 {settings.EVIDENCE_ROOT}" in message
    assert "但其中已有文件。请恢复到一个新实例。" in message


def test_a_restore_reports_what_it_restored_in_chinese(made, capsys, settings):
    call_command("restore", str(made))
    assert f"已从 {made} 恢复1行数据和1个文件。" in capsys.readouterr().out
    assert Region.objects.get().name == "洞头区"
    assert (settings.EVIDENCE_ROOT / "2025" / "验收.pdf").read_bytes().startswith(b"%PDF")


def test_a_file_changed_by_someone_holding_the_key_is_refused_in_chinese(made):
    data = bytearray((made / "files.tar.enc").read_bytes())
    data[len(data) // 2] ^= 1
    _rewrite_blob(made, "files.tar.enc", bytes(data))
    assert "files.tar.enc 被改动过，或者当前的备份密钥不是做这份备份时用的密钥。" in _refusal("restore", made)


def test_a_file_cut_short_is_refused_in_chinese(made):
    data = (made / "files.tar.enc").read_bytes()
    _rewrite_blob(made, "files.tar.enc", data[: len(MAGIC)])  # cut where its first part begins
    assert "files.tar.enc 被截断：备份不完整。" in _refusal("restore", made)


def test_a_file_that_is_no_backup_is_refused_in_chinese(made):
    _rewrite_blob(made, "files.tar.enc", b"PK\x03\x04 not ours")
    assert "files.tar.enc 不是加密的备份文件。" in _refusal("restore", made)


def test_a_file_left_out_of_the_backup_is_refused_in_chinese(made):
    _resign(made, lambda m: m["files"].__setitem__("evidence/2025/补充.pdf", "0" * 64))
    assert "备份清单中有1个文件不在备份里：备份已损坏。" in _refusal("restore", made)


def test_a_pg_dump_backup_restored_where_it_cannot_go_is_refused_in_chinese(made):
    _resign(made, lambda m: m.__setitem__("db_format", "pg_dump"))
    message = _refusal("restore", made)
    if connection.vendor == "postgresql":  # the test database is migrated, so not the empty one it needs
        assert "pg_dump 备份只能恢复到空数据库：请先建库（createdb），恢复前不要运行 migrate。" in message
    else:
        assert "这份备份是用 pg_dump 做的：请恢复到 PostgreSQL，或另做一份可移植备份（backup --portable）。" in message


@pytest.mark.skipif(connection.vendor == "postgresql", reason="on PostgreSQL a pg_dump backup is drilled")
def test_a_pg_dump_drill_on_sqlite_is_refused_in_chinese(made):
    _resign(made, lambda m: m.__setitem__("db_format", "pg_dump"))
    assert "pg_dump 备份须在 PostgreSQL 上演练，请在那里运行恢复演练。" in _refusal("restore_drill", made)
