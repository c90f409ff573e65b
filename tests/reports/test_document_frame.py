"""The office sets its document frame on a page: saved, audited, checked, and carried by its next report."""

from datetime import date

import pytest

from accounts.models import AuditEvent
from reports import services
from reports.models import DocumentFrame, ReportKind

FRAME = {
    "organ_mark": "测试县巩固衔接工作领导小组办公室",
    "number_pattern": "测巩衔办发〔{year}〕{n}号",
    "main_recipients": "各镇人民政府，县直有关部门：",
    "signature": "测试县巩固衔接工作领导小组办公室",
    "copy_to": "县委办，县政府办。",
    "printed_by": "测试县巩固衔接工作领导小组办公室",
    "requirements": "逐项整改，按期销号。\n按时报送进度。",
}


@pytest.mark.django_db
def test_the_office_saves_its_frame_and_the_next_report_carries_it(client, supervisor, county, indicator):
    client.force_login(supervisor)
    page = client.get(f"/reports/bulletins/frame/?region={county.code}").content.decode()
    assert 'id="document-frame"' in page and "{region}{word}〔{year}〕{n}号" in page  # the defaults until saved
    response = client.post(f"/reports/bulletins/frame/?region={county.code}", {**FRAME, "version": 0})
    assert response.status_code == 302
    frame = DocumentFrame.objects.get(region=county)
    assert (frame.organ_mark, frame.version) == (FRAME["organ_mark"], 1)
    event = AuditEvent.objects.get(action="document_frame.save")
    assert event.new["number_pattern"] == FRAME["number_pattern"] and event.old is None
    report = services.report_request(region=county, kind=ReportKind.MONTHLY, month=date(2025, 5, 1))
    content = services.report_generate(report_id=report.pk).content
    assert content["doc_number"] == "测巩衔办发〔2025〕1号"
    assert content["frame"]["organ_mark"] == FRAME["organ_mark"] and content["issuer"] == FRAME["signature"]
    assert [b["text"] for b in content["blocks"][-2:]] == ["（一）逐项整改，按期销号。", "（二）按时报送进度。"]


@pytest.mark.django_db
def test_a_number_pattern_without_the_year_in_brackets_is_refused_in_words(client, supervisor, county, indicator):
    client.force_login(supervisor)
    response = client.post(
        f"/reports/bulletins/frame/?region={county.code}",
        {**FRAME, "number_pattern": "测巩衔办发2026-{n}", "version": 0},
    )
    assert response.status_code == 400
    assert "〔〕括注年份" in response.content.decode()
    assert not DocumentFrame.objects.exists() and not AuditEvent.objects.filter(action="document_frame.save").exists()


@pytest.mark.django_db
def test_a_frame_saved_meanwhile_is_not_overwritten(client, supervisor, county, indicator):
    services.document_frame_save(region=county, by=supervisor, expected_version=0, **FRAME)
    client.force_login(supervisor)
    response = client.post(
        f"/reports/bulletins/frame/?region={county.code}",
        {**FRAME, "organ_mark": "另一个标志", "version": 0},
        follow=True,
    )
    assert "其他人已在此期间保存" in response.content.decode()
    assert DocumentFrame.objects.get(region=county).organ_mark == FRAME["organ_mark"]


@pytest.mark.django_db
def test_reporters_cannot_set_a_frame(client, dept_reporter, county, indicator):
    client.force_login(dept_reporter)
    assert client.get("/reports/bulletins/frame/").status_code == 403
    assert client.post("/reports/bulletins/frame/", {**FRAME, "version": 0}).status_code == 403
    assert not DocumentFrame.objects.exists()
