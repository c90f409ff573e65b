"""No lost updates over the API: ETag on read, If-Match on write (428 without, 412 when stale)."""

import os
import threading
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from accounts.models import AuditEvent
from core.versions import ConflictError, save_if_version
from targets.choices import ReportStatus
from targets.models import ProgressReport

from ..conftest import api_as
from ..factories import ProgressReportFactory, UserFactory


@pytest.fixture(autouse=True)
def in_june_2025():
    """The reports here are for May 2025: inside June its period is still open for changes."""
    with time_machine.travel("2025-06-10 10:00 +0800"):
        yield


@pytest.fixture
def report(indicator, dept, dept_reporter):
    return ProgressReportFactory(indicator=indicator, unit=dept, created_by=dept_reporter, value=Decimal("100"))


def test_a_report_carries_its_version_as_etag(dept_reporter, report):
    response = api_as(dept_reporter).get(f"/api/progress-reports/{report.pk}/")
    assert response["ETag"] == '"1"'


def test_an_update_without_if_match_is_428_and_changes_nothing(dept_reporter, report):
    response = api_as(dept_reporter).patch(f"/api/progress-reports/{report.pk}/", {"value": 300}, format="json")
    assert response.status_code == 428
    assert response.json()["code"] == "precondition_required"
    report.refresh_from_db()
    assert report.value == Decimal("100") and report.version == 1


def test_two_clients_racing_on_one_report_one_wins_the_other_gets_412(dept, report):
    first, second = (api_as(UserFactory(unit=dept)) for _ in range(2))
    url = f"/api/progress-reports/{report.pk}/"
    etag_first, etag_second = first.get(url)["ETag"], second.get(url)["ETag"]
    assert etag_first == etag_second

    won = first.patch(url, {"value": 300, "narrative": "改厕300座"}, format="json", HTTP_IF_MATCH=etag_first)
    lost = second.patch(url, {"value": 999}, format="json", HTTP_IF_MATCH=etag_second)

    assert won.status_code == 200 and won["ETag"] == '"2"'
    assert lost.status_code == 412
    body = lost.json()
    assert body["code"] == "precondition_failed"
    assert body["current"]["value"] == 300 and body["current"]["version"] == 2
    assert lost["ETag"] == '"2"'
    report.refresh_from_db()
    assert report.value == Decimal("300")
    assert AuditEvent.objects.filter(action="report.update").count() == 1


def test_the_loser_succeeds_after_reloading(dept, report):
    client = api_as(UserFactory(unit=dept))
    url = f"/api/progress-reports/{report.pk}/"
    stale = client.get(url)["ETag"]
    ProgressReport.objects.filter(pk=report.pk).update(version=2)
    assert client.patch(url, {"value": 5}, format="json", HTTP_IF_MATCH=stale).status_code == 412
    fresh = client.get(url)["ETag"]
    assert client.patch(url, {"value": 5}, format="json", HTTP_IF_MATCH=fresh).status_code == 200


def test_a_put_of_what_was_read_with_one_change_is_accepted(dept_reporter, report):
    client = api_as(dept_reporter)
    url = f"/api/progress-reports/{report.pk}/"
    read = client.get(url)
    body = read.json() | {"narrative": "完成改厕"}
    response = client.put(url, body, format="json", HTTP_IF_MATCH=read["ETag"])
    assert response.status_code == 200, response.json()
    assert response.json()["narrative"] == "完成改厕" and response.json()["version"] == 2


def test_a_weak_etag_from_a_proxy_still_matches(dept_reporter, report):
    response = api_as(dept_reporter).patch(
        f"/api/progress-reports/{report.pk}/", {"value": 7}, format="json", HTTP_IF_MATCH='W/"1"'
    )
    assert response.status_code == 200


def test_a_stale_if_match_on_submit_is_412(dept_reporter, report):
    response = api_as(dept_reporter).post(f"/api/progress-reports/{report.pk}/submit/", HTTP_IF_MATCH='"7"')
    assert response.status_code == 412
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_two_supervisors_racing_on_an_indicator_one_wins(supervisor, indicator):
    other = UserFactory(role=supervisor.role, region=supervisor.region)
    first, second = api_as(supervisor), api_as(other)
    url = f"/api/indicators/{indicator.pk}/"
    etag = first.get(url)["ETag"]
    assert second.get(url)["ETag"] == etag

    won = first.patch(
        url,
        {"target_value": 1500, "milestones": [{"date": "2025-06-30", "value": 600}]},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    lost = second.patch(url, {"name": "另一个名字"}, format="json", HTTP_IF_MATCH=etag)

    assert won.status_code == 200, won.json()
    assert won["ETag"] != etag
    assert lost.status_code == 412
    assert lost.json()["current"]["target_value"] == 1500
    indicator.refresh_from_db()
    assert indicator.target_value == Decimal("1500") and indicator.name == "改建卫生厕所"
    assert [m.value for m in indicator.milestones.all()] == [Decimal("600")]
    assert AuditEvent.objects.filter(action="indicator.update").count() == 1


def test_an_indicator_update_without_if_match_is_428(supervisor, indicator):
    response = api_as(supervisor).patch(f"/api/indicators/{indicator.pk}/", {"name": "x"}, format="json")
    assert response.status_code == 428


def test_an_indicator_etag_survives_a_save_that_changes_nothing(supervisor, indicator):
    client = api_as(supervisor)
    url = f"/api/indicators/{indicator.pk}/"
    etag = client.get(url)["ETag"]
    response = client.patch(url, {"name": indicator.name}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] == etag == client.get(url)["ETag"]


def test_save_if_version_lets_only_one_of_two_stale_copies_win(report):
    first, second = ProgressReport.objects.get(pk=report.pk), ProgressReport.objects.get(pk=report.pk)
    save_if_version(first, 1, {"value": Decimal("10")})
    with pytest.raises(ConflictError) as caught:
        save_if_version(second, 1, {"value": Decimal("20")})
    assert caught.value.current.version == 2
    assert ProgressReport.objects.get(pk=report.pk).value == Decimal("10")


@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_simultaneous_patches_on_postgres_never_both_win(indicator, dept):
    """Two threads PATCH at the same moment with the same ETag: the row lock lets exactly one through."""
    report = ProgressReportFactory(
        indicator=indicator, unit=dept, created_by=UserFactory(unit=dept), period_start=date(2025, 5, 1)
    )
    users = [UserFactory(unit=dept) for _ in range(4)]
    barrier = threading.Barrier(len(users))
    codes = []

    def patch(user, value):
        try:
            client = api_as(user)
            barrier.wait()
            codes.append(
                client.patch(
                    f"/api/progress-reports/{report.pk}/", {"value": value}, format="json", HTTP_IF_MATCH='"1"'
                ).status_code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=patch, args=(user, 10 + i)) for i, user in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200, 412, 412, 412]
    report.refresh_from_db()
    assert report.version == 2
