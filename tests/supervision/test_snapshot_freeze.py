from datetime import date
from decimal import Decimal

import pytest

from core.periods import month_end
from supervision.models import StatusSnapshot
from supervision.services import snapshot_freeze
from targets.choices import ReportStatus
from targets.models import Indicator

from ..factories import ProgressReportFactory


def test_month_end_handles_february_of_a_leap_year():
    assert month_end(date(2024, 2, 3)) == date(2024, 2, 29)


def test_freezing_twice_replaces_the_month_rather_than_duplicating_it(indicator, dept, dept_reporter):
    snapshot_freeze(as_of=date(2025, 6, 30))
    ProgressReportFactory(
        indicator=indicator,
        unit=dept,
        period_start=date(2025, 6, 1),
        value=Decimal("1200"),
        status=ReportStatus.SUBMITTED,
        submitted_by=dept_reporter,
        submitted_at="2025-06-20T10:00:00+08:00",
        created_by=dept_reporter,
    )
    assert snapshot_freeze(as_of=date(2025, 6, 30), indicators=Indicator.objects.all()) == 1
    snapshot = StatusSnapshot.objects.get()
    assert snapshot.status == "done"
    assert snapshot.actual == Decimal("1200")


@pytest.mark.parametrize("seed", range(2))
def test_the_month_end_freeze_from_stored_lights_equals_a_fresh_judgement(
    seed, county, target, dept, dept_reporter, town_unit, town_reporter, supervisor
):
    """The freeze copies the stored lights that held at the month end; they must be the lights a
    fresh judgement of that day gives, after a month of random writes through the services."""
    import random
    from datetime import timedelta

    from supervision.models import StatusSnapshot
    from supervision.services import snapshot_freeze
    from targets import lights, rules, selectors
    from targets.models import Indicator

    from ..targets.test_lights import Cast, _act, at

    rng = random.Random(seed)
    cast = Cast(county, target, dept, dept_reporter, town_unit, town_reporter, supervisor)
    day = date(2025, 5, 20)
    with at(day):
        lights.lights_rejudge_all()
    while day < date(2025, 7, 1):
        day += timedelta(days=rng.choice([1, 2, 3]))
        with at(day):
            lights.lights_rejudge_due()
            for _ in range(rng.randint(0, 3)):
                _act(rng, cast, day)
    with at(date(2025, 7, 1), hour=0):
        snapshot_freeze(as_of=date(2025, 6, 30))
    frozen = {
        (s.indicator_id, s.unit_id): (s.status, s.actual, list(s.reasons))
        for s in StatusSnapshot.objects.filter(as_of=date(2025, 6, 30))
    }
    end = date(2025, 6, 30)
    rows = selectors.judge(list(Indicator.objects.filter(pk__in=cast.ids).select_related("target__plan")), end)
    fresh = {(pk, None): row.status for pk, row in rows.items()}
    for allocation, status in selectors.share_statuses({pk: r.indicator for pk, r in rows.items()}, end):
        fresh[allocation.indicator_id, allocation.unit_id] = status
    # Reasons are frozen as their codes and parameters, like the stored lights.
    assert frozen == {k: (s.status, s.actual, [rules.reason_data(r) for r in s.reasons]) for k, s in fresh.items()}
    assert all(isinstance(r, list) for reasons in frozen.values() for r in reasons[2])


def test_a_reporter_calling_the_freeze_service_is_refused_and_nothing_is_frozen(indicator, dept_reporter):
    from accounts.models import AuditEvent
    from supervision.services import NotAllowed

    with pytest.raises(NotAllowed):
        snapshot_freeze(as_of=date(2025, 6, 30), by=dept_reporter)
    assert not StatusSnapshot.objects.exists()
    assert not AuditEvent.objects.filter(action="snapshot.freeze").exists()


def test_the_office_and_the_system_may_freeze(indicator, supervisor):
    assert snapshot_freeze(as_of=date(2025, 6, 30), by=supervisor) == 1
    assert snapshot_freeze(as_of=date(2025, 5, 31)) == 1
