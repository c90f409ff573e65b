from datetime import date
from decimal import Decimal

from targets.choices import ReportStatus

from ..factories import ProgressReportFactory


def test_login_page_is_in_chinese_by_default(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_anonymous_user_is_sent_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_home_lists_the_plans_the_user_can_see(client, supervisor, plan):
    client.force_login(supervisor)
    response = client.get("/")
    assert plan.title in response.content.decode()


def test_home_says_what_the_coloured_counts_under_each_plan_mean(client, supervisor, plan):
    """The counts under a plan are coloured pills with only a number; a phone has no tooltip to explain them."""
    client.force_login(supervisor)
    html = client.get("/").content.decode()
    assert plan.title in html and 'class="light-legend"' in html and "灯色说明" in html


def test_plan_page_shows_each_indicator_light_and_reason(client, supervisor, indicator, dept, dept_reporter):
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
    client.force_login(supervisor)
    response = client.get(f"/plans/{indicator.target.plan_id}/?as_of=2025-06-20")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-status="amber"' in html
    assert "区农业农村局" in html
    assert "300" in html


def test_reporter_of_another_unit_gets_404_for_the_plan_page(client, stranger, indicator):
    client.force_login(stranger)
    assert client.get(f"/plans/{indicator.target.plan_id}/").status_code == 404


def test_english_is_available(client, supervisor, plan):
    client.force_login(supervisor)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Plans" in client.get("/").content.decode()


def test_health_check_answers(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}
