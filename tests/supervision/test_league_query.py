"""The county league's one hand-written query (county_performance) gives what the grouped querysets of
the province's league (_performance) and the data stamp (taken_at) give over the same lights."""

from datetime import date

import pytest
import time_machine

from accounts.models import Role
from supervision import selectors
from supervision.figures.reporting import _performance, county_performance
from supervision.figures.scope import _scope
from supervision.services import snapshot_freeze
from targets.lights import lights_rejudge_all
from targets.models import Indicator, Plan

from ..factories import UserFactory
from .test_query_counts import build_county


@pytest.mark.parametrize("end", [date(2025, 6, 30), date(2025, 7, 31)])
@pytest.mark.parametrize("by_plan", [False, True])
@time_machine.travel("2025-07-10 10:00 +08:00", tick=False)
def test_county_performance_is_the_grouped_querysets(db, end, by_plan):
    county, _indicator = build_county("330302000000", 60, UserFactory(username="a1", role=Role.ADMIN))
    snapshot_freeze(as_of=date(2025, 6, 30), indicators=Indicator.objects.filter(target__plan__region=county))
    lights_rejudge_all()
    plan = Plan.objects.filter(region=county).first() if by_plan else None
    led, shares, at = county_performance(region=county, end=end, plan=plan)
    assert led == _performance(_scope(region=county, end=end, plan=plan), "indicator__target__lead_units")
    assert shares == _performance(_scope(region=county, end=end, plan=plan, shares=True), "unit_id")
    assert led and shares
    assert at == selectors.taken_at(region=county, as_of=end, plan=plan)
