"""Fifty clients race to update the same reports: no update is lost, every loser gets a conflict.

Real threads, each with its own PostgreSQL connection, through the service that the API and pages
call (progress_report_update with the version the client read).
"""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from core.versions import ConflictError
from targets.choices import ReportStatus
from targets.models import ProgressReport
from targets.services import progress_report_update

from ..conftest import POSTGRES_ONLY
from ..factories import ProgressReportFactory

pytestmark = POSTGRES_ONLY
CLIENTS = 50


def race(target, n=CLIENTS):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def client(i):
        try:
            barrier.wait(timeout=30)
            results.append(target(i))
        except Exception as exc:  # noqa: BLE001 - collected and asserted on below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors[:3]
    return results


@pytest.fixture
def reports(indicator, dept, dept_reporter):
    # The race is about versions, not the period lock: keep every 2025 period open for changes.
    plan = indicator.target.plan
    plan.lock_after_days = 3650
    plan.save(update_fields=["lock_after_days"])
    return [
        ProgressReportFactory(
            indicator=indicator,
            unit=dept,
            period_start=date(2025, m, 1),
            value=Decimal("0"),
            status=ReportStatus.DRAFT,
            created_by=dept_reporter,
        )
        for m in (1, 2)
    ]


def test_fifty_clients_with_the_same_version_one_wins_the_rest_conflict(reports, dept_reporter):
    report = reports[0]

    def attempt(i):
        try:
            progress_report_update(
                report=report, by=dept_reporter, expected_version=report.version, value=Decimal(i + 1)
            )
            return ("won", i + 1)
        except ConflictError:
            return ("conflict", None)

    outcomes = race(attempt)
    winners = [value for kind, value in outcomes if kind == "won"]
    assert len(winners) == 1 and outcomes.count(("conflict", None)) == CLIENTS - 1
    report.refresh_from_db()
    assert report.value == winners[0] and report.version == 2


def test_fifty_clients_incrementing_lose_no_update(reports, dept_reporter):
    """Read, add one, write with the version read; on a conflict read again. All fifty must land."""
    conflicts = []

    def increment(i):
        report = reports[i % 2]
        while True:
            current = ProgressReport.objects.get(pk=report.pk)
            try:
                progress_report_update(
                    report=current, by=dept_reporter, expected_version=current.version, value=current.value + 1
                )
                return i
            except ConflictError:
                conflicts.append(i)

    race(increment)
    for report in reports:
        report.refresh_from_db()
        assert report.value == CLIENTS // 2 and report.version == 1 + CLIENTS // 2
    assert conflicts, "fifty simultaneous clients should have collided at least once"
