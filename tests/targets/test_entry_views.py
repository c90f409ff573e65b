"""The pages of the monthly cycle through Django's test client: My work, entry, review, history, 404s, bell."""

import re
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import AuditEvent, Notification
from targets import services
from targets.choices import ReportStatus
from targets.models import Allocation, Evidence, LateEntryGrant, ProgressReport

from ..factories import IndicatorFactory, ProgressReportFactory, TargetFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64

pytestmark = pytest.mark.usefixtures("evidence_root", "june10")


@pytest.fixture
def evidence_root(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"


@pytest.fixture
def june10():
    with time_machine.travel("2025-06-10 10:00 +0800"):
        yield


@pytest.fixture
def as_dept(client, dept_reporter):
    client.force_login(dept_reporter)
    return client


@pytest.fixture
def office(supervisor):
    from django.test import Client

    client = Client()
    client.force_login(supervisor)
    return client


def entry_url(indicator, period="2025-05"):
    return f"/entry/{indicator.pk}/{period}/"


def post_entry(client, indicator, period="2025-05", action="save", **fields):
    data = {"value": "400", "narrative": "", "problems": "", "next_steps": "", "version": "", "action": action}
    data.update(fields)
    return client.post(entry_url(indicator, period), data)


def submitted(indicator, dept, dept_reporter, value="400"):
    report = services.progress_report_create(
        indicator=indicator, unit=dept, period="2025-05", value=Decimal(value), by=dept_reporter
    )
    return services.progress_report_submit(report=report, by=dept_reporter)


def test_my_work_lists_what_the_unit_owes_with_period_due_date_and_days_left(as_dept, indicator):
    html = as_dept.get("/my-work/").content.decode()
    row = re.search(rf'<li class="work-row[^"]*" data-indicator="{indicator.pk}" data-period="2025-05"[^>]*>', html)
    assert row and "overdue" in row.group(0)  # May was due on 25 May; today is 10 June
    assert 'data-days-left="-16"' in html
    assert f'href="{entry_url(indicator)}"' in html


def test_my_work_puts_overdue_indicators_first(as_dept, indicator, dept):
    fresh = IndicatorFactory(target=indicator.target, name="新建indicator", start_date=date(2025, 6, 1))
    html = as_dept.get("/my-work/?tab=all").content.decode()
    assert html.index(f'data-indicator="{indicator.pk}"') < html.index(f'data-indicator="{fresh.pk}"')


def test_a_township_sees_its_share_and_the_county_roll_up(client, town_reporter, indicator, town_unit, county):
    from ..factories import RegionFactory, UnitFactory

    other_town = UnitFactory(
        county=county,
        name="北岙街道",
        kind="township",
        township=RegionFactory(code="330305001000", name="北岙街道", level="township"),
    )
    Allocation.objects.create(indicator=indicator, unit=town_unit, target_value=Decimal("700"))
    Allocation.objects.create(indicator=indicator, unit=other_town, target_value=Decimal("500"))
    ProgressReport.objects.create(
        indicator=indicator,
        unit=other_town,
        period_start=date(2025, 5, 1),
        value=Decimal("120"),
        status=ReportStatus.SUBMITTED,
        created_by=town_reporter,
        submitted_at="2025-05-20T10:00:00+08:00",
    )
    client.force_login(town_reporter)
    assert f'data-indicator="{indicator.pk}"' in client.get("/my-work/").content.decode()
    html = client.get(entry_url(indicator)).content.decode()
    assert 'id="rollup" data-total="120' in html and "北岙街道" in html
    # named by the county it adds up to (a district reads 洞头区汇总, not 全县汇总)
    assert f"{county.name}汇总" in html and f"{county.name}（合计）" in html and "全县" not in html
    post_entry(client, indicator, value="300", action="submit")
    html = client.get(entry_url(indicator)).content.decode()
    assert 'data-total="420' in html  # 300 + 120, the rule shown on the page


def test_saving_a_draft_then_submitting_with_evidence(as_dept, indicator, dept_reporter, supervisor):
    response = post_entry(as_dept, indicator, narrative="完成改厕400座")
    report = ProgressReport.objects.get(indicator=indicator)
    assert response.status_code == 302 and report.status == ReportStatus.DRAFT
    response = as_dept.post(
        entry_url(indicator),
        {
            "value": "410",
            "narrative": "完成改厕410座",
            "version": report.version,
            "action": "submit",
            "evidence": [SimpleUploadedFile("验收.png", PNG), SimpleUploadedFile("台账.pdf", b"%PDF-1.5\n%%EOF")],
        },
    )
    report.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/"
    assert report.status == ReportStatus.SUBMITTED and report.is_late and report.value == Decimal("410")
    assert sorted(report.evidence.values_list("original_name", flat=True)) == ["台账.pdf", "验收.png"]
    assert Notification.objects.filter(user=supervisor, kind="report.submitted").count() == 1


def test_the_message_after_submitting_names_the_period_in_words(as_dept, indicator):
    response = post_entry(as_dept, indicator, action="submit")
    html = as_dept.get(response["Location"]).content.decode()
    assert f"已报送{indicator.name} 2025年5月的进度填报。" in html


def test_the_entry_page_gives_the_last_approved_value_with_its_unit(as_dept, indicator, dept, dept_reporter):
    report = submitted(indicator, dept, dept_reporter, value="400")
    ProgressReport.objects.filter(pk=report.pk).update(status=ReportStatus.APPROVED)
    html = as_dept.get(entry_url(indicator, "2025-06")).content.decode()
    assert f"最近一次通过 400 {indicator.unit}（2025年5月）" in html


def test_field_errors_are_shown_next_to_the_field(as_dept, indicator):
    html = post_entry(as_dept, indicator, value="四百").content.decode()
    assert 'data-error-for="value"' in html
    html = post_entry(as_dept, indicator, value="-3").content.decode()
    assert 'data-error-for="value"' in html
    assert not ProgressReport.objects.exists()


def test_the_explanation_and_confirmation_fields_appear_when_needed(as_dept, indicator, dept, dept_reporter):
    ProgressReport.objects.create(
        indicator=indicator,
        unit=dept,
        period_start=date(2025, 4, 1),
        value=Decimal("500"),
        status=ReportStatus.APPROVED,
        created_by=dept_reporter,
    )
    html = post_entry(as_dept, indicator, value="450").content.decode()
    assert 'data-error-for="explanation"' in html and 'name="explanation"' in html
    response = post_entry(as_dept, indicator, value="450", explanation="5月核减重复统计的50座")
    assert response.status_code == 302
    html = post_entry(as_dept, IndicatorFactory(target=indicator.target), value="5000").content.decode()
    assert 'data-error-for="confirmed"' in html and 'name="confirmed"' in html


def test_a_bad_evidence_file_is_refused_and_nothing_is_saved(as_dept, indicator):
    response = as_dept.post(
        entry_url(indicator),
        {
            "value": "400",
            "version": "",
            "action": "submit",
            "evidence": [SimpleUploadedFile("photo.jpg", b"MZ not a photo")],
        },
    )
    assert 'data-error-for="evidence"' in response.content.decode()
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()


def test_two_people_racing_on_the_form_the_later_save_is_refused_and_shown_what_changed(
    client, indicator, dept, dept_reporter
):
    from django.test import Client

    from ..factories import UserFactory

    colleague = UserFactory(username="nongye2", role="reporter", unit=dept)
    post_entry_first = client
    post_entry_first.force_login(dept_reporter)
    second = Client()
    second.force_login(colleague)
    post_entry(client, indicator, value="400")
    version = ProgressReport.objects.get().version
    # Both open the form at the same version.
    assert f'name="version" value="{version}"' in client.get(entry_url(indicator)).content.decode()
    assert f'name="version" value="{version}"' in second.get(entry_url(indicator)).content.decode()
    assert post_entry(client, indicator, value="420", version=version, narrative="甲的说明").status_code == 302
    response = post_entry(second, indicator, value="999", version=version, narrative="乙的说明")
    html = response.content.decode()
    assert response.status_code == 200 and 'id="conflict"' in html
    assert re.search(r'data-field="value"><td>[^<]*</td><td class="theirs">420', html)
    assert '<td class="mine">999' in html
    report = ProgressReport.objects.get()
    assert report.value == Decimal("420") and report.narrative == "甲的说明"
    # The form now carries the current version: saving again is a deliberate overwrite.
    assert f'name="version" value="{report.version}"' in html
    assert post_entry(second, indicator, value="999", version=report.version).status_code == 302


def test_two_people_creating_the_same_report_the_second_is_shown_the_first(client, indicator, dept, dept_reporter):
    from django.test import Client

    from ..factories import UserFactory

    client.force_login(dept_reporter)
    second = Client()
    second.force_login(UserFactory(username="nongye3", role="reporter", unit=dept))
    assert post_entry(client, indicator, value="400").status_code == 302
    html = post_entry(second, indicator, value="333").content.decode()  # its form was opened blank
    assert 'id="conflict"' in html and ProgressReport.objects.get().value == Decimal("400")


def test_reporter_of_another_unit_gets_404_for_every_page_file_and_action(
    client, stranger, indicator, dept, dept_reporter, supervisor
):
    report = services.progress_report_create(
        indicator=indicator, unit=dept, period="2025-05", value=Decimal("400"), by=dept_reporter
    )
    evidence = services.evidence_add(report=report, by=dept_reporter, upload=SimpleUploadedFile("a.png", PNG))
    client.force_login(stranger)
    gets = [entry_url(indicator), f"/reports/{report.pk}/", f"/evidence/{evidence.pk}/", "/review/", "/late-entry/"]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = [
        entry_url(indicator),
        f"/reports/{report.pk}/comment/",
        f"/reports/{report.pk}/review/",
        f"/reports/{report.pk}/reopen/",
        f"/evidence/{evidence.pk}/remove/",
    ]
    for url in posts:
        assert client.post(url, {"value": "1", "text": "x", "decision": "approve", "reason": "x"}).status_code == 404, (
            url
        )
    assert client.post("/review/approve/", {"report": [report.pk]}).status_code == 404
    report.refresh_from_db()
    assert report.value == Decimal("400") and not report.comments.exists() and Evidence.objects.count() == 1
    assert f'data-indicator="{indicator.pk}"' not in client.get("/my-work/").content.decode()


def test_a_co_unit_sees_the_indicator_but_does_not_enter_it(client, indicator, town_unit, town_reporter):
    indicator.target.co_units.add(town_unit)
    client.force_login(town_reporter)
    html = client.get("/my-work/").content.decode()
    assert f'data-indicator="{indicator.pk}"' in html and f'data-entry="{indicator.pk}"' not in html
    assert client.get(entry_url(indicator)).status_code == 404


def test_evidence_downloads_for_the_unit_and_the_office_with_its_name(as_dept, office, indicator, dept, dept_reporter):
    report = services.progress_report_create(
        indicator=indicator, unit=dept, period="2025-05", value=Decimal("400"), by=dept_reporter
    )
    evidence = services.evidence_add(report=report, by=dept_reporter, upload=SimpleUploadedFile("现场.png", PNG))
    for client in (as_dept, office):
        response = client.get(f"/evidence/{evidence.pk}/")
        assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
        assert response["Content-Type"] == "image/png" and "attachment" in response["Content-Disposition"]
    downloads = AuditEvent.objects.filter(action="evidence.download", object_id=str(report.pk))
    assert sorted(downloads.values_list("username", flat=True)) == sorted([dept_reporter.username, "duchashi"])
    assert downloads.first().new["sha256"] == evidence.sha256
    # the page lists the file by its name, size and upload time; its fingerprint is a tooltip for an auditor
    item = as_dept.get(f"/reports/{report.pk}/").content.decode()
    item = item[item.index(f'data-evidence="{evidence.pk}"') :]
    item = item[: item.index("</li>")]
    up = timezone.localtime(evidence.uploaded_at)
    assert f"{up.year}年{up.month}月{up.day}日" in item and f'title="SHA-256 {evidence.sha256}"' in item
    assert ">SHA-256" not in item and "· SHA-256" not in item


def test_review_queue_filters_and_bulk_approval(office, indicator, dept, dept_reporter, town_unit, town_reporter):
    late = submitted(indicator, dept, dept_reporter)
    other = IndicatorFactory(target=indicator.target)
    other.target.co_units.add(town_unit)
    Allocation.objects.create(indicator=other, unit=town_unit, target_value=Decimal("100"))
    on_time = ProgressReport.objects.create(
        indicator=other,
        unit=town_unit,
        period_start=date(2025, 5, 1),
        value=Decimal("50"),
        status=ReportStatus.SUBMITTED,
        created_by=town_reporter,
        submitted_by=town_reporter,
        submitted_at="2025-05-20T10:00:00+08:00",
    )
    html = office.get("/review/").content.decode()
    assert 'data-count="2"' in html
    assert 'data-count="1"' in office.get("/review/?late=yes").content.decode()
    html = office.get(f"/review/?township={town_unit.township_id}").content.decode()
    assert f'data-report="{on_time.pk}"' in html and f'data-report="{late.pk}"' not in html
    html = office.get(f"/review/?unit={dept.pk}&plan={indicator.target.plan_id}").content.decode()
    assert f'data-report="{late.pk}"' in html and f'data-report="{on_time.pk}"' not in html
    office.post("/review/approve/", {"report": [late.pk, on_time.pk], "next": "/review/?late=yes"})
    assert set(ProgressReport.objects.values_list("status", flat=True)) == {ReportStatus.APPROVED}
    assert AuditEvent.objects.filter(action="report.approve").count() == 2


def test_returning_needs_a_reason_and_the_unit_sees_it(office, as_dept, indicator, dept, dept_reporter):
    report = submitted(indicator, dept, dept_reporter)
    office.post(f"/reports/{report.pk}/review/", {"decision": "return", "comment": " "})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    office.post(f"/reports/{report.pk}/review/", {"decision": "return", "comment": "请补充验收照片"})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    html = as_dept.get("/notifications/").content.decode()
    assert "请补充验收照片" in html
    assert 'data-unread="1"' in as_dept.get("/my-work/").content.decode()


def test_nobody_approves_their_own_submission_from_the_queue(client, indicator, dept, supervisor):
    # The services let only the unit's reporter submit; a row that names an office member as its
    # submitter (a load made past the services) still cannot be approved by that member.
    report = ProgressReportFactory(
        indicator=indicator,
        unit=dept,
        period_start=date(2025, 5, 1),
        value=Decimal("400"),
        status=ReportStatus.SUBMITTED,
        created_by=supervisor,
        submitted_by=supervisor,
    )
    client.force_login(supervisor)
    assert 'id="approve"' not in client.get(f"/reports/{report.pk}/").content.decode()
    client.post("/review/approve/", {"report": [report.pk]})
    client.post(f"/reports/{report.pk}/review/", {"decision": "approve"})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_reopen_needs_a_reason_and_is_audited(office, indicator, dept, dept_reporter, supervisor):
    report = services.progress_report_review(
        report=submitted(indicator, dept, dept_reporter), by=supervisor, approve=True
    )
    office.post(f"/reports/{report.pk}/reopen/", {"reason": ""})
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    office.post(f"/reports/{report.pk}/reopen/", {"reason": "口径调整,请按新口径重报"})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    assert AuditEvent.objects.get(action="report.reopen").new["review_comment"] == "口径调整,请按新口径重报"
    assert Notification.objects.filter(user=dept_reporter, kind="report.reopened").exists()


def test_report_page_shows_every_version_the_comments_and_the_files(
    office, as_dept, indicator, dept, dept_reporter, supervisor
):
    report = services.progress_report_create(
        indicator=indicator, unit=dept, period="2025-05", value=Decimal("400"), by=dept_reporter
    )
    services.evidence_add(report=report, by=dept_reporter, upload=SimpleUploadedFile("现场.png", PNG))
    report = services.progress_report_submit(report=report, by=dept_reporter)
    office.post(f"/reports/{report.pk}/comment/", {"text": "照片不清楚"})
    office.post(f"/reports/{report.pk}/review/", {"decision": "return", "comment": "请重新拍照"})
    report.refresh_from_db()
    services.progress_report_update(
        report=report, by=dept_reporter, expected_version=report.version, value=Decimal("430")
    )
    html = as_dept.get(f"/reports/{report.pk}/").content.decode()
    actions = re.findall(r'data-version="(\d+)" data-action="(\w+)"', html)
    assert actions == [("1", "create"), ("2", "submit"), ("3", "return"), ("4", "update")]
    assert "照片不清楚" in html and "现场.png" in html
    assert re.search(r'data-field="value">[^<]*<del data-old="400">400</del> → <ins data-new="430">430</ins>', html)


def test_late_entry_grant_form_creates_an_audited_grant(office, indicator, dept):
    response = office.post(
        "/late-entry/",
        {
            "plan": indicator.target.plan_id,
            "unit": dept.pk,
            "period": "2025-04",
            "indicator": indicator.pk,
            "until": "2025-06-30",
            "reason": "人员调整",
        },
    )
    assert response.status_code == 302
    grant = LateEntryGrant.objects.get()
    assert (grant.unit, grant.period_start, grant.indicator) == (dept, date(2025, 4, 1), indicator)
    assert AuditEvent.objects.filter(action="late_entry.grant", object_id=str(grant.pk)).exists()
    html = office.post(
        "/late-entry/",
        {"plan": indicator.target.plan_id, "unit": dept.pk, "period": "April", "until": "2025-06-30", "reason": ""},
    ).content.decode()
    assert 'data-error-for="period"' in html and 'data-error-for="reason"' in html


def test_late_entry_grant_refuses_an_indicator_outside_the_region(office, indicator, dept):
    foreign = IndicatorFactory(target=TargetFactory())
    html = office.post(
        "/late-entry/",
        {
            "plan": indicator.target.plan_id,
            "unit": dept.pk,
            "period": "2025-04",
            "indicator": foreign.pk,
            "until": "2025-06-30",
            "reason": "x",
        },
    ).content.decode()
    assert 'data-error-for="indicator"' in html and not LateEntryGrant.objects.exists()


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # the first request of a session records its activity; count a steady one
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_my_work_and_the_review_queue_run_the_same_queries_for_2_or_10_rows(
    as_dept, office, indicator, dept, dept_reporter
):
    def add_rows(n):
        for _ in range(n):
            extra = IndicatorFactory(target=indicator.target)
            ProgressReport.objects.create(
                indicator=extra,
                unit=dept,
                period_start=date(2025, 5, 1),
                value=Decimal("5"),
                status=ReportStatus.SUBMITTED,
                created_by=dept_reporter,
                submitted_by=dept_reporter,
                submitted_at="2025-05-20T10:00:00+08:00",
            )

    add_rows(2)
    few = (_queries(as_dept, "/my-work/"), _queries(office, "/review/"))
    add_rows(8)
    assert (_queries(as_dept, "/my-work/"), _queries(office, "/review/")) == few


def test_a_locked_period_is_refused_on_the_form_and_opens_with_a_grant(
    client, indicator, dept, dept_reporter, supervisor
):
    with time_machine.travel("2025-06-16 10:00 +0800"):  # May locked on 15 June
        client.force_login(dept_reporter)
        html = client.get("/my-work/").content.decode()
        # June is open; May is listed as missed and locked.
        assert 'data-period="2025-06"' in html and re.search(
            r'class="muted missed">已错过并锁定：共5期，最近2025年3月、2025年4月、2025年5月 ', html
        )
        html = post_entry(client, indicator, value="400").content.decode()
        assert 'data-error-for="__all__"' in html and not ProgressReport.objects.exists()
        services.late_entry_grant_create(
            plan=indicator.target.plan,
            unit=dept,
            period="2025-05",
            until=date(2025, 6, 20),
            reason="补报",
            by=supervisor,
        )
        assert 'data-period="2025-05"' in client.get("/my-work/").content.decode()
        assert post_entry(client, indicator, value="400", action="submit").status_code == 302
    assert ProgressReport.objects.get().is_late


def test_a_file_can_be_removed_from_a_draft_and_the_removal_is_audited(as_dept, indicator, dept, dept_reporter):
    report = services.progress_report_create(
        indicator=indicator, unit=dept, period="2025-05", value=Decimal("400"), by=dept_reporter
    )
    evidence = services.evidence_add(report=report, by=dept_reporter, upload=SimpleUploadedFile("错的.png", PNG))
    response = as_dept.post(f"/evidence/{evidence.pk}/remove/")
    assert response["Location"] == entry_url(indicator)
    assert not Evidence.objects.exists()
    assert AuditEvent.objects.get(action="evidence.remove").old["original_name"] == "错的.png"


def test_the_office_of_another_county_gets_404_for_the_report(client, indicator, dept, dept_reporter):
    from ..factories import RegionFactory, UserFactory

    report = submitted(indicator, dept, dept_reporter)
    elsewhere = UserFactory(
        username="xunyi_ducha", role="supervisor", region=RegionFactory(code="610429000000", name="旬邑县")
    )
    client.force_login(elsewhere)
    assert client.get(f"/reports/{report.pk}/").status_code == 404
    assert client.post(f"/reports/{report.pk}/review/", {"decision": "approve"}).status_code == 404
    assert f'data-report="{report.pk}"' not in client.get("/review/").content.decode()


def test_files_of_a_refused_submission_do_not_stay_on_disk(as_dept, indicator, settings):
    # The value is fine and the photo is fine, but the second file is not: nothing is kept.
    response = as_dept.post(
        entry_url(indicator),
        {
            "value": "400",
            "version": "",
            "action": "submit",
            "evidence": [SimpleUploadedFile("好的.png", PNG), SimpleUploadedFile("坏的.pdf", b"not a pdf at all")],
        },
    )
    assert 'data-error-for="evidence"' in response.content.decode()
    assert not ProgressReport.objects.exists()
    assert not [p for p in settings.EVIDENCE_ROOT.rglob("*") if p.is_file()]


def test_approving_a_report_that_changed_since_the_page_was_shown_is_refused(
    office, indicator, dept, dept_reporter, supervisor
):
    report = submitted(indicator, dept, dept_reporter)
    shown = report.version
    # Meanwhile a colleague returns it, the unit corrects and resubmits it.
    report = services.progress_report_review(report=report, by=supervisor, approve=False, comment="请核实")
    report = services.progress_report_update(
        report=report, by=dept_reporter, expected_version=report.version, value=Decimal("450")
    )
    report = services.progress_report_submit(report=report, by=dept_reporter)
    office.post(f"/reports/{report.pk}/review/", {"decision": "approve", "version": shown})
    office.post("/review/approve/", {"report": [report.pk], f"version-{report.pk}": shown})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    office.post("/review/approve/", {"report": [report.pk], f"version-{report.pk}": report.version})
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED


def test_my_work_reads_its_rows_in_a_fixed_ceiling_of_queries(as_dept, indicator):
    # 11 on the demo (every light stored); here the indicator has no stored light and is judged
    # afresh. It read the rows' targets and the unit's shares apart (20), and the allocations, the
    # lead units and their names apart (17).
    assert _queries(as_dept, "/my-work/") <= 15
