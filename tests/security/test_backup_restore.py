"""Backup, then restore into a NEW database: same rows, same files, intact audit chain; refusals for a
non-empty target and a damaged backup. Runs the real commands in subprocesses against real databases
(temporary SQLite files, or two fresh PostgreSQL databases when DATABASE_URL is PostgreSQL)."""

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COUNTS = "import django, json; django.setup(); from accounts.backup import row_counts; print(json.dumps(row_counts()))"


@pytest.fixture
def two_databases(tmp_path):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path}/source.sqlite3", f"sqlite:///{tmp_path}/target.sqlite3"
        return
    import psycopg2

    base, _, _name = url.rpartition("/")
    names = [f"rp_backup_{tag}_{uuid.uuid4().hex[:8]}" for tag in ("src", "dst")]
    admin = psycopg2.connect(f"{base}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        for name in names:
            cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield tuple(f"{base}/{name}" for name in names)
    finally:
        with admin.cursor() as cursor:
            for name in names:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def run(database_url, media, *args, check=True):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_MEDIA_ROOT": str(media),
        "DJANGO_EVIDENCE_ROOT": str(media) + "-evidence",
        "AUDIT_ANCHOR_FILE": str(media) + "-anchors.jsonl",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CELERY_BROKER_URL": "",
    }
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=check)


def migrate(database_url, media, template):
    """`manage.py migrate` on a new database: a copy of the migrated template for SQLite, the command itself
    on PostgreSQL."""
    if database_url.startswith("sqlite:///"):
        shutil.copy(template, database_url.removeprefix("sqlite:///"))
    else:
        run(database_url, media, "manage.py", "migrate", "--noinput", "-v0")


def test_backup_restores_into_an_empty_instance_with_equal_counts_files_and_evidence(
    tmp_path, two_databases, migrated_sqlite
):
    source, target = two_databases
    media_a, media_b, backup_dir = tmp_path / "media_a", tmp_path / "media_b", tmp_path / "backup"
    (media_a / "bulletins").mkdir(parents=True)
    (media_a / "bulletins" / "2025-05 月报.docx").write_bytes(os.urandom(4096))
    evidence = Path(str(media_a) + "-evidence") / "evidence" / "2025" / "现场.jpg"
    evidence.parent.mkdir(parents=True)
    evidence.write_bytes(os.urandom(70_000))
    migrate(source, media_a, migrated_sqlite)
    run(source, media_a, "manage.py", "load_demo")
    run(source, media_a, "manage.py", "backup", str(backup_dir))
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert manifest["counts"]["targets.indicator"] > 100 and manifest["counts"]["accounts.user"] >= 9
    assert manifest["db_format"] == ("pg_dump" if source.startswith("postgres") else "jsonl")
    assert {"media/bulletins/2025-05 月报.docx", "evidence/evidence/2025/现场.jpg"} <= set(manifest["files"])

    if manifest["db_format"] == "jsonl":  # a pg_dump backup restores into a new database, schema included
        migrate(target, media_b, migrated_sqlite)
    run(target, media_b, "manage.py", "restore", str(backup_dir))
    counts_a = json.loads(run(source, media_a, "-c", COUNTS).stdout.strip().splitlines()[-1])
    counts_b = json.loads(run(target, media_b, "-c", COUNTS).stdout.strip().splitlines()[-1])
    counts_a["accounts.auditevent"] += 1  # the backup itself is audited in the source after the dump
    assert counts_b == {**counts_a, "accounts.auditevent": counts_b["accounts.auditevent"]}
    assert counts_b["accounts.auditevent"] == manifest["counts"]["accounts.auditevent"] + 1  # + the restore
    restored = media_b / "bulletins" / "2025-05 月报.docx"
    assert restored.read_bytes() == (media_a / "bulletins" / "2025-05 月报.docx").read_bytes()
    assert (Path(str(media_b) + "-evidence") / "evidence" / "2025" / "现场.jpg").read_bytes() == evidence.read_bytes()
    assert run(target, media_b, "manage.py", "verify_audit").returncode == 0

    again = run(target, media_b, "manage.py", "restore", str(backup_dir), check=False)
    assert again.returncode == 0  # already restored: running it again changes nothing
    assert (
        json.loads(run(target, media_b, "-c", COUNTS).stdout.strip().splitlines()[-1])["targets.indicator"]
        == counts_a["targets.indicator"]
    )


