"""The supervision office sets a county's weak-village threshold and income tiers at /villages/settings/."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, Role
from villages.models import CountyEconomySettings

from ..factories import RegionFactory, UserFactory
from .conftest import approved

pytestmark = pytest.mark.django_db
URL = reverse("villages:economy-settings")


@pytest.fixture
def income(villages, supervisor):
    approved(villages["a"], 2024, 120, 60, supervisor)
    approved(villages["d"], 2024, 30, 12, supervisor)


def classes(client):
    rows = client.get(reverse("villages:village-list"), {"year": 2024}).context["rows"]
    return {row.village.name: row.category for row in rows if row.income is not None}


def test_the_office_changes_the_tiers_and_every_class_follows_at_once(client, county, supervisor, income):
    client.force_login(supervisor)
    assert classes(client) == {"观音礁村": "50", "口筐村": "10"}
    page = client.get(URL)
    assert page.status_code == 200 and page.context["county"] == county
    assert page.context["form"].initial["tiers"] == "10, 25, 50, 100" and page.context["current"] is None
    response = client.post(
        URL + f"?county={county.code}", {"weak_threshold": "15", "tiers": "20，40、80", "version": ""}
    )
    assert response.status_code == 302
    assert classes(client) == {"观音礁村": "40", "口筐村": "weak"}  # 12 万元: under 20 and under 15
    saved = CountyEconomySettings.objects.get(county=county)
    assert (saved.tiers, saved.weak_threshold, saved.version) == ([20, 40, 80], Decimal("15.00"), 1)
    event = AuditEvent.objects.get(action="economy_settings.create")
    assert event.old is None and event.new == {"weak_threshold": "15", "tiers": [20, 40, 80], "version": 1}
    client.post(URL + f"?county={county.code}", {"weak_threshold": "10", "tiers": "5, 20, 80.5", "version": "1"})
    saved.refresh_from_db()
    assert (saved.tiers, saved.version) == ([5, 20, 80.5], 2)
    assert classes(client) == {"观音礁村": "20", "口筐村": "5"}
    event = AuditEvent.objects.get(action="economy_settings.update")
    assert event.old == {"weak_threshold": "15.00", "tiers": [20, 40, 80]} and event.new["weak_threshold"] == "10"


def test_a_stale_form_is_refused_and_nothing_is_overwritten(client, county, supervisor):
    CountyEconomySettings.objects.create(county=county, tiers=[10, 30], version=3)
    client.force_login(supervisor)
    response = client.post(
        URL + f"?county={county.code}", {"weak_threshold": "9", "tiers": "1, 2", "version": "2"}, follow=True
    )
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert response.context["form"].initial["tiers"] == "10, 30"  # what is saved now, to start again from
    assert CountyEconomySettings.objects.get(county=county).tiers == [10, 30]
    assert not AuditEvent.objects.filter(action__startswith="economy_settings").exists()


@pytest.mark.parametrize("tiers, message", [("10, 5", "increasing"), ("10, abc", "abc"), ("0, 10", "positive")])
def test_bad_tiers_are_refused_with_the_reason(client, county, supervisor, tiers, message, settings):
    settings.LANGUAGE_CODE = "en"
    client.force_login(supervisor)
    response = client.post(
        URL + f"?county={county.code}",
        {"weak_threshold": "10", "tiers": tiers, "version": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200 and message in str(response.context["form"].errors["tiers"])
    assert not CountyEconomySettings.objects.exists()


def test_only_the_office_of_the_county_may_change_it(client, county, dept_reporter, supervisor):
    for user in (dept_reporter, UserFactory(role=Role.LEADER, region=county), UserFactory(role=Role.AUDITOR)):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL + f"?county={county.code}", {"weak_threshold": "1", "tiers": ""}).status_code == 403
    elsewhere = RegionFactory(code="610000000000", name="陕西省", level="province")
    far = RegionFactory(code="610429000000", name="旬邑县", level="county", parent=elsewhere)
    client.force_login(supervisor)
    client.post(URL + f"?county={far.code}", {"weak_threshold": "1", "tiers": "", "version": ""})
    assert not CountyEconomySettings.objects.filter(county=far).exists()


def test_a_province_office_chooses_the_county_first(client, county):
    province = RegionFactory(code="330000000000", name="浙江省", level="province")
    RegionFactory(code="330302000000", name="鹿城区", level="county")
    client.force_login(UserFactory(role=Role.SUPERVISOR, region=province))
    page = client.get(URL)
    assert page.status_code == 200 and page.context["county"] is None and county in page.context["counties"]
    assert client.get(URL, {"county": county.code}).context["county"] == county


def test_a_county_outside_the_office_is_not_found_and_nothing_is_saved(client, county, supervisor):
    client.force_login(supervisor)
    assert (
        client.post(URL + "?county=610429000000", {"weak_threshold": "1", "tiers": "", "version": ""}).status_code
        == 404
    )
    assert not CountyEconomySettings.objects.exists()


def test_a_post_without_a_county_saves_nothing_when_there_are_several(client, county):
    RegionFactory(code="330302000000", name="鹿城区", level="county")
    client.force_login(UserFactory(role=Role.SUPERVISOR, region=RegionFactory(code="330000000000", level="province")))
    assert client.post(URL, {"weak_threshold": "1", "tiers": "", "version": ""}).status_code == 400
    assert not CountyEconomySettings.objects.exists()


def test_an_unchanged_save_in_the_admin_keeps_the_version(client, county):
    saved = CountyEconomySettings.objects.create(county=county, tiers=[10, 30])
    client.force_login(UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True))
    url = f"/admin/villages/countyeconomysettings/{saved.pk}/change/"
    # initial-tiers: the admin's hidden copy of a field with a callable default, as a browser sends it
    client.post(url, {"county": county.pk, "weak_threshold": "10.00", "tiers": "[10, 30]", "initial-tiers": "[10, 30]"})
    saved.refresh_from_db()
    assert saved.version == 1
    client.post(url, {"county": county.pk, "weak_threshold": "12", "tiers": "[10, 30]", "initial-tiers": "[10, 30]"})
    saved.refresh_from_db()
    assert saved.version == 2
