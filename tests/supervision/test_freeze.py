from datetime import date

import pytest
import time_machine
from django.core.management import CommandError, call_command

from supervision import services, tasks
from supervision.models import StatusSnapshot

from .builders import submitted


@time_machine.travel("2025-07-01 00:30 +08:00", tick=False)
def test_month_end_task_freezes_the_month_that_just_ended_and_is_idempotent(indicator):
    assert tasks.freeze_month_end.delay().get() == 1
    assert tasks.freeze_month_end.delay().get() == 1
    snapshot = StatusSnapshot.objects.get()
    assert snapshot.as_of == date(2025, 6, 30) and snapshot.evaluated_on == date(2025, 6, 30)


def test_command_freezes_a_month_and_the_months_before(indicator, capsys):
    call_command("freeze_snapshots", "--month", "2025-06", "--months", "3")
    assert sorted(StatusSnapshot.objects.values_list("as_of", flat=True)) == [
        date(2025, 4, 30), date(2025, 5, 31), date(2025, 6, 30)]
    assert "2025-06: 1 indicators frozen" in capsys.readouterr().out


@pytest.mark.parametrize("month", ["2025-13", "2025-Q2", "june"])
def test_command_refuses_a_bad_month_with_the_reason(db, month):
    with pytest.raises(CommandError):
        call_command("freeze_snapshots", "--month", month)


@time_machine.travel("2025-06-10 10:00 +08:00", tick=False)
def test_command_refuses_a_month_not_begun(db):
    with pytest.raises(CommandError, match="2025-07"):
        call_command("freeze_snapshots", "--month", "2025-07")


@time_machine.travel("2025-06-10 10:00 +08:00", tick=False)
def test_the_month_under_way_is_evaluated_on_today(indicator):
    call_command("freeze_snapshots", "--month", "2025-06")
    snapshot = StatusSnapshot.objects.get()
    assert snapshot.as_of == date(2025, 6, 30) and snapshot.evaluated_on == date(2025, 6, 10)
    assert snapshot.is_provisional


def test_township_shares_get_their_own_light(indicator, town_unit, town_reporter):
    from targets.models import Allocation

    Allocation.objects.create(indicator=indicator, unit=town_unit, target_value=100)
    submitted(indicator, town_unit, date(2025, 5, 1), 100, date(2025, 5, 20), town_reporter)
    services.snapshot_freeze(as_of=date(2025, 5, 31))
    share = StatusSnapshot.objects.get(unit=town_unit)
    county = StatusSnapshot.objects.get(unit__isnull=True)
    assert share.status == "done"  # 100 of its own 100
    # The county figure is judged against the county's 1,200: 100 by the 25 May checkpoint is far behind.
    assert county.status == "red" and county.actual == 100