@pytest.fixture(scope="module")
def made_once(tmp_path_factory, migrated_sqlite):
    tmp_path = tmp_path_factory.mktemp("small")
    db_a, media, empty = f"sqlite:///{tmp_path}/a.sqlite3", tmp_path / "media", tmp_path / "empty.sqlite3"
    migrate(db_a, media, migrated_sqlite)
    shutil.copy(migrated_sqlite, empty)  # a migrated, empty instance, without a second migrate
    run(
        db_a,
        media,
        "-c",
        "import django; django.setup(); from tests.factories import UserFactory; "
        "from accounts.services import audit_record; UserFactory(username='wangfang', role='supervisor'); "
        "audit_record(action='test.event')",
    )
    run(db_a, media, "manage.py", "backup", str(tmp_path / "bk"))
    return tmp_path


@pytest.fixture
def small_backup(made_once, tmp_path):
    """Each test's own copy of one small backup and of a migrated, empty instance."""
    shutil.copytree(made_once / "bk", tmp_path / "bk")
    shutil.copy(made_once / "empty.sqlite3", tmp_path / "empty.sqlite3")
    return tmp_path / "bk", f"sqlite:///{tmp_path / 'empty.sqlite3'}", tmp_path / "media"


def refused(small_backup, expected):
    backup_dir, db_b, media = small_backup
    result = run(db_b, media, "manage.py", "restore", str(backup_dir), check=False)
    assert result.returncode != 0 and expected in result.stderr, result.stderr
    counts = json.loads(run(db_b, media, "-c", COUNTS).stdout.strip().splitlines()[-1])
    assert sum(counts.values()) == 0


def test_a_damaged_backup_is_refused_before_anything_is_loaded(small_backup):
    dump = small_backup[0] / "db.jsonl.enc"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 1
    dump.write_bytes(bytes(data))
    refused(small_backup, "与其校验值不符：备份已损坏。")


def test_a_backup_changed_with_its_checksum_recomputed_is_refused_by_the_signature(small_backup):
    import hashlib

    dump, manifest_path = small_backup[0] / "db.jsonl.enc", small_backup[0] / "manifest.json"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 1
    dump.write_bytes(bytes(data))
    manifest = json.loads(manifest_path.read_text())
    manifest["blobs"]["db.jsonl.enc"] = hashlib.sha256(bytes(data)).hexdigest()
    manifest_path.write_text(json.dumps(manifest))
    refused(small_backup, "备份清单的签名不符")


def test_a_backup_holds_no_password_hash_or_name_in_clear(small_backup):
    everything = b"".join(p.read_bytes() for p in small_backup[0].iterdir() if p.name != "manifest.json")
    assert b"wangfang" not in everything and b"md5$" not in everything and b"pbkdf2" not in everything


@pytest.mark.django_db
@pytest.mark.parametrize(
    "manifest, expected",
    [
        (None, "不存在或无法读取"),
        ("{not json", "不是备份清单（不是JSON："),
        (
            json.dumps({"format": "ruralplan-backup-1"}),
            "这份备份的格式是ruralplan-backup-1，本版本只能恢复ruralplan-backup-2格式的备份",
        ),
        (json.dumps(["a list"]), "这份备份的格式是未注明"),
    ],
)
def test_an_old_or_unreadable_backup_is_refused_in_chinese(tmp_path, manifest, expected):
    from django.core.management import CommandError, call_command

    if manifest is not None:
        (tmp_path / "manifest.json").write_text(manifest, encoding="utf-8")
    with pytest.raises(CommandError) as refusal:
        call_command("restore", str(tmp_path))
    assert expected in str(refusal.value), str(refusal.value)
