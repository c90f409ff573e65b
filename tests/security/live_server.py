"""A real application server in a subprocess (gunicorn, threads), on the test's own database, for races
that need real concurrent clients: pytest-django's live_server shares one SQLite connection between
its threads, which would serialise the very race under test."""

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
# Production-strength PBKDF2 takes about this long per check: long enough that guesses sent together
# are all in flight at once, as they were in the red-team run.
CHECK_SECONDS = 0.8


class CountingHasher(MD5PasswordHasher):
    """The tests' MD5 hashes, checked slowly, each check appended as a line to $HASH_LOG."""

    def verify(self, password, encoded):
        with open(os.environ["HASH_LOG"], "a", encoding="utf-8") as log:
            log.write("check\n")
        time.sleep(float(os.environ.get("HASH_DELAY", CHECK_SECONDS)))
        return super().verify(password, encoded)


def database_url(tmp_path) -> str:
    """A URL for the test's database that another process can open (committed rows only)."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    # The SQLite test database lives in memory: copy it to a file the server can share between threads.
    path = tmp_path / "live.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    return f"sqlite:///{path}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, tmp_path, **env):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.hash_log = tmp_path / "hash-checks.log"
        self.hash_log.write_text("")
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.security.live_settings",
            "DJANGO_DEBUG": "0",
            "DATABASE_URL": database_url(tmp_path),
            "HASH_LOG": str(self.hash_log),
            **env,
        }
        self.env.pop("CELERY_BROKER_URL", None)
        self.log = open(tmp_path / "server.log", "wb")

    def __enter__(self):
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "-b",
                f"127.0.0.1:{self.port}",
                "-k",
                "gthread",
                "-w",
                "2",
                "--threads",
                "20",
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/accounts/login/", timeout=2)
                return self
            except OSError:
                time.sleep(0.3)
        self.__exit__()
        raise RuntimeError("the application server did not start; see server.log")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=20)
        self.log.close()

    def hash_checks(self) -> int:
        return len(self.hash_log.read_text().splitlines())
