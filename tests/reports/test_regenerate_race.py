"""Two clicks of 重新生成新版本 at once on a returned report make one new version: the check for a later
version is made under the region's lock that numbers the versions, each click with its own PostgreSQL
connection."""

import threading
import time
from datetime import date

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from accounts.models import Role
from regions.models import Region
from reports import services
from reports.models import GeneratedReport, ReportKind

from ..conftest import POSTGRES_ONLY
from ..factories import UserFactory

pytestmark = POSTGRES_ONLY


def _waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        # Inside a transaction the statistics views answer from one snapshot unless it is cleared.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def test_two_regenerations_at_once_make_one_new_version(county, indicator, supervisor, monkeypatch):
    monkeypatch.setattr(services, "_enqueue", lambda report: None)  # the versions are the point, not the files
    leader = UserFactory(username="lingdao", role=Role.LEADER, region=county)
    first = services.report_request(region=county, kind=ReportKind.MONTHLY, month=date(2025, 5, 1), by=supervisor)
    GeneratedReport.objects.filter(pk=first.pk).update(status="done")
    services.report_return(report=GeneratedReport.objects.get(pk=first.pk), by=leader, reason="数据有误")
    returned = GeneratedReport.objects.get(pk=first.pk)
    outcomes = []

    def click():
        try:
            outcomes.append(services.report_regenerate(report=returned, by=supervisor).version)
        except ValidationError:
            outcomes.append("refused")
        except Exception as error:  # any other failure shows in the assertions below
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    # Both clicks are let through together: the region stays locked until both wait for it, so each has made
    # whatever check it makes before the lock by then.
    with transaction.atomic():
        Region.objects.select_for_update().get(pk=county.pk)
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 30
        while _waiting_on_locks() < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _waiting_on_locks() == 2, outcomes
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes, key=str) == [2, "refused"]
    versions = GeneratedReport.objects.filter(region=county, kind=ReportKind.MONTHLY).values_list("version", flat=True)
    assert sorted(versions) == [1, 2]
