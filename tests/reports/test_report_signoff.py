"""A leader's sign-off (签发) of a generated report: sign with remarks or return with a reason, once; the office
regenerates a returned one. Checked in the service, on the pages and over the API."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from accounts.models import AuditEvent, Role
from reports import services
from reports.models import GeneratedReport, ReportKind, SignoffState

from ..conftest import api_as
from ..factories import RegionFactory, UserFactory

MAY = date(2025, 5, 1)


@pytest.fixture
def done_report(county, indicator, supervisor):
    report = services.report_request(region=county, kind=ReportKind.MONTHLY, month=MAY, by=supervisor)
    return services.report_generate(report_id=report.pk)


@pytest.fixture
def leader(county):
    return UserFactory(username="lingdao", first_name="张县长", role=Role.LEADER, region=county)


@pytest.mark.django_db
def test_a_leader_signs_off_a_report_once_and_it_is_recorded_and_audited(done_report, leader):
    assert done_report.signoff == SignoffState.AWAITING
    services.report_sign(report=done_report, by=leader, comment=" 同意印发。 ")
    done_report.refresh_from_db()
    assert (done_report.signoff, done_report.signed_by, done_report.signoff_comment) == ("signed", leader, "同意印发。")
    assert done_report.signed_at is not None
    event = AuditEvent.objects.get(action="report.sign")
    assert (event.username, event.new["signoff"], event.new["comment"]) == ("lingdao", "signed", "同意印发。")
    with translation.override("zh-hans"), pytest.raises(ValidationError, match="已签发"):
        services.report_return(report=done_report, by=leader, reason="再改改")
    assert not AuditEvent.objects.filter(action="report.send_back").exists()


@pytest.mark.django_db
def test_only_a_leader_of_the_reports_region_signs_it(done_report, supervisor):
    elsewhere = UserFactory(username="other-leader", role=Role.LEADER, region=RegionFactory(code="330300000000"))
    for user in (supervisor, elsewhere):
        with pytest.raises(PermissionDenied):
            services.report_sign(report=done_report, by=user)
    done_report.refresh_from_db()
    assert done_report.signoff == SignoffState.AWAITING and done_report.signed_by is None


@pytest.mark.django_db
def test_a_report_not_yet_generated_cannot_be_signed(county, indicator, supervisor, leader):
    pending = services.report_request(region=county, kind=ReportKind.MONTHLY, month=MAY, by=supervisor)
    with pytest.raises(ValidationError):
        services.report_sign(report=pending, by=leader)


@pytest.mark.django_db
def test_returning_needs_a_reason_and_the_office_regenerates_the_next_version(done_report, leader, supervisor):
    with pytest.raises(ValidationError) as refused:
        services.report_return(report=done_report, by=leader, reason="  ")
    assert "reason" in refused.value.message_dict
    with pytest.raises(ValidationError):  # only a returned one is regenerated from its page
        services.report_regenerate(report=done_report, by=supervisor)
    services.report_return(report=done_report, by=leader, reason="红灯原因写得不具体")
    done_report.refresh_from_db()
    assert (done_report.signoff, done_report.signoff_comment) == ("returned", "红灯原因写得不具体")
    assert AuditEvent.objects.get(action="report.send_back").new["comment"] == "红灯原因写得不具体"
    with pytest.raises(PermissionDenied):
        services.report_regenerate(report=done_report, by=leader)
    new = services.report_regenerate(report=done_report, by=supervisor)
    assert (new.version, new.period_end, new.kind, new.signoff) == (2, done_report.period_end, "monthly", "awaiting")
    with pytest.raises(ValidationError):  # a second click does not make a third version
        services.report_regenerate(report=done_report, by=supervisor)
    assert GeneratedReport.objects.filter(region=done_report.region).count() == 2


@pytest.mark.django_db
def test_the_leader_signs_on_the_reports_page_and_the_list_shows_it(client, done_report, leader):
    client.force_login(leader)
    with translation.override("zh-hans"):
        page = client.get(f"/reports/bulletins/{done_report.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-signoff="awaiting"' in page and "待签发" in page and 'id="signoff-form"' in page
    response = client.post(f"/reports/bulletins/{done_report.pk}/signoff/", {"decision": "sign", "comment": "同意。"})
    assert response.status_code == 302
    done_report.refresh_from_db()
    assert (done_report.signoff, done_report.signed_by) == ("signed", leader)
    page = client.get(f"/reports/bulletins/{done_report.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "已签发" in page and "张县长" in page and "同意。" in page and 'id="signoff-form"' not in page
    listing = client.get("/reports/bulletins/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<span data-signoff="signed">已签发</span>' in listing


@pytest.mark.django_db
def test_the_office_sees_no_signoff_form_and_may_not_post_one(client, done_report, supervisor, leader):
    client.force_login(supervisor)
    page = client.get(f"/reports/bulletins/{done_report.pk}/").content.decode()
    assert 'id="signoff-form"' not in page
    assert client.post(f"/reports/bulletins/{done_report.pk}/signoff/", {"decision": "sign"}).status_code == 403
    done_report.refresh_from_db()
    assert done_report.signoff == SignoffState.AWAITING


@pytest.mark.django_db
def test_a_return_without_reason_is_refused_in_chinese_and_a_returned_report_offers_regeneration(
    client, done_report, leader, supervisor
):
    client.force_login(leader)
    response = client.post(
        f"/reports/bulletins/{done_report.pk}/signoff/",
        {"decision": "return"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert "退回" in response.content.decode() and "原因" in response.content.decode()
    done_report.refresh_from_db()
    assert done_report.signoff == SignoffState.AWAITING
    client.post(f"/reports/bulletins/{done_report.pk}/signoff/", {"decision": "return", "comment": "数据有误"})
    client.force_login(supervisor)
    page = client.get(f"/reports/bulletins/{done_report.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "已退回" in page and "数据有误" in page and 'id="regenerate-form"' in page
    response = client.post(f"/reports/bulletins/{done_report.pk}/regenerate/")
    new = GeneratedReport.objects.get(region=done_report.region, version=2)
    assert response.status_code == 302 and response["Location"] == f"/reports/bulletins/{new.pk}/"


@pytest.mark.django_db
def test_the_api_signs_and_returns_for_leaders_only(done_report, leader, supervisor, county, indicator):
    body = api_as(leader).get(f"/api/reports/{done_report.pk}/").json()
    assert (body["signoff"], body["signed_by"], body["signed_at"]) == ("awaiting", None, None)
    assert api_as(supervisor).post(f"/api/reports/{done_report.pk}/sign/", {}, format="json").status_code == 403
    response = api_as(leader).post(f"/api/reports/{done_report.pk}/sign/", {"comment": "同意"}, format="json")
    assert response.status_code == 200
    assert (response.json()["signoff"], response.json()["signed_by"]) == ("signed", leader.pk)
    again = api_as(leader).post(f"/api/reports/{done_report.pk}/return/", {"reason": "x"}, format="json")
    assert again.status_code == 400
    with time_machine.travel(timezone.now() + services.REQUEST_AGAIN_AFTER + timedelta(seconds=1)):
        asked = services.report_request(region=county, kind=ReportKind.MONTHLY, month=MAY, by=supervisor)
    second = services.report_generate(report_id=asked.pk)
    missing = api_as(leader).post(f"/api/reports/{second.pk}/return/", {}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()["fields"]
    returned = api_as(leader).post(f"/api/reports/{second.pk}/return/", {"reason": "口径不对"}, format="json")
    assert returned.status_code == 200 and returned.json()["signoff"] == "returned"
