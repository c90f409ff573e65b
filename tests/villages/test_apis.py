"""The village API: scope (404 outside the township), If-Match on updates, the review cycle, error format."""

from decimal import Decimal

from tests.conftest import api_as
from villages.models import IncomeRecord, RecordStatus


def create(client, code="330305101201", **extra):
    body = {"village": code, "year": 2024, "total_income": "56.30", "operating_income": "31.25"} | extra
    return client.post("/api/income-records/", body, format="json")


def test_a_township_reporter_lists_only_its_villages(villages, town_reporter):
    response = api_as(town_reporter).get("/api/villages/")
    assert [v["code"] for v in response.json()["results"]] == ["330305101001", "330305101201", "330305101202"]
    assert api_as(town_reporter).get(f"/api/villages/{villages['d'].pk}/").status_code == 404


def test_a_record_for_another_townships_village_is_refused(villages, town_reporter, other_town_reporter):
    response = create(api_as(town_reporter), code="330305200201")
    assert response.status_code == 400 and "village" in response.json()["fields"]
    record_id = create(api_as(other_town_reporter), code="330305200201").json()["id"]
    assert api_as(town_reporter).get(f"/api/income-records/{record_id}/").status_code == 404
    assert api_as(town_reporter).post(f"/api/income-records/{record_id}/submit/").status_code == 404


def test_draft_update_with_if_match_then_submit_and_approve(villages, town_reporter, supervisor):
    client = api_as(town_reporter)
    created = create(client)
    assert created.status_code == 201 and created["ETag"] == '"1"'
    url = f"/api/income-records/{created.json()['id']}/"
    assert client.patch(url, {"total_income": "60"}, format="json").status_code == 428
    assert client.patch(url, {"total_income": "60"}, format="json", HTTP_IF_MATCH='"1"').status_code == 200
    stale = client.patch(url, {"total_income": "70"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412 and stale.json()["code"]
    assert client.post(url + "submit/").json()["status"] == RecordStatus.SUBMITTED
    assert api_as(town_reporter).post(url + "approve/").status_code == 403
    approved = api_as(supervisor).post(url + "approve/", {}, format="json")
    assert approved.json()["status"] == RecordStatus.APPROVED
    assert IncomeRecord.objects.get().total_income == Decimal("60.00")


def test_the_office_reopens_an_approved_record_through_the_api(villages, town_reporter, supervisor):
    record = create(api_as(town_reporter)).json()
    url = f"/api/income-records/{record['id']}/"
    api_as(town_reporter).post(url + "submit/")
    api_as(supervisor).post(url + "approve/", {}, format="json")
    assert api_as(town_reporter).post(url + "reopen/", {"reason": "想改"}, format="json").status_code == 403
    assert api_as(supervisor).post(url + "reopen/", {}, format="json").status_code == 400
    reopened = api_as(supervisor).post(url + "reopen/", {"reason": "数据有误"}, format="json")
    assert reopened.status_code == 200 and reopened.json()["status"] == RecordStatus.RETURNED


def test_status_and_version_cannot_be_set_by_a_client(villages, town_reporter):
    response = create(api_as(town_reporter), status="approved")
    assert response.status_code == 400 and "status" in response.json()["fields"]


def test_operating_above_total_is_a_field_error(villages, town_reporter):
    response = create(api_as(town_reporter), operating_income="99")
    assert response.status_code == 400 and "operating_income" in response.json()["fields"]


def test_a_profile_changes_with_if_match(villages, town_reporter):
    client = api_as(town_reporter)
    profile = villages["a"].profile
    url = f"/api/village-profiles/{profile.pk}/"
    etag = client.get(url)["ETag"]
    response = client.patch(
        url, {"flags": ["示范村", "重点帮扶村"], "households": 300}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 200 and response.json()["households"] == 300
    assert client.patch(url, {"households": 1}, format="json", HTTP_IF_MATCH=etag).status_code == 412
    other = villages["d"].profile
    assert client.get(f"/api/village-profiles/{other.pk}/").status_code == 404
