"""A numbered 督办通知单 per supervision item, in the office's frame, reopened with python-docx."""

from datetime import date
from io import BytesIO

import pytest
import time_machine
from docx import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from accounts.models import AuditEvent
from reports import services as report_services
from supervision import services

from ..supervision.builders import submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(indicator, dept, dept_reporter, supervisor, county):
    submitted(indicator, dept, date(2025, 5, 1), 300, date(2025, 5, 20), dept_reporter)
    report_services.document_frame_save(
        region=county,
        by=supervisor,
        expected_version=0,
        organ_mark="测试区人民政府办公室",
        number_pattern="测政办督〔{year}〕{n}号",
        main_recipients="各单位：",
        signature="测试区人民政府办公室",
        copy_to="区委办。",
        printed_by="测试区人民政府办公室",
        requirements="",
    )
    made = []
    for day, notice in ((1, "说明6月未报送原因"), (2, "请说明进度滞后原因并提出整改措施")):
        with time_machine.travel(f"2025-07-0{day} 09:00 +08:00", tick=False):
            made.append(
                services.supervision_item_issue(
                    indicator=indicator, unit=dept, notice=notice, reply_due=date(2025, 7, 8 + day), by=supervisor
                )
            )
    return made


def test_each_item_prints_as_its_own_numbered_notice_to_its_unit(client, supervisor, items, dept):
    client.force_login(supervisor)
    page = client.get(f"/supervision/items/{items[1].pk}/").content.decode()
    assert f"/reports/bulletins/notices/{items[1].pk}/" in page
    assert client.get(f"/reports/bulletins/notices/{items[0].pk}/").status_code == 200  # numbered 1 when first made
    response = client.get(f"/reports/bulletins/notices/{items[1].pk}/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    document = Document(BytesIO(b"".join(response.streaming_content)))
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[:3] == ["测试区人民政府办公室", "测政办督〔2025〕2号", "督办通知单"]
    assert f"{dept.name}：" in texts and any("2025年7月10日前反馈" in t for t in texts)
    rows = {r.cells[0].text: r.cells[1].text for r in document.tables[0].rows[1:]}
    assert rows["督办要求"] == "请说明进度滞后原因并提出整改措施" and rows["反馈期限"] == "2025年7月10日"
    assert AuditEvent.objects.filter(action="supervision_notice.download", object_id=str(items[1].pk)).exists()
    again = Document(BytesIO(b"".join(client.get(f"/reports/bulletins/notices/{items[1].pk}/").streaming_content)))
    assert again.paragraphs[1].text == "测政办督〔2025〕2号"  # its number for good


def test_another_units_reporter_cannot_fetch_the_notice(client, stranger, items):
    client.force_login(stranger)
    assert client.get(f"/reports/bulletins/notices/{items[0].pk}/").status_code == 404


def test_the_notice_ends_in_the_reply_it_asks_for_which_keeps_the_signature_with_the_text(client, supervisor, items):
    """GB/T 9704 7.3.5: the signature stands on a page with text. A notice ending in its table let the signature go
    over alone (LibreOffice keeps a table with what follows only as a whole); it ends in a sentence, kept with it."""
    client.force_login(supervisor)
    response = client.get(f"/reports/bulletins/notices/{items[1].pk}/")
    document = Document(BytesIO(b"".join(response.streaming_content)))
    body = list(document.element.body)
    table = next(i for i, element in enumerate(body) if element.tag == qn("w:tbl"))
    after = Paragraph(body[table + 1], document)
    assert after.text == "请于2025年7月10日前反馈整改措施和完成时限。" and after.paragraph_format.keep_with_next
    # The opening announces the table; the sentence after it is the last of the body, before the signature.
    texts = [p.text for p in document.paragraphs if p.text]
    assert "现将下列事项列入督办：" in texts and Paragraph(body[table - 1], document).text == "督办事项"
    assert texts.count("督办通知单") == 1  # the title; the table's caption names the matter
    assert texts[texts.index(after.text) + 1] == "测试区人民政府办公室"


def test_a_notice_holding_a_link_reads_in_chinese_punctuation_and_keeps_the_link_whole(
    client, supervisor, items, indicator, dept
):
    """A link or a formula in the office's request used to leave the whole text as typed, ASCII commas and all."""
    with time_machine.travel("2025-07-03 09:00 +08:00", tick=False):
        item = services.supervision_item_issue(
            indicator=indicator,
            unit=dept,
            notice="请于月底前整改,详见https://xunyi.gov.cn/d?id=1,2;完成1,234.50万元投资(含配套)",
            reply_due=date(2025, 7, 12),
            by=supervisor,
        )
    client.force_login(supervisor)
    document = Document(BytesIO(b"".join(client.get(f"/reports/bulletins/notices/{item.pk}/").streaming_content)))
    rows = {r.cells[0].text: r.cells[1].text for r in document.tables[0].rows[1:]}
    assert rows["督办要求"] == "请于月底前整改，详见https://xunyi.gov.cn/d?id=1,2；完成1,234.50万元投资（含配套）"
