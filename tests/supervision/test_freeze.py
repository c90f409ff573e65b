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
        date(2025, 4, 30),
        date(2025, 5, 31),
        date(2025, 6, 30),
    ]
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


def test_freeze_gives_the_same_lights_as_the_plan_pages(
    indicator, target, dept, dept_reporter, town_unit, town_reporter
):
    """The freeze reads reports leaner than targets.selectors.indicator_rows; the lights must not differ."""
    from targets import selectors
    from targets.models import Allocation, Indicator, Milestone

    from ..factories import IndicatorFactory

    milestone = IndicatorFactory(target=target, name="里程碑", kind="milestone", target_value=100, unit="%")
    Milestone.objects.create(indicator=milestone, date=date(2025, 4, 30), value=60)
    allocated = IndicatorFactory(target=target, name="分解")
    Allocation.objects.create(indicator=allocated, unit=town_unit, target_value=600)
    Allocation.objects.create(indicator=allocated, unit=dept, target_value=600)
    submitted(indicator, dept, date(2025, 4, 1), 300, date(2025, 4, 20), dept_reporter)
    submitted(indicator, town_unit, date(2025, 4, 1), 400, date(2025, 5, 2), town_reporter)  # a second reporter
    submitted(milestone, dept, date(2025, 5, 1), 30, date(2025, 5, 20), dept_reporter)
    submitted(allocated, town_unit, date(2025, 5, 1), 250, date(2025, 5, 20), town_reporter)
    submitted(allocated, dept, date(2025, 4, 1), 200, date(2025, 4, 20), dept_reporter)
    for day in (date(2025, 4, 30), date(2025, 5, 31), date(2025, 6, 30)):
        services.snapshot_freeze(as_of=day)
        expected = selectors.indicator_rows(Indicator.objects.all(), day)
        frozen = {s.indicator_id: s for s in StatusSnapshot.objects.filter(as_of=day, unit__isnull=True)}
        assert {
            pk: (row.status.status, row.status.actual, list(row.status.reasons)) for pk, row in expected.items()
        } == {pk: (s.status, s.actual, s.reason_words) for pk, s in frozen.items()}
