"""The report pages: who sees them, the request form, downloads checked and audited."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import translation

from accounts.models import AuditEvent, Role
from reports import services
from reports.models import GeneratedReport, ReportKind, ReportState

from ..conftest import api_as
from ..factories import RegionFactory, UserFactory

MAY = date(2025, 5, 1)


@pytest.fixture
def done_report(county, indicator, supervisor):
    report = services.report_request(region=county, kind=ReportKind.MONTHLY, month=MAY, by=supervisor)
    return services.report_generate(report_id=report.pk)


@pytest.fixture
def leader(county):
    return UserFactory(username="lingdao", role=Role.LEADER, region=county)


@pytest.mark.django_db
def test_the_list_shows_every_version_with_download_links(client, supervisor, done_report, county):
    failed = GeneratedReport.objects.create(
        region=county,
        kind=ReportKind.MONTHLY,
        period_start=MAY,
        period_end=date(2025, 5, 31),
        version=2,
        status=ReportState.FAILED,
        failure_reason="ValueError: broken",
    )
    client.force_login(supervisor)
    page = client.get("/reports/bulletins/").content.decode()
    assert f'data-report="{done_report.pk}" data-status="done"' in page
    assert f"/reports/bulletins/{done_report.pk}/docx/" in page and f"/reports/bulletins/{done_report.pk}/xlsx/" in page
    assert f'data-report="{failed.pk}" data-status="failed"' in page and "ValueError: broken" in page
    assert f"/reports/bulletins/{failed.pk}/docx/" not in page


@pytest.mark.django_db
def test_a_download_is_permission_checked_and_audited(client, leader, done_report):
    client.force_login(leader)
    response = client.get(f"/reports/bulletins/{done_report.pk}/docx/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"PK"
    assert "attachment" in response["Content-Disposition"]
    event = AuditEvent.objects.get(action="report.download")
    assert (event.username, event.new) == ("lingdao", {"format": "docx"})


@pytest.mark.django_db
def test_a_report_whose_file_left_the_file_store_answers_regenerate_and_records_no_download(
    client, leader, done_report, caplog
):
    """A restore without its media, or a disk cleaned by hand: the page says what to do and the API answers 404, not a 500."""
    done_report.docx.storage.delete(done_report.docx.name)
    client.force_login(leader)
    page = client.get(f"/reports/bulletins/{done_report.pk}/docx/", follow=True)
    assert page.redirect_chain == [(f"/reports/bulletins/{done_report.pk}/", 302)]
    assert "该报表的文件已不在文件存储中，请重新生成。" in page.content.decode()
    answer = api_as(leader).get(f"/api/reports/{done_report.pk}/files/docx/")
    assert answer.status_code == 404
    assert answer.json() == {"code": "not_found", "message": "该报表的文件已不在文件存储中，请重新生成。"}
    assert not AuditEvent.objects.filter(action="report.download").exists()
    assert "missing from the file store" in caplog.text
    # The other file is still there and still downloads.
    assert client.get(f"/reports/bulletins/{done_report.pk}/xlsx/").status_code == 200


@pytest.mark.django_db
def test_the_page_of_a_report_whose_file_left_the_store_offers_the_office_a_new_version(
    client, leader, supervisor, done_report, django_capture_on_commit_callbacks
):
    """The page the download sends back to says which file is gone and has the button its sentence asks for: the
    office regenerates (the regenerate button was shown only for a returned report), a leader is told who does."""
    done_report.docx.storage.delete(done_report.docx.name)
    client.force_login(leader)
    page = client.get(f"/reports/bulletins/{done_report.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<span data-missing="docx">Word</span>' in page and 'data-download="docx"' not in page
    assert 'data-download="xlsx"' in page
    assert "本版本的Word文件已不在文件存储中。请督查室重新生成。" in page and "regenerate-missing-form" not in page
    client.force_login(supervisor)
    page = client.get(f"/reports/bulletins/{done_report.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="regenerate-missing-form"' in page and "请督查室" not in page
    with django_capture_on_commit_callbacks(execute=True):  # the generation task, run in-process
        response = client.post(f"/reports/bulletins/{done_report.pk}/regenerate/")
    new = GeneratedReport.objects.get(region=done_report.region, version=2)
    assert response.status_code == 302 and response["Location"] == f"/reports/bulletins/{new.pk}/"
    new.refresh_from_db()
    assert new.status == ReportState.DONE and new.docx.storage.exists(new.docx.name)
    with new.docx.open("rb") as f:
        assert f.read(2) == b"PK"
    # The old version's page now points to the new one instead of offering a third.
    page = client.get(f"/reports/bulletins/{done_report.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f'<a href="/reports/bulletins/{new.pk}/">最新为第2版，请打开查看。</a>' in page
    assert "regenerate-missing-form" not in page


@pytest.mark.django_db
def test_a_report_with_its_files_in_place_is_not_regenerated_unless_returned(supervisor, done_report):
    with pytest.raises(ValidationError):
        services.report_regenerate(report=done_report, by=supervisor)


@pytest.mark.django_db
def test_reporters_and_other_counties_cannot_read_reports(client, dept_reporter, done_report):
    client.force_login(dept_reporter)
    assert client.get("/reports/bulletins/").status_code == 403
    assert client.get(f"/reports/bulletins/{done_report.pk}/docx/").status_code == 403
    elsewhere = UserFactory(role=Role.SUPERVISOR, region=RegionFactory(code="610429000000", name="旬邑县"))
    client.force_login(elsewhere)
    assert client.get(f"/reports/bulletins/{done_report.pk}/").status_code == 404
    assert client.get(f"/reports/bulletins/{done_report.pk}/xlsx/").status_code == 404
    assert not AuditEvent.objects.filter(action="report.download").exists()


@pytest.mark.django_db
def test_the_report_page_shows_the_stored_tables(client, leader, done_report):
    client.force_login(leader)
    page = client.get(f"/reports/bulletins/{done_report.pk}/").content.decode()
    assert 'data-table="lights"' in page and 'data-table="league_units"' in page
    assert done_report.content["doc_number"] in page


@pytest.mark.django_db
def test_the_report_page_links_the_pdf_once_there_is_one(client, leader, done_report):
    client.force_login(leader)
    link = f"/reports/bulletins/{done_report.pk}/pdf/"
    page = client.get(f"/reports/bulletins/{done_report.pk}/").content.decode()
    assert f"/reports/bulletins/{done_report.pk}/docx/" in page and link not in page
    done_report.pdf.save("monthly.pdf", ContentFile(b"%PDF-1.7 rendered"), save=True)
    page = client.get(f"/reports/bulletins/{done_report.pk}/").content.decode()
    assert f'href="{link}" data-download="pdf"' in page
    response = client.get(link)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.7 rendered"
    assert AuditEvent.objects.get(action="report.download").new == {"format": "pdf"}


@pytest.mark.django_db
def test_the_office_asks_for_a_report_and_gets_a_pending_row(
    client, supervisor, county, indicator, django_capture_on_commit_callbacks
):
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(
            "/reports/bulletins/request/", {"region": county.pk, "kind": ReportKind.QUARTERLY, "month": "2025-06"}
        )
    assert response.status_code == 302 and len(queued) == 1
    report = GeneratedReport.objects.get()
    assert (report.kind, report.period_start, report.requested_by) == (
        ReportKind.QUARTERLY,
        date(2025, 4, 1),
        supervisor,
    )


@pytest.mark.django_db(transaction=True)
def test_where_tasks_run_in_process_the_message_says_the_report_is_there(client, supervisor, county, indicator):
    """make run generates in the request (Celery in-process, the request's transaction committed at once)."""
    client.force_login(supervisor)
    response = client.post("/reports/bulletins/request/", {"region": county.pk, "kind": "monthly", "month": "2025-05"})
    report = GeneratedReport.objects.get()
    assert report.status == ReportState.DONE
    assert [str(m) for m in get_messages(response.wsgi_request)] == [f"已生成报表：{report}，见下方列表首行。"]


@pytest.mark.django_db
def test_left_to_a_worker_the_message_says_the_report_will_appear(
    client, supervisor, county, indicator, django_capture_on_commit_callbacks
):
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks():
        response = client.post(
            "/reports/bulletins/request/", {"region": county.pk, "kind": "monthly", "month": "2025-05"}
        )
    report = GeneratedReport.objects.get()
    assert report.status == ReportState.PENDING
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"已发起生成报表：{report}。生成完成后将显示在下方。"
    ]


