"""A report asked for again while it is being made, or by the same person moments after asking, makes no
new version (reports.services.report_request): a double click on 生成 gives one version."""

from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role
from reports import services
from reports.models import GeneratedReport, ReportKind, ReportState

from ..conftest import api_as
from ..factories import UserFactory

pytestmark = pytest.mark.django_db
MAY = date(2025, 5, 1)


@pytest.fixture
def no_worker(monkeypatch):
    """Requests stay pending, as they do while a worker is busy with other jobs."""
    monkeypatch.setattr(services, "_enqueue", lambda report: None)


def _versions(county) -> list[int]:
    return sorted(GeneratedReport.objects.filter(region=county).values_list("version", flat=True))


def test_a_report_being_made_is_not_asked_for_again_even_by_another_office_user(
    county, indicator, supervisor, no_worker
):
    colleague = UserFactory(username="duchashi2", role=Role.SUPERVISOR, region=county)
    services.report_request(region=county, kind=ReportKind.MONTHLY, month=MAY, by=supervisor)
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        with pytest.raises(ValidationError) as refused:
            services.report_request(region=county, kind=ReportKind.MONTHLY, month=MAY, by=colleague)
    assert refused.value.messages == ["该报告第1版正在生成，完成后即列在报告列表中，请勿重复生成。"]
    assert _versions(county) == [1]


def test_a_running_report_with_its_lease_kept_refuses_and_one_past_its_lease_does_not(
    county, indicator, supervisor, no_worker, settings
):
    first = services.report_request(region=county, kind=ReportKind.MONTHLY, month=MAY, by=supervisor)
    now = timezone.now() + timedelta(minutes=1)
    GeneratedReport.objects.filter(pk=first.pk).update(status=ReportState.RUNNING, started_at=now, heartbeat_at=now)
    with time_machine.travel(now + timedelta(seconds=30)), pytest.raises(ValidationError):
        services.report_request(region=county, kind=ReportKind.MONTHLY, month=MAY, by=supervisor)
    # Silent for longer than the lease: its worker is gone (jobs_reclaim takes it up), so a person may ask anew.
    with time_machine.travel(now + timedelta(seconds=settings.JOB_LEASE_SECONDS + 1)):
        services.report_request(region=county, kind=ReportKind.MONTHLY, month=MAY, by=supervisor)
    assert _versions(county) == [1, 2]


def test_a_pending_request_older_than_the_lease_no_longer_blocks_a_new_one(county, indicator, supervisor, no_worker):
    services.report_request(region=county, kind=ReportKind.MONTHLY, month=MAY, by=supervisor)
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        services.report_request(region=county, kind=ReportKind.MONTHLY, month=MAY, by=supervisor)
    assert _versions(county) == [1, 2]


def _done(report) -> None:
    """As a fast worker leaves it, before the second click arrives."""
    GeneratedReport.objects.filter(pk=report.pk).update(status=ReportState.DONE, finished_at=timezone.now())


def test_a_done_report_asked_again_by_the_same_person_moments_later_is_refused_then_allowed(
    county, indicator, supervisor, no_worker
):
    _done(services.report_request(region=county, kind=ReportKind.MONTHLY, month=MAY, by=supervisor))
    with pytest.raises(ValidationError) as refused:
        services.report_request(region=county, kind=ReportKind.MONTHLY, month=MAY, by=supervisor)
    assert refused.value.messages == ["您刚刚已生成该报告（第1版），请勿重复点击；如需新版本，请10秒后再试。"]
    other_kind = services.report_request(
        region=county, kind=ReportKind.QUARTERLY, month=date(2025, 6, 1), by=supervisor
    )
    assert other_kind.version == 1  # another kind or period is another report
    with time_machine.travel(timezone.now() + services.REQUEST_AGAIN_AFTER + timedelta(seconds=1)):
        again = services.report_request(region=county, kind=ReportKind.MONTHLY, month=MAY, by=supervisor)
    assert again.version == 2


def test_the_schedule_is_not_held_back_by_a_persons_request(county, indicator, supervisor, no_worker):
    services.report_request(region=county, kind=ReportKind.MONTHLY, month=MAY, by=supervisor)
    scheduled = services.report_request(
        region=county, kind=ReportKind.MONTHLY, month=MAY, schedule_name="schedule:monthly"
    )
    assert scheduled.version == 2


def test_two_posts_of_the_form_make_one_version_and_the_second_says_why(
    client, supervisor, county, indicator, no_worker
):
    client.force_login(supervisor)
    form = {"region": county.pk, "kind": "monthly", "month": "2025-05"}
    client.post("/reports/bulletins/request/", form)
    _done(GeneratedReport.objects.get())
    response = client.post("/reports/bulletins/request/", form)
    assert response.status_code == 302 and response["Location"] == "/reports/bulletins/"
    assert [str(m) for m in get_messages(response.wsgi_request)][-1] == (
        "您刚刚已生成该报告（第1版），请勿重复点击；如需新版本，请10秒后再试。"
    )
    assert _versions(county) == [1]


def test_the_api_refuses_a_repeat_with_400_and_the_reason(supervisor, county, indicator, no_worker):
    api = api_as(supervisor)
    body = {"region": county.pk, "kind": "monthly", "month": "2025-05"}
    assert api.post("/api/reports/", body, format="json").status_code == 202
    response = api.post("/api/reports/", body, format="json")
    assert response.status_code == 400 and "正在生成" in response.content.decode()
    assert _versions(county) == [1]
