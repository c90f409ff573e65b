"""Global search finds plans, tasks, indicators, units, villages and reports, only among what the user may see."""

import re

import pytest

from ..factories import IndicatorFactory, ProgressReportFactory, TargetFactory


@pytest.fixture
def found(indicator, dept, dept_reporter, other_unit):
    indicator.name = "改建卫生厕所"
    indicator.save()
    ProgressReportFactory(indicator=indicator, unit=dept, created_by=dept_reporter)
    theirs = TargetFactory(plan=indicator.target.plan, name="学校厕所改造")
    theirs.lead_units.add(other_unit)
    IndicatorFactory(target=theirs, name="改造学校厕所")
    return indicator


def kinds(client, q) -> dict[str, str]:
    html = client.get("/supervision/search/", {"q": q}).content.decode()
    return dict(re.findall(r'<section class="card" data-kind="(\w+)">(.*?)</section>', html, flags=re.S))


def test_the_office_finds_every_kind_in_its_region(client, supervisor, found):
    client.force_login(supervisor)
    hits = kinds(client, "厕所")
    assert {"targets", "indicators", "reports"} <= set(hits)
    assert "改建卫生厕所" in hits["indicators"] and "改造学校厕所" in hits["indicators"]
    assert f'href="/supervision/indicators/{found.pk}/"' in hits["indicators"]
    assert "区教育局" in kinds(client, "教育局")["units"]


def test_a_reporter_finds_only_its_own_units_things(client, dept_reporter, found):
    client.force_login(dept_reporter)
    hits = kinds(client, "厕所")
    assert "改建卫生厕所" in hits["indicators"] and "改造学校厕所" not in hits["indicators"]
    assert "units" not in kinds(client, "教育局")
    assert "没有与“教育局”相符" in client.get("/supervision/search/", {"q": "教育局"}).content.decode()


def test_leaders_instructions_are_found_only_by_those_who_may_see_them(
    client, indicator, county, dept_reporter, supervisor, stranger
):
    from accounts.models import Role
    from instructions import services

    from ..factories import UserFactory

    leader = UserFactory(username="lingdao", role=Role.LEADER, region=county)
    instruction = services.instruction_issue(kind="indicator", target=indicator, by=leader, text="抓紧推进农村改厕")
    link = f'href="/instructions/{instruction.pk}/"'
    for user in (supervisor, dept_reporter, leader):
        client.force_login(user)
        hits = kinds(client, "改厕 抓紧")
        assert link in hits["instructions"] and "领导批示" in hits["instructions"], user.username
    client.force_login(stranger)  # another unit's reporter: the instruction does not reach it
    assert "instructions" not in kinds(client, "改厕")
