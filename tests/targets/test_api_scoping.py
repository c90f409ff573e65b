"""Every list and detail endpoint shows a reporter of another unit nothing: empty lists, 404 details."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Role
from regions.models import RegionLevel
from supervision.models import StatusSnapshot

from ..conftest import api_as
from ..factories import ProgressReportFactory, RegionFactory, SectionFactory, UserFactory


@pytest.fixture
def world(plan, target, indicator, dept, dept_reporter):
    """One object of every kind, all belonging to the agriculture bureau's target."""
    section = SectionFactory(plan=plan)
    target.section = section
    target.save()
    milestone = indicator.milestones.create(date=date(2025, 6, 30), value=Decimal("500"))
    report = ProgressReportFactory(indicator=indicator, unit=dept, created_by=dept_reporter)
    snapshot = StatusSnapshot.objects.create(indicator=indicator, as_of=date(2025, 5, 31), status="green")
    return {
        "plans": plan.pk,
        "sections": section.pk,
        "targets": target.pk,
        "indicators": indicator.pk,
        "milestones": milestone.pk,
        "progress-reports": report.pk,
        "status-snapshots": snapshot.pk,
    }


RESOURCES = ["plans", "sections", "targets", "indicators", "milestones", "progress-reports", "status-snapshots"]


@pytest.mark.parametrize("resource", RESOURCES)
def test_reporter_of_another_unit_gets_an_empty_list_and_404(world, stranger, resource):
    client = api_as(stranger)
    listing = client.get(f"/api/{resource}/")
    assert listing.status_code == 200
    assert listing.json()["count"] == 0
    assert client.get(f"/api/{resource}/{world[resource]}/").status_code == 404


@pytest.mark.parametrize("resource", RESOURCES)
def test_reporter_of_the_unit_sees_each_of_its_objects(world, dept_reporter, resource):
    client = api_as(dept_reporter)
    assert [row["id"] for row in client.get(f"/api/{resource}/").json()["results"]] == [world[resource]]
    assert client.get(f"/api/{resource}/{world[resource]}/").status_code == 200


def test_supervisor_of_another_county_sees_nothing_of_this_one(world):
    elsewhere = RegionFactory(code="610429000000", name="旬邑县", level=RegionLevel.COUNTY)
    outsider = UserFactory(role=Role.SUPERVISOR, region=elsewhere)
    client = api_as(outsider)
    for resource in RESOURCES:
        assert client.get(f"/api/{resource}/").json()["count"] == 0, resource
        assert client.get(f"/api/{resource}/{world[resource]}/").status_code == 404, resource


@pytest.mark.parametrize("who", ["supervisor", "dept_reporter", "stranger"])
def test_only_administrators_reach_user_accounts(request, who, dept_reporter):
    client = api_as(request.getfixturevalue(who))
    assert client.get("/api/users/").status_code == 403
    assert client.get(f"/api/users/{dept_reporter.pk}/").status_code == 403