@pytest.mark.django_db
def test_a_bad_month_is_refused_with_the_reason_on_the_field(client, supervisor, county, indicator):
    client.force_login(supervisor)
    with translation.override("en"):
        response = client.post(
            "/reports/bulletins/request/",
            {"region": county.pk, "kind": "monthly", "month": "2025-13"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 400
    assert 'data-error="month"' in response.content.decode()
    assert "2025-13" in response.content.decode()
    assert not GeneratedReport.objects.exists()


@pytest.mark.django_db
def test_leaders_read_reports_but_only_the_office_asks_for_them(client, leader, county):
    client.force_login(leader)
    assert 'id="report-request"' not in client.get("/reports/bulletins/").content.decode()
    response = client.post("/reports/bulletins/request/", {"region": county.pk, "kind": "monthly", "month": "2025-05"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_a_year_end_summary_of_december_is_refused_on_2_december_with_the_first_possible_day(
    client, supervisor, county, indicator
):
    client.force_login(supervisor)
    with time_machine.travel(datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        refused = client.post(
            "/reports/bulletins/request/", {"region": county.pk, "kind": ReportKind.YEAR_END, "month": "2026-12"}
        )
        november = client.post(
            "/reports/bulletins/request/", {"region": county.pk, "kind": ReportKind.YEAR_END, "month": "2026-11"}
        )
    assert refused.status_code == 400
    assert "2026年12月26日" in refused.content.decode()
    assert november.status_code == 302
    assert GeneratedReport.objects.get().period_end == date(2026, 11, 30)


@pytest.mark.django_db
@time_machine.travel("2026-12-02 10:00 +08:00", tick=False)
def test_the_request_form_offers_the_last_closed_month_and_the_list_reads_periods_in_words(
    client, supervisor, done_report
):
    client.force_login(supervisor)
    page = client.get("/reports/bulletins/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<option value="2026-11" selected>2026年11月</option>' in page
    assert "2025年5月" in page and ">2025-05<" not in page


@pytest.mark.django_db
def test_the_report_page_names_its_period_in_words_in_its_title_and_head(client, leader, county, indicator, supervisor):
    report = services.report_request(region=county, kind=ReportKind.QUARTERLY, month=date(2025, 6, 1), by=supervisor)
    services.report_generate(report_id=report.pk)
    client.force_login(leader)
    page = client.get(f"/reports/bulletins/{report.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    title = page.split("<title>")[1].split("</title>")[0]
    assert "2025年4月–2025年6月" in title and "2025-06" not in title and " v1" not in title
    assert "<span data-span>2025年4月–2025年6月</span>" in page


@pytest.mark.django_db
def test_the_list_names_who_asked_a_person_a_schedule_or_the_system(client, supervisor, done_report, county):
    made = {
        name: GeneratedReport.objects.create(
            region=county,
            kind=ReportKind.MONTHLY,
            period_start=MAY,
            period_end=date(2025, 5, 31),
            version=version,
            schedule_name=name,
        )
        for version, name in ((2, "schedule:monthly"), (3, ""))
    }
    supervisor.first_name, supervisor.last_name = "晓明", "王"
    supervisor.save()
    client.force_login(supervisor)
    page = client.get("/reports/bulletins/").content.decode()

    def asked_by(report) -> str:
        row = page[page.index(f'data-report="{report.pk}"') :]
        return row[row.index("<span data-asked-by>") + 20 : row.index("</span>", row.index("<span data-asked-by>"))]

    assert asked_by(done_report) == supervisor.shown_name
    assert asked_by(made["schedule:monthly"]) == "按计划自动生成"
    assert asked_by(made[""]) == "系统"
    assert "schedule:monthly" not in page


@pytest.mark.django_db
def test_a_report_is_named_in_one_run_of_chinese_and_spaced_in_english(done_report, county):
    """The messages read 已发起生成报表：洞头区 月通报 2026年11月 第1版, with spaces between the Chinese words."""
    with translation.override("zh-hans"):
        assert str(done_report) == f"{county.name}2025年5月月通报（第1版）"
    with translation.override("en"):
        assert str(done_report) == f"{county.name} monthly bulletin 2025-05 version 1"


@pytest.mark.django_db
def test_a_leader_cannot_sign_a_version_whose_word_file_left_the_store(
    client, leader, supervisor, done_report, django_capture_on_commit_callbacks
):
    """What a leader signs is the Word document: with it gone the page offers no sign-off, and the service refuses."""
    done_report.docx.storage.delete(done_report.docx.name)
    client.force_login(leader)
    page = client.get(f"/reports/bulletins/{done_report.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="signoff-form"' not in page and "data-signoff-blocked" in page
    response = client.post(
        f"/reports/bulletins/{done_report.pk}/signoff/", {"decision": "sign"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "本版本的Word文件已不在文件存储中，须督查室重新生成后再签发。"
    ]
    done_report.refresh_from_db()
    assert done_report.signoff == "awaiting" and done_report.signed_by is None
    assert not AuditEvent.objects.filter(action="report.sign").exists()


@pytest.mark.django_db
def test_only_the_latest_version_is_signed_or_returned(
    client, leader, supervisor, done_report, django_capture_on_commit_callbacks
):
    done_report.docx.storage.delete(done_report.docx.name)
    with django_capture_on_commit_callbacks(execute=True):
        new = services.report_regenerate(report=done_report, by=supervisor)
    new.refresh_from_db()
    for act in (
        lambda: services.report_sign(report=done_report, by=leader),
        lambda: services.report_return(report=done_report, by=leader, reason="再改改"),
    ):
        with translation.override("zh-hans"), pytest.raises(ValidationError, match="第2版为最新版本"):
            act()
    done_report.refresh_from_db()
    assert done_report.signoff == "awaiting"
    client.force_login(leader)
    page = client.get(f"/reports/bulletins/{done_report.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="signoff-form"' not in page and f'<a href="/reports/bulletins/{new.pk}/">第2版为最新版本' in page
    page = client.get(f"/reports/bulletins/{new.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="signoff-form"' in page
    services.report_sign(report=new, by=leader)
    assert AuditEvent.objects.filter(action="report.sign").count() == 1
