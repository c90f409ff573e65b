"""The demo for the tests, loaded once per run and date on SQLite and copied in as rows after that.

`demo_load` costs seconds of CPU (the importer reads both plan documents, the lights and 13 frozen months are
computed), and several modules of each pytest-xdist worker load it. The first load of a run writes the rows it
changed to a file the workers share; a later load for the same date, on a database holding exactly what the
first one was loaded onto (every row of every table compared, under the same audit key), inserts those rows in
the caller's transaction instead. The database then holds what `demo_load` would have written, with the same
ids, hashes and audit chain (only the rows' timestamps are those of the first load). Anywhere else (another
date, other rows, PostgreSQL) `demo_load` runs as it is.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import pickle
from datetime import date
from pathlib import Path

_LOADED: dict[str, dict] = {}  # this process's copies, by key


def _tables(cursor) -> list[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    return [name for (name,) in cursor.fetchall()]


def _rows(cursor) -> dict[str, tuple[tuple[str, ...], list[tuple]]]:
    """Every table's column names and rows (in rowid order), sqlite_sequence included."""
    rows = {}
    for table in [*_tables(cursor), "sqlite_sequence"]:
        try:
            cursor.execute(f'SELECT * FROM "{table}" ORDER BY rowid')
        except Exception:  # no AUTOINCREMENT table, no sqlite_sequence
            continue
        rows[table] = (tuple(column[0] for column in cursor.description), cursor.fetchall())
    return rows


def _changes(before: dict, after: dict) -> dict[str, tuple[bool, tuple[str, ...], list[tuple]]]:
    """What turns `before` into `after`, table by table: (replace all rows?, columns, rows to insert)."""
    changes = {}
    for table, (columns, rows) in after.items():
        old_columns, old_rows = before.get(table, (columns, []))
        if old_columns == columns and old_rows == rows:
            continue
        appended = old_columns == columns and rows[: len(old_rows)] == old_rows
        changes[table] = (not appended, columns, rows[len(old_rows) :] if appended else rows)
    return changes


def _apply(cursor, changes: dict) -> None:
    for table, (replace, columns, rows) in sorted(changes.items(), key=lambda item: item[0] == "sqlite_sequence"):
        if replace:
            cursor.execute(f'DELETE FROM "{table}"')
        names = ", ".join(f'"{c}"' for c in columns)
        cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(columns))})', rows)


def _key(today: date, before: dict) -> str:
    from accounts.audit_keys import audit_key

    return hashlib.sha256(pickle.dumps((today.isoformat(), audit_key(), sorted(before.items())))).hexdigest()[:24]


def demo_loaded(*, today: date, shared: Path) -> dict:
    """The demo in the database (inside the caller's transaction) and `demo_load`'s summary.

    `shared` is a folder every worker of the run sees (pytest's base temporary folder's parent)."""
    from django.db import connection

    from demo.services import demo_load

    if connection.vendor != "sqlite":
        return demo_load(today=today)
    connection.ensure_connection()
    cursor = connection.connection.cursor()
    before = _rows(cursor)
    key = _key(today, before)
    path = shared / f"demo-{key}.pickle"
    if key not in _LOADED:
        shared.mkdir(parents=True, exist_ok=True)
        with open(shared / "demo.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # one worker loads while the others wait for its rows
            if not path.exists():
                summary = demo_load(today=today)
                _LOADED[key] = {"summary": summary, "changes": _changes(before, _rows(cursor))}
                partial = path.with_suffix(f".{os.getpid()}")
                partial.write_bytes(pickle.dumps(_LOADED[key]))
                partial.rename(path)
                return summary
            _LOADED[key] = pickle.loads(path.read_bytes())
    _apply(cursor, _LOADED[key]["changes"])
    return _LOADED[key]["summary"]
