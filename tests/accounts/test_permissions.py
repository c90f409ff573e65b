"""Each role predicate of accounts.permissions, over the shared users and one of every other role."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts import permissions as may
from accounts.models import Role
from regions.models import RegionLevel

from ..factories import RegionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(county, supervisor, dept_reporter, town_reporter, stranger):
    return {
        "supervisor": supervisor,
        "dept_reporter": dept_reporter,
        "town_reporter": town_reporter,
        "stranger": stranger,
        "leader": UserFactory(username="lingdao", role=Role.LEADER, region=county),
        "admin": UserFactory(username="sysadmin", role=Role.ADMIN),
        "auditor": UserFactory(username="shenji", role=Role.AUDITOR, region=county),
        "anonymous": AnonymousUser(),
    }


def holders(cast, predicate, *args):
    return {name for name, user in cast.items() if predicate(user, *args)}


def test_the_office_is_the_supervision_office_and_the_administrator(cast):
    assert holders(cast, may.is_office) == {"supervisor", "admin"}


def test_each_single_role_predicate_names_its_role(cast):
    assert holders(cast, may.is_leader) == {"leader"}
    assert holders(cast, may.is_admin) == {"admin"}
    assert holders(cast, may.is_reporter) == {"dept_reporter", "town_reporter", "stranger"}
    assert holders(cast, may.reads_audit_log) == {"auditor"}


def test_leaders_and_auditors_read_only(cast):
    assert holders(cast, may.is_read_only) == {"leader", "auditor"}


def test_everyone_but_reporters_reads_the_whole_region(cast):
    assert holders(cast, may.sees_whole_region) == {"supervisor", "leader", "admin", "auditor"}


def test_a_reporter_reports_for_its_own_unit_only(cast, dept, other_unit):
    assert holders(cast, may.can_report_for, dept) == {"dept_reporter"}
    assert holders(cast, may.can_report_for, other_unit) == {"stranger"}
    assert holders(cast, may.can_report_for, None) == set()


def test_the_office_reviews_only_inside_its_region(cast, county, indicator):
    assert holders(cast, may.can_review, indicator) == {"supervisor", "admin"}
    elsewhere = RegionFactory(code="610429000000", name="旬邑县", level=RegionLevel.COUNTY)
    xunyi_office = UserFactory(username="xunyi", role=Role.SUPERVISOR, region=elsewhere)
    assert not may.can_review(xunyi_office, indicator)
    assert may.oversees(xunyi_office, elsewhere) and not may.oversees(xunyi_office, county)


def test_a_user_without_a_region_is_in_every_region(cast, county):
    assert may.in_region(cast["admin"], county)
    city_office = UserFactory(
        username="city",
        role=Role.SUPERVISOR,
        region=RegionFactory(code="330300000000", name="温州市", level=RegionLevel.CITY),
    )
    assert may.in_region(city_office, county)


def test_plans_are_managed_imported_and_reports_asked_for_by_the_office(cast, county):
    assert holders(cast, may.can_manage_plans) == {"supervisor", "admin"}
    assert holders(cast, may.can_import_plans, county) == {"supervisor", "admin"}
    assert holders(cast, may.can_request_reports) == {"supervisor", "admin"}
    assert holders(cast, may.can_import_regions) == {"supervisor", "admin"}


def test_an_export_opens_for_who_asked_for_it_and_for_an_administrator(cast):
    job = SimpleNamespace(created_by_id=cast["supervisor"].pk)
    assert holders(cast, may.can_open_export, job) == {"supervisor", "admin"}


def test_supervision_is_issued_by_the_office_and_answered_by_the_unit(cast, dept):
    assert holders(cast, may.can_supervise) == {"supervisor", "admin"}
    item = SimpleNamespace(unit_id=dept.pk)
    assert holders(cast, may.can_answer_supervision, item) == {"dept_reporter"}


def test_village_income_is_entered_by_its_townships_reporter_and_reviewed_by_the_office(cast, township):
    village = RegionFactory(code="330305101201", name="东岙村", level=RegionLevel.VILLAGE, parent=township)
    assert holders(cast, may.can_enter_village_income, village) == {"town_reporter"}
    assert holders(cast, may.can_import_village_income) == {"town_reporter"}
    assert holders(cast, may.can_review_income) == {"supervisor", "admin"}


def test_pages_read_the_same_predicates_through_the_may_context(cast, rf):
    from accounts.context_processors import role_predicates

    def may(name):
        request = rf.get("/")
        request.user = cast[name]
        return {k for k, v in role_predicates(request)["may"].items() if v}

    assert may("supervisor") == {"office", "whole_region"}
    assert may("dept_reporter") == {"reporter"}
    assert may("auditor") == {"audit", "whole_region"}
    assert may("anonymous") == set()


def test_the_menu_shows_the_office_its_links_and_a_reporter_its_own(client, supervisor, dept_reporter):
    client.force_login(supervisor)
    html = client.get("/").content.decode()
    assert 'id="nav-review"' in html and "/reports/import/" in html and 'id="nav-my-work"' not in html
    client.force_login(dept_reporter)
    html = client.get("/").content.decode()
    assert 'id="nav-my-work"' in html and 'id="nav-review"' not in html and "/reports/import/" not in html


def test_no_module_or_template_outside_the_role_modules_compares_a_role():
    """Who may do what is decided in accounts.permissions; a new `user.role == …` elsewhere is a second copy."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    allowed = {"accounts/permissions.py", "accounts/roles.py", "accounts/models.py"}
    pattern = re.compile(r"\brole\s*(==|!=|not\s+in\b|in\b)")
    found = []
    for folder in (
        "accounts",
        "targets",
        "villages",
        "supervision",
        "reports",
        "instructions",
        "core",
        "regions",
        "config",
        "templates",
    ):
        for path in (root / folder).rglob("*"):
            name = path.relative_to(root).as_posix()
            if path.suffix not in (".py", ".html") or "/migrations/" in name or name in allowed:
                continue
            found += [
                f"{name}:{n}"
                for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if pattern.search(line)
            ]
    assert found == []


def test_an_instruction_is_closed_by_the_leader_who_wrote_it_or_the_office_of_its_region(cast, county):
    elsewhere = RegionFactory(code="330200000000", name="别县", level=RegionLevel.COUNTY)
    written = SimpleNamespace(author_id=cast["leader"].pk, region=county)
    assert holders(cast, may.can_close_instruction, written) == {"leader", "supervisor", "admin"}
    by_another = SimpleNamespace(author_id=None, region=county)
    assert holders(cast, may.can_close_instruction, by_another) == {"supervisor", "admin"}
    assert holders(cast, may.can_close_instruction, SimpleNamespace(author_id=None, region=elsewhere)) == {"admin"}
