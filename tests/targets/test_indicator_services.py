"""Only the supervision office of the plan's region defines and changes indicators (checked in the service)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from regions.models import RegionLevel
from targets import services
from targets.models import Indicator, Milestone

from ..factories import RegionFactory, UserFactory

pytestmark = pytest.mark.django_db
FIELDS = {
    "name": "新建村道公里数",
    "kind": "increase",
    "unit": "公里",
    "baseline": Decimal("0"),
    "target_value": Decimal("12"),
    "start_date": date(2025, 1, 1),
    "deadline": date(2025, 12, 31),
    "frequency": "monthly",
}


def test_the_office_of_the_region_creates_an_indicator(target, supervisor):
    indicator = services.indicator_create(target=target, by=supervisor, **FIELDS)
    assert indicator.pk and indicator.name == "新建村道公里数"


def test_a_reporter_or_the_office_of_another_county_cannot_create_or_change_one(target, indicator, dept_reporter):
    elsewhere = RegionFactory(code="610429000000", name="旬邑县", level=RegionLevel.COUNTY)
    before = Indicator.objects.count()
    for user in (dept_reporter, UserFactory(username="xunyi", role=Role.SUPERVISOR, region=elsewhere)):
        with pytest.raises(PermissionDenied):
            services.indicator_create(target=target, by=user, **FIELDS)
        with pytest.raises(PermissionDenied):
            services.indicator_update(
                indicator=indicator,
                by=user,
                expected_fingerprint=services.indicator_fingerprint(indicator),
                name="改名",
            )
    assert Indicator.objects.count() == before
    indicator.refresh_from_db()
    assert indicator.name != "改名"


def test_an_indicator_refused_at_its_second_milestone_is_not_created_with_its_first(target, supervisor):
    """Two stages on one date: the second milestone fails its unique check after the indicator and the first
    stage were saved; nothing of the indicator may stay behind."""
    before = Indicator.objects.count()
    stages = [(date(2025, 6, 30), Decimal("4")), (date(2025, 6, 30), Decimal("6"))]
    with pytest.raises(ValidationError):
        services.indicator_create(target=target, by=supervisor, milestones=stages, **FIELDS)
    assert Indicator.objects.count() == before
    assert not Milestone.objects.filter(indicator__name=FIELDS["name"]).exists()


def test_the_units_of_a_target_change_all_or_not_at_all(target, dept, other_unit, township):
    """The co-units fail to write (a township region where a unit belongs) after the leads were replaced:
    the old leads stay."""
    with pytest.raises(ValueError):
        services.target_units_set(target=target, leads=[other_unit], co_units=[township])
    assert list(target.lead_units.all()) == [dept]
    assert not target.co_units.exists()
