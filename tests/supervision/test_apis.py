from datetime import date

import pytest
import time_machine

from supervision.models import SupervisionItem

from ..conftest import api_as
from .builders import submitted

pytestmark = pytest.mark.usefixtures("red_indicator")
NOW = "2025-07-01 10:00 +08:00"


@pytest.fixture
def red_indicator(indicator, dept, dept_reporter):
    submitted(indicator, dept, date(2025, 5, 1), 300, date(2025, 5, 20), dept_reporter)
    return indicator


def _issue(client, indicator, unit):
    return client.post(
        "/api/supervision-items/",
        {"indicator": indicator.pk, "unit": unit.pk, "notice": "请说明原因", "reply_due": "2025-07-08"},
        format="json",
    )


@time_machine.travel(NOW, tick=False)
def test_office_issues_unit_replies_office_closes_out_with_if_match(red_indicator, dept, supervisor, dept_reporter):
    response = _issue(api_as(supervisor), red_indicator, dept)
    assert response.status_code == 201, response.json()
    item_id, etag = response.json()["id"], response["ETag"]
    assert response.json()["status"] == "open" and etag == '"1"'
    unit = api_as(dept_reporter)
    reply = unit.post(
        f"/api/supervision-items/{item_id}/reply/",
        {"measures": "补报", "promised_date": "2025-07-15"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert reply.status_code == 200 and reply.json()["status"] == "answered" and reply["ETag"] == '"2"'
    close = api_as(supervisor).post(
        f"/api/supervision-items/{item_id}/close/", {"comment": "同意销号"}, format="json", HTTP_IF_MATCH='"2"'
    )
    assert close.status_code == 200 and close.json()["status"] == "closed"


@time_machine.travel(NOW, tick=False)
def test_steps_need_if_match_and_a_stale_one_gets_412(red_indicator, dept, supervisor, dept_reporter):
    item_id = _issue(api_as(supervisor), red_indicator, dept).json()["id"]
    unit = api_as(dept_reporter)
    body = {"measures": "补报", "promised_date": "2025-07-15"}
    assert unit.post(f"/api/supervision-items/{item_id}/reply/", body, format="json").status_code == 428
    stale = unit.post(f"/api/supervision-items/{item_id}/reply/", body, format="json", HTTP_IF_MATCH='"7"')
    assert stale.status_code == 412
    assert SupervisionItem.objects.get().status == "open"


@time_machine.travel(NOW, tick=False)
def test_wrong_role_is_403_and_invalid_step_is_400(red_indicator, dept, supervisor, dept_reporter):
    assert _issue(api_as(dept_reporter), red_indicator, dept).status_code == 403
    item_id = _issue(api_as(supervisor), red_indicator, dept).json()["id"]
    early_close = api_as(supervisor).post(
        f"/api/supervision-items/{item_id}/close/", {}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert early_close.status_code == 400 and early_close.json()["code"] == "invalid"
    no_reason = api_as(supervisor).post(
        f"/api/supervision-items/{item_id}/send-back/", {"comment": ""}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert no_reason.status_code == 400


@time_machine.travel(NOW, tick=False)
def test_status_is_read_only_and_other_units_do_not_see_the_item(red_indicator, dept, supervisor, stranger):
    refused = api_as(supervisor).post(
        "/api/supervision-items/",
        {"indicator": red_indicator.pk, "unit": dept.pk, "notice": "n", "reply_due": "2025-07-08", "status": "closed"},
        format="json",
    )
    assert refused.status_code == 400 and "status" in refused.json()["fields"]
    item_id = _issue(api_as(supervisor), red_indicator, dept).json()["id"]
    assert api_as(stranger).get(f"/api/supervision-items/{item_id}/").status_code == 404
    assert api_as(stranger).get("/api/supervision-items/").json()["count"] == 0


@time_machine.travel("2025-07-10 10:00 +08:00", tick=False)
def test_overdue_filter_lists_late_replies(red_indicator, dept, supervisor):
    SupervisionItem.objects.create(
        indicator=red_indicator, unit=dept, notice="n", reply_due=date(2025, 7, 8), issued_by=supervisor
    )
    rows = api_as(supervisor).get("/api/supervision-items/?overdue=true").json()["results"]
    assert [r["overdue"] for r in rows] == [True]


def test_snapshot_plan_filter_beyond_the_integer_range_is_a_400(supervisor):
    response = api_as(supervisor).get("/api/status-snapshots/?plan=99999999999999999999")
    assert response.status_code == 400 and response.json()["code"] == "invalid"
