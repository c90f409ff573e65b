"""The lists people forward, as .xlsx and .docx: the page's rows with the page's filters, reopened with openpyxl
and python-docx."""

import re
from datetime import date
from io import BytesIO
from urllib.parse import unquote

import pytest
import time_machine
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from openpyxl import load_workbook

from accounts.audit_labels import ACTIONS
from accounts.models import AuditEvent
from supervision.models import SupervisionItem
from supervision.services import snapshot_freeze

from ..factories import IndicatorFactory, TargetFactory
from .builders import submitted

NOW = "2025-07-01 10:00 +08:00"
HEAD_ROWS = 4  # title, data stamp, the two header rows


@pytest.fixture
def lights(indicator, dept, other_unit, dept_reporter, supervisor):
    """`indicator` red at the June end; a second one, led by another unit, amber; both frozen."""
    submitted(indicator, dept, date(2025, 3, 1), 100, date(2025, 3, 20), dept_reporter)
    submitted(indicator, dept, date(2025, 4, 1), 200, date(2025, 4, 20), dept_reporter)
    submitted(indicator, dept, date(2025, 5, 1), 300, date(2025, 5, 20), dept_reporter)
    target = TargetFactory(plan=indicator.target.plan, section=indicator.target.section, name="建设高标准农田")
    target.lead_units.add(other_unit)
    amber = IndicatorFactory(target=target, name="高标准农田面积")
    submitted(amber, other_unit, date(2025, 5, 1), 300, date(2025, 5, 20), dept_reporter)
    submitted(amber, other_unit, date(2025, 6, 1), 400, date(2025, 6, 20), dept_reporter)
    snapshot_freeze(as_of=date(2025, 5, 31))
    snapshot_freeze(as_of=date(2025, 6, 30))
    return indicator, amber


@pytest.fixture
def office(client, supervisor):
    client.force_login(supervisor)
    return client


def _workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(BytesIO(response.content))


def _file_name(response) -> str:
    return unquote(re.search(r"filename\*=utf-8''(.+)", response["Content-Disposition"]).group(1))


def _rows(sheet):
    return [row for row in sheet.iter_rows(min_row=HEAD_ROWS + 1, values_only=True) if any(v is not None for v in row)]


def _assert_prints(sheet):
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.print_title_rows == f"$1:${HEAD_ROWS}"


