"""Who the supervision office of a region is (accounts.selectors.office_of), in one query."""

import pytest

from accounts.selectors import office_of

pytestmark = pytest.mark.django_db


def names(users):
    return {u.username.removeprefix("office_") for u in users}


def test_the_office_of_a_township_is_its_own_and_every_office_above_it(offices, township, django_assert_num_queries):
    with django_assert_num_queries(1):
        told = names(office_of(township))
    assert told == {"duchashi", "township", "city", "province", "everywhere"}


def test_the_office_of_a_county_leaves_out_its_townships_other_counties_and_inactive_people(offices, county):
    assert names(office_of(county)) == {"duchashi", "city", "province", "everywhere"}
    assert names(office_of(offices["other_township"].region)) == {
        "other_township",
        "other_county",
        "city",
        "province",
        "everywhere",
    }


def test_own_only_is_the_supervisors_of_exactly_that_region(offices, county, township):
    assert names(office_of(county, own_only=True)) == {"duchashi"}
    assert names(office_of(township, own_only=True)) == {"township"}
    assert names(office_of(offices["province"].region, own_only=True)) == {"province"}
