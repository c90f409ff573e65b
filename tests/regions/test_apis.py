"""The region and unit endpoints show a user the regions and units of its own area only: others are 404."""

import pytest

from accounts.models import Role
from regions.models import RegionLevel

from ..conftest import api_as
from ..factories import RegionFactory, UnitFactory, UserFactory


@pytest.fixture
def outsider(db):
    """A reporter in another county (旬邑县), who must not see 洞头区's regions and units."""
    county = RegionFactory(code="610429000000", name="旬邑县", level=RegionLevel.COUNTY)
    return UserFactory(role=Role.REPORTER, unit=UnitFactory(county=county, name="县农业农村局"))


def test_regions_and_units_of_another_county_are_404(outsider, county, township, dept):
    client = api_as(outsider)
    codes = [r["code"] for r in client.get("/api/regions/?page_size=500").json()["results"]]
    assert "610429000000" in codes and county.code not in codes and township.code not in codes
    assert client.get(f"/api/regions/{county.pk}/").status_code == 404
    assert client.get(f"/api/regions/{township.pk}/").status_code == 404
    assert [u["name"] for u in client.get("/api/units/").json()["results"]] == ["县农业农村局"]
    assert client.get(f"/api/units/{dept.pk}/").status_code == 404


def test_a_reporter_sees_the_regions_and_units_of_its_county(stranger, county, township, dept, other_unit):
    client = api_as(stranger)
    codes = {r["code"] for r in client.get(f"/api/regions/?within={county.code}").json()["results"]}
    assert codes == {county.code, township.code}
    assert {u["name"] for u in client.get("/api/units/").json()["results"]} == {"区农业农村局", "区教育局"}
