"""tests/demo_rows.py: a demo copied in as rows is the database its load left, and only onto the database it
was loaded onto."""

from datetime import date

import pytest
from django.db import connection, transaction

from accounts.models import Role
from accounts.services import audit_record
from regions.models import Region

from .. import demo_rows
from ..factories import RegionFactory, UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the rows are copied on SQLite only"),
]


@pytest.fixture
def loads(monkeypatch):
    """A small stand-in for demo_load: appends rows, changes one that was there and audits; counts its runs."""
    calls = []

    def load(*, today):
        calls.append(today)
        Region.objects.filter(code="330305000000").update(name=f"洞头区{len(calls)}")
        UserFactory(username=f"loaded{len(calls)}", role=Role.SUPERVISOR, region=Region.objects.first())
        audit_record(action="demo.load", object_type="demo", new={"today": today.isoformat()})
        return {"created": True, "run": len(calls)}

    monkeypatch.setattr("demo.services.demo_load", load)
    monkeypatch.setattr(demo_rows, "_LOADED", {})
    return calls


def rows():
    connection.ensure_connection()
    return demo_rows._rows(connection.connection.cursor())


def test_a_copied_demo_is_the_database_its_load_left(loads, tmp_path):
    RegionFactory(code="330305000000", name="洞头区")
    before = rows()
    first = transaction.savepoint()
    assert demo_rows.demo_loaded(today=date(2026, 11, 24), shared=tmp_path) == {"created": True, "run": 1}
    loaded = rows()
    transaction.savepoint_rollback(first)
    assert rows() == before
    # Another worker: nothing in its memory, the first load's rows in the shared folder.
    demo_rows._LOADED.clear()
    for _ in range(2):
        again = transaction.savepoint()
        assert demo_rows.demo_loaded(today=date(2026, 11, 24), shared=tmp_path) == {"created": True, "run": 1}
        assert rows() == loaded
        transaction.savepoint_rollback(again)
    assert len(loads) == 1


def test_another_date_or_other_rows_load_the_demo_again(loads, tmp_path):
    RegionFactory(code="330305000000", name="洞头区")
    demo_rows.demo_loaded(today=date(2026, 11, 24), shared=tmp_path)
    Region.objects.filter(code="330305000000").update(name="洞头区")
    UserFactory._meta.model.objects.filter(username="loaded1").delete()
    assert demo_rows.demo_loaded(today=date(2026, 11, 25), shared=tmp_path)["run"] == 2
    UserFactory(username="someone", role=Role.SUPERVISOR, region=Region.objects.first())
    assert demo_rows.demo_loaded(today=date(2026, 11, 24), shared=tmp_path)["run"] == 3
    assert len(loads) == 3
