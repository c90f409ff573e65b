from datetime import date
from decimal import Decimal

import pytest
import time_machine

from targets.choices import ReportStatus
from targets.models import Indicator, ProgressReport

from ..conftest import PASSWORD, api_as
from ..factories import IndicatorFactory, ProgressReportFactory, TargetFactory


def test_token_is_issued_for_good_credentials_and_opens_the_api(api, dept_reporter, indicator):
    response = api.post("/api/auth/token/", {"username": "nongye", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/plans/").status_code == 200


def test_token_is_refused_for_a_wrong_password(api, dept_reporter):
    response = api.post("/api/auth/token/", {"username": "nongye", "password": "wrong"}, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()


def test_anonymous_requests_are_refused(api, indicator):
    assert api.get("/api/plans/").status_code in (401, 403)


def test_targets_list_has_the_agreed_shape(supervisor, indicator, dept, other_unit):
    indicator.target.co_units.add(other_unit)
    IndicatorFactory(target=indicator.target, name="第二个指标", kind="milestone", baseline=0, target_value=100)
    indicator.milestones.create(date=date(2025, 6, 30), value=Decimal("500"))
    response = api_as(supervisor).get(f"/api/targets/?plan={indicator.target.plan_id}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 1
    result = body["results"][0]
    assert {"id", "seq", "name", "content", "lead_units", "units", "indicators"} <= set(result)
    assert result["lead_units"] == ["区农业农村局"]
    assert result["units"] == ["区农业农村局", "区教育局"]
    first = result["indicators"][0]
    assert {
        "id",
        "name",
        "kind",
        "unit",
        "baseline",
        "target_value",
        "start_date",
        "deadline",
        "frequency",
        "milestones",
    } <= set(first)
    assert first["target_value"] == 1200
    assert first["milestones"] == [{"date": "2025-06-30", "value": 500.0}]
    assert len(result["indicators"]) == 2


def test_plans_list_and_detail(supervisor, plan):
    client = api_as(supervisor)
    listing = client.get("/api/plans/").json()
    assert [p["id"] for p in listing["results"]] == [plan.pk]
    detail = client.get(f"/api/plans/{plan.pk}/").json()
    assert detail["doc_number"] == plan.doc_number
    assert detail["region"] == "330305000000"


def test_supervisor_creates_an_indicator_with_milestones(supervisor, target):
    payload = {
        "target": target.pk,
        "name": "项目资金支出进度",
        "kind": "increase",
        "unit": "%",
        "baseline": 0,
        "target_value": 100,
        "start_date": "2025-01-01",
        "deadline": "2025-12-31",
        "frequency": "monthly",
        "milestones": [{"date": "2025-04-30", "value": 30}, {"date": "2025-06-30", "value": 50}],
    }
    response = api_as(supervisor).post("/api/indicators/", payload, format="json")
    assert response.status_code == 201, response.json()
    created = Indicator.objects.get(pk=response.json()["id"])
    assert [(m.date.isoformat(), m.value) for m in created.milestones.all()] == [
        ("2025-04-30", Decimal("30")),
        ("2025-06-30", Decimal("50")),
    ]
    assert response.json()["milestones"][1] == {"date": "2025-06-30", "value": 50.0}


def test_an_indicator_whose_target_equals_its_baseline_is_refused(supervisor, target):
    payload = {
        "target": target.pk,
        "name": "x",
        "kind": "increase",
        "unit": "个",
        "baseline": 5,
        "target_value": 5,
        "start_date": "2025-01-01",
        "deadline": "2025-12-31",
        "frequency": "monthly",
    }
    response = api_as(supervisor).post("/api/indicators/", payload, format="json")
    assert response.status_code == 400
    assert not Indicator.objects.filter(name="x").exists()


def test_a_reporter_cannot_create_indicators(dept_reporter, target):
    payload = {
        "target": target.pk,
        "name": "x",
        "kind": "increase",
        "baseline": 0,
        "target_value": 5,
        "start_date": "2025-01-01",
        "deadline": "2025-12-31",
    }
    assert api_as(dept_reporter).post("/api/indicators/", payload, format="json").status_code == 403


@time_machine.travel("2025-06-10 10:00 +0800")
def test_reporter_drafts_and_submits_a_report(dept_reporter, indicator):
    client = api_as(dept_reporter)
    response = client.post(
        "/api/progress-reports/",
        {"indicator": indicator.pk, "period": "2025-05", "value": 450, "narrative": "完成改厕450座"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft" and body["period"] == "2025-05" and body["unit"] == "区农业农村局"
    submitted = client.post(f"/api/progress-reports/{body['id']}/submit/")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["is_late"] is True  # due 2025-05-25, submitted 10 June


@time_machine.travel("2025-06-10 10:00 +0800")
def test_a_report_for_a_future_period_is_refused_with_a_reason(dept_reporter, indicator):
    response = api_as(dept_reporter).post(
        "/api/progress-reports/", {"indicator": indicator.pk, "period": "2025-07", "value": 1}, format="json"
    )
    assert response.status_code == 400
    assert "period" in response.json()["fields"]


@time_machine.travel("2025-06-10 10:00 +0800")
def test_a_monthly_indicator_refuses_a_quarter_label(dept_reporter, indicator):
    response = api_as(dept_reporter).post(
        "/api/progress-reports/", {"indicator": indicator.pk, "period": "2025-Q1", "value": 1}, format="json"
    )
    assert response.status_code == 400
    assert "2025-05" in str(response.json()["fields"]["period"])


def test_status_endpoint_returns_fractions_and_reasons(supervisor, indicator, dept, dept_reporter):
    ProgressReportFactory(
        indicator=indicator,
        unit=dept,
        period_start=date(2025, 5, 1),
        value=Decimal("300"),
        status=ReportStatus.SUBMITTED,
        submitted_by=dept_reporter,
        submitted_at="2025-05-20T10:00:00+08:00",
        created_by=dept_reporter,
    )
    response = api_as(supervisor).get(f"/api/indicators/{indicator.pk}/status/?as_of=2025-06-20")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"status", "completion", "expected", "gap", "reasons"}
    assert body["completion"] == pytest.approx(0.25)
    # the last checkpoint is 25 May: 144 of 364 days of the year
    assert body["expected"] == pytest.approx(144 / 364, abs=1e-4)
    assert body["status"] == "amber"
    assert body["reasons"]


def test_status_endpoint_rejects_a_bad_date(supervisor, indicator):
    assert api_as(supervisor).get(f"/api/indicators/{indicator.pk}/status/?as_of=June").status_code == 400


def test_reporter_of_another_unit_gets_404_for_indicator_status_and_report(stranger, indicator, dept, dept_reporter):
    report = ProgressReportFactory(indicator=indicator, unit=dept, created_by=dept_reporter)
    client = api_as(stranger)
    assert client.get(f"/api/indicators/{indicator.pk}/").status_code == 404
    assert client.get(f"/api/indicators/{indicator.pk}/status/").status_code == 404
    assert client.get(f"/api/progress-reports/{report.pk}/").status_code == 404
    assert client.post(f"/api/progress-reports/{report.pk}/submit/").status_code == 404
    # A plan it may not see is, as a filter, no valid choice: exactly what a plan that does not exist is.
    assert client.get(f"/api/targets/?plan={indicator.target.plan_id}").status_code == 400
    assert client.get("/api/plans/").json()["count"] == 0


@time_machine.travel("2025-06-10 10:00 +0800")
def test_reporter_of_another_unit_cannot_report_on_a_foreign_indicator(stranger, indicator):
    response = api_as(stranger).post(
        "/api/progress-reports/", {"indicator": indicator.pk, "period": "2025-05", "value": 1}, format="json"
    )
    assert response.status_code in (400, 404)
    assert not ProgressReport.objects.exists()


def test_township_reporter_sees_every_township_targets_of_its_county(town_reporter, plan, stranger):
    shared = TargetFactory(plan=plan, all_townships=True)
    IndicatorFactory(target=shared)
    assert api_as(town_reporter).get(f"/api/targets/?plan={plan.pk}").json()["count"] == 1
    assert api_as(stranger).get(f"/api/targets/?plan={plan.pk}").status_code == 400  # as for a missing plan


def test_targets_list_names_lead_and_co_units_in_the_responsibility_tables_order(supervisor, indicator, dept, county):
    from targets.services import target_units_set

    from ..factories import UnitFactory

    fagai, zhujian, caizheng = (UnitFactory(county=county, name=n) for n in ("区发改局", "区住建局", "区财政局"))
    # 区发改局 before 区农业农村局 and 区财政局 before 区住建局, as the table lists them, not as their names sort
    target_units_set(target=indicator.target, leads=[fagai, dept], co_units=[caizheng, zhujian])
    client = api_as(supervisor)
    [listed] = client.get(f"/api/targets/?plan={indicator.target.plan_id}").json()["results"]
    assert listed["lead_units"] == ["区发改局", "区农业农村局"]
    assert listed["units"] == ["区发改局", "区农业农村局", "区财政局", "区住建局"]
    detail = client.get(f"/api/targets/{indicator.target_id}/").json()
    assert (detail["lead_units"], detail["units"]) == (listed["lead_units"], listed["units"])


@pytest.mark.parametrize("query", ["plan=579753138224970587963392", "unit=-4.274331399936248e%2B16", "plan=1.5"])
def test_an_id_filter_that_no_database_integer_holds_is_refused_as_input(supervisor, indicator, query):
    """A number past 2**63 overflowed SQLite's INTEGER (a 500); a fraction is no id either."""
    response = api_as(supervisor).get(f"/api/indicators/?{query}")
    assert response.status_code == 400, response.content
    assert api_as(supervisor).get(f"/api/progress-reports/?{query.replace('unit', 'plan')}").status_code == 400
    assert api_as(supervisor).get(f"/api/indicators/?plan={indicator.target.plan_id}").json()["count"] == 1