def _page_rows(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<tr data-indicator="(\d+)" data-status="(\w+)">', html)


@time_machine.travel(NOW, tick=False)
def test_the_red_and_amber_list_exports_the_rows_of_the_page_in_its_order_with_title_and_stamp(office, lights):
    html = office.get("/supervision/list/?as_of=2025-06&light=flagged").content.decode()
    assert 'href="/supervision/list/export.xlsx?as_of=2025-06&amp;light=flagged"' in html
    response = office.get("/supervision/list/export.xlsx?as_of=2025-06&light=flagged")
    sheet = _workbook(response)["指标清单"]
    names = {str(i.pk): i.name for i in lights}
    labels = {"red": "红灯", "amber": "黄灯"}
    assert [(row[1], row[3]) for row in _rows(sheet)] == [(names[pk], labels[s]) for pk, s in _page_rows(html)]
    assert [row[0] for row in _rows(sheet)] == [1, 2]
    assert sheet["A1"].value == "洞头区红灯、黄灯指标清单（2025年6月）"
    assert sheet["A2"].value.startswith("数据截至2025年6月30日，灯色判定于")
    assert [c.value for c in sheet[3]][:4] == ["序号", "指标", "所属任务", "灯色"]
    red = _rows(sheet)[0]
    assert red[4] == "区农业农村局" and re.search("[\u4e00-\u9fff]", red[7]) and "," not in red[7]  # reasons in Chinese
    _assert_prints(sheet)
    properties = load_workbook(BytesIO(response.content)).properties
    assert (properties.creator, properties.title) == ("洞头区", sheet["A1"].value)  # not "openpyxl"
    assert _file_name(response) == "洞头区-2025年6月-红灯、黄灯指标清单.xlsx"
    event = AuditEvent.objects.get(action="supervision.export")
    assert event.new["list"] == "flagged" and event.new["rows"] == 2
    assert event.new["filters"] == {"as_of": "2025-06", "light": "flagged"} and "supervision.export" in ACTIONS


@time_machine.travel(NOW, tick=False)
def test_the_flagged_export_keeps_the_pages_light_filter(office, lights):
    html = office.get("/supervision/list/?as_of=2025-06&light=amber").content.decode()
    response = office.get("/supervision/list/export.xlsx?as_of=2025-06&light=amber")
    sheet = _workbook(response)["指标清单"]
    assert [row[1] for row in _rows(sheet)] == [lights[1].name] and len(_page_rows(html)) == 1
    assert sheet["A1"].value == "洞头区黄灯指标清单（2025年6月）"
    assert _file_name(response) == "洞头区-2025年6月-黄灯指标清单.xlsx"


@time_machine.travel(NOW, tick=False)
def test_the_league_export_has_a_sheet_per_league_with_the_pages_ranks(office, lights):
    html = office.get("/supervision/league/?as_of=2025-06").content.decode()
    response = office.get("/supervision/league/export.xlsx?as_of=2025-06")
    workbook = _workbook(response)
    assert workbook.sheetnames == ["部门", "乡镇（街道）"]
    units = _rows(workbook["部门"])
    section = html[html.index('data-league="units"') : html.index('data-league="townships"')]
    page = re.findall(r'data-rank="(\d+)">\s*<td[^>]*>\d+</td>\s*<td[^>]*>([^<]+)</td>', section)
    assert [(str(r[0]), r[1]) for r in units] == page and page
    first = units[0]
    assert workbook["部门"]["A1"].value == "洞头区晾晒排名（2025年6月）·部门"
    assert workbook["部门"].cell(row=HEAD_ROWS + 1, column=5).number_format == "0.0%"
    assert first[4] is None or 0 <= first[4] <= 1
    _assert_prints(workbook["部门"])
    assert _file_name(response) == "洞头区-2025年6月-晾晒排名.xlsx"


@pytest.fixture
def items(lights, dept, other_unit, supervisor):
    red, amber = lights
    mine = SupervisionItem.objects.create(
        indicator=red,
        unit=dept,
        notice="说明原因",
        reply_due=date(2025, 7, 8),
        issued_by=supervisor,
        light_when_issued="red",
        measures='=HYPERLINK("http://evil.example/","点击")',
    )
    theirs = SupervisionItem.objects.create(
        indicator=amber,
        unit=other_unit,
        notice="说明原因",
        reply_due=date(2025, 6, 28),
        issued_by=supervisor,
        light_when_issued="amber",
    )
    return mine, theirs


@time_machine.travel(NOW, tick=False)
def test_the_supervision_ledger_exports_what_the_page_lists_and_an_overdue_reply_says_so(office, items):
    html = office.get("/supervision/items/").content.decode()
    response = office.get("/supervision/items/export.xlsx")
    sheet = _workbook(response)["督办事项"]
    rows = _rows(sheet)
    shown = re.findall(r'data-item="(\d+)"', html)
    by_pk = {str(i.pk): i for i in items}
    assert [row[2] for row in rows] == [by_pk[pk].indicator.name for pk in shown]
    theirs = next(row for row in rows if row[4] == "区教育局")
    assert theirs[6].endswith("（逾期未反馈）") and theirs[7] == "2025年6月28日" and theirs[5] == "黄灯"
    mine = next(row for row in rows if row[4] == "区农业农村局")
    cell = sheet.cell(row=HEAD_ROWS + 1 + rows.index(mine), column=9)
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"  # a reporter's text stays text
    assert sheet["A1"].value == "洞头区督办事项台账" and sheet["A2"].value.startswith("数据截至2025年7月1日")
    _assert_prints(sheet)
    assert _file_name(response) == "洞头区-督办事项台账-2025年7月1日.xlsx"


@time_machine.travel(NOW, tick=False)
def test_the_ledger_export_keeps_the_pages_filter_and_a_unit_gets_only_its_own_items(
    client, items, dept_reporter, stranger, office
):
    overdue = _rows(_workbook(office.get("/supervision/items/export.xlsx?overdue=1"))["督办事项"])
    assert [row[4] for row in overdue] == ["区教育局"]
    client.force_login(dept_reporter)
    response = client.get("/supervision/items/export.xlsx")
    assert [row[4] for row in _rows(_workbook(response)["督办事项"])] == ["区农业农村局"]
    assert _file_name(response) == "区农业农村局-督办事项台账-2025年7月1日.xlsx"
    client.force_login(stranger)  # the reporter of 区教育局: its own item, never the other unit's
    assert [row[4] for row in _rows(_workbook(client.get("/supervision/items/export.xlsx"))["督办事项"])] == [
        "区教育局"
    ]


def test_reporters_get_no_dashboard_export(client, dept_reporter, db):
    client.force_login(dept_reporter)
    assert client.get("/supervision/list/export.xlsx").status_code == 403
    assert client.get("/supervision/league/export.xlsx").status_code == 403
    assert not AuditEvent.objects.filter(action="supervision.export").exists()


# The same lists as Word documents ------------------------------------------------------------------------

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _document(response):
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    return Document(BytesIO(response.content))


def _cells(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def _assert_head_repeats_and_rows_hold(table):
    rows = table._tbl.tr_lst
    assert rows[0].trPr.find(qn("w:tblHeader")) is not None  # the head row on every page
    assert all(tr.trPr.find(qn("w:tblHeader")) is None for tr in rows[1:])
    assert all(tr.trPr.find(qn("w:cantSplit")) is not None for tr in rows)  # no row broken over two pages


def _east_asian_fonts(table) -> set[str]:
    return {r.get(qn("w:eastAsia")) for r in table._tbl.iter(qn("w:rFonts"))}


@time_machine.travel(NOW, tick=False)
def test_the_red_and_amber_list_as_word_has_the_pages_rows_in_order_under_a_head_repeated_on_each_page(office, lights):
    html = office.get("/supervision/list/?as_of=2025-06&light=flagged").content.decode()
    assert 'href="/supervision/list/export.docx?as_of=2025-06&amp;light=flagged"' in html
    response = office.get("/supervision/list/export.docx?as_of=2025-06&light=flagged")
    document = _document(response)
    assert document.paragraphs[0].text == "洞头区红灯、黄灯指标清单（2025年6月）"
    assert document.paragraphs[1].text.startswith("数据截至2025年6月30日，灯色判定于")
    (table,) = document.tables
    head, *body = _cells(table)
    sheet = load_workbook(BytesIO(office.get("/supervision/list/export.xlsx?as_of=2025-06&light=flagged").content))
    assert head == [c.value for c in sheet["指标清单"][3]]  # the workbook's columns
    names = {str(i.pk): i.name for i in lights}
    labels = {"red": "红灯", "amber": "黄灯"}
    assert [(row[0], row[1], row[3]) for row in body] == [
        (str(n), names[pk], labels[s]) for n, (pk, s) in enumerate(_page_rows(html), start=1)
    ]
    assert [row[1] for row in body] == [row[1] for row in _rows(sheet["指标清单"])]
    red = body[0]
    assert red[4] == "区农业农村局" and re.search("[\u4e00-\u9fff]", red[7]) and "," not in red[7]
    _assert_head_repeats_and_rows_hold(table)
    assert _east_asian_fonts(table) == {"黑体", "仿宋"}
    # A4 across, and the reasons get the widest column of its type area.
    section = document.sections[0]
    assert section.page_width > section.page_height
    widths = [cell.width for cell in table.rows[1].cells]
    type_area = section.page_width - section.left_margin - section.right_margin
    assert abs(sum(widths) - type_area) < Mm(1)
    assert widths[head.index("原因")] == max(widths)
    fill = table.rows[1].cells[3]._tc.tcPr.find(qn("w:shd")).get(qn("w:fill"))
    assert fill == "FFC7CE"  # the red light on the red of the workbook
    assert document.core_properties.author == "洞头区" and document.core_properties.language == "zh-CN"
    assert _file_name(response) == "洞头区-2025年6月-红灯、黄灯指标清单.docx"
    events = AuditEvent.objects.filter(action="supervision.export").order_by("id")
    assert [(e.new["list"], e.new["format"], e.new["rows"]) for e in events] == [
        ("flagged", "docx", 2),
        ("flagged", "xlsx", 2),
    ]
    assert events[0].new["filters"] == {"as_of": "2025-06", "light": "flagged"}


@time_machine.travel(NOW, tick=False)
def test_the_word_list_keeps_the_pages_light_filter(office, lights):
    response = office.get("/supervision/list/export.docx?as_of=2025-06&light=amber")
    document = _document(response)
    assert document.paragraphs[0].text == "洞头区黄灯指标清单（2025年6月）"
    assert [row[1] for row in _cells(document.tables[0])[1:]] == [lights[1].name]
    assert _file_name(response) == "洞头区-2025年6月-黄灯指标清单.docx"


@time_machine.travel(NOW, tick=False)
def test_the_league_table_as_word_has_a_table_per_league_under_its_name_with_the_pages_ranks(office, lights):
    html = office.get("/supervision/league/?as_of=2025-06").content.decode()
    assert 'href="/supervision/league/export.docx?as_of=2025-06"' in html
    response = office.get("/supervision/league/export.docx?as_of=2025-06")
    document = _document(response)
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[0] == "洞头区晾晒排名（2025年6月）" and texts[2:4] == ["部门", "乡镇（街道）"]
    (units,) = document.tables  # no township reports: its league says so in a line
    assert texts[4] == "（无）"
    section = html[html.index('data-league="units"') : html.index('data-league="townships"')]
    page = re.findall(r'data-rank="(\d+)">\s*<td[^>]*>\d+</td>\s*<td[^>]*>([^<]+)</td>', section)
    head, *body = _cells(units)
    assert head == ["排名", "单位", "应报数", "按时报送", "按时报送率", "平均完成率", "红灯"]
    assert [(row[0], row[1]) for row in body] == page and page
    rate = body[0][head.index("按时报送率")]
    assert rate == "—" or re.fullmatch(r"\d{1,3}\.\d%", rate)
    right = units.rows[1].cells[head.index("应报数")].paragraphs[0]._p.pPr.find(qn("w:jc"))
    assert right.get(qn("w:val")) == "right"  # figures at the right
    _assert_head_repeats_and_rows_hold(units)
    section = document.sections[0]
    assert section.page_width < section.page_height  # seven short columns: A4 upright
    assert _file_name(response) == "洞头区-2025年6月-晾晒排名.docx"
    assert AuditEvent.objects.get(action="supervision.export").new["format"] == "docx"


@time_machine.travel(NOW, tick=False)
def test_the_supervision_ledger_as_word_lists_what_the_page_lists_and_a_unit_gets_only_its_own(
    client, office, items, dept_reporter
):
    html = office.get("/supervision/items/").content.decode()
    assert 'href="/supervision/items/export.docx?"' in html
    document = _document(office.get("/supervision/items/export.docx"))
    head, *body = _cells(document.tables[0])
    by_pk = {str(i.pk): i for i in items}
    assert [row[2] for row in body] == [by_pk[pk].indicator.name for pk in re.findall(r'data-item="(\d+)"', html)]
    theirs = next(row for row in body if row[4] == "区教育局")
    assert theirs[6].endswith("（逾期未反馈）") and theirs[7] == "2025年6月28日" and theirs[5] == "黄灯"
    mine = next(row for row in body if row[4] == "区农业农村局")
    assert mine[head.index("整改措施")] == '=HYPERLINK("http://evil.example/","点击")'  # shown as typed
    assert document.paragraphs[0].text == "洞头区督办事项台账"
    assert document.paragraphs[1].text.startswith("数据截至2025年7月1日")
    _assert_head_repeats_and_rows_hold(document.tables[0])
    client.force_login(dept_reporter)
    response = client.get("/supervision/items/export.docx?overdue=")
    assert [row[4] for row in _cells(_document(response).tables[0])[1:]] == ["区农业农村局"]
    assert _file_name(response) == "区农业农村局-督办事项台账-2025年7月1日.docx"


@time_machine.travel(NOW, tick=False)
def test_a_list_with_nothing_in_it_says_so_instead_of_a_head_over_nothing(office, lights):
    document = _document(office.get("/supervision/items/export.docx"))
    assert not document.tables and "（无）" in [p.text for p in document.paragraphs]


def test_reporters_get_no_dashboard_export_in_word_either(client, dept_reporter, db):
    client.force_login(dept_reporter)
    assert client.get("/supervision/list/export.docx").status_code == 403
    assert client.get("/supervision/league/export.docx").status_code == 403
    assert not AuditEvent.objects.filter(action="supervision.export").exists()
