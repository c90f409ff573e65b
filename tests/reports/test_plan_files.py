"""Every kind of file a plan arrives in: a portal's web page, a text PDF, old Word/WPS files, and refusals."""

import io
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from django.utils import translation

from core.uploads import UnsafeFile
from reports.intake.files import read_plan_file, unwrap
from reports.plan_import import plan_import_parse

from ..conftest import api_as
from .tables import upload

XUNYI = Path(__file__).resolve().parents[2] / "demo" / "data" / "xunyi.txt"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def xunyi_lines():
    return XUNYI.read_text(encoding="utf-8").splitlines()


PORTAL = """<!DOCTYPE html><html><head><meta charset="gb2312"><title>旬邑县人民政府</title>
<script>var menu = "一、首页"; document.write("1.不是任务。")</script><style>p { color: red }</style></head>
<body><div class="top-nav"><ul><li>首页</li><li>一、政务公开</li></ul></div>
<div class="breadcrumb">当前位置：首页 &gt; 政策文件</div>
<table class="meta"><tr><td>文号</td><td>旬巩衔组发〔2024〕1号</td><td>发布机构</td><td>旬邑县</td></tr></table>
<div id="zoom">{body}</div>
<div class="footer">版权所有：旬邑县人民政府 1.网站地图</div></body></html>"""


def portal_page() -> bytes:
    body = "".join(f"<p>{line}</p>" for line in xunyi_lines()[4:])
    return PORTAL.replace("{body}", body).encode("gb18030")


def test_a_page_saved_from_a_portal_reads_like_the_text_without_its_navigation_and_scripts():
    from_html = read_plan_file(upload(portal_page(), "旬邑县十大提升行动.html"))
    text = "\n".join(from_html.lines)
    assert "document.write" not in text and "政务公开" not in text and "版权所有" not in text
    assert "加强政策业务培训。深入镇村一线" in text and from_html.grid is None


@pytest.mark.django_db
def test_the_portal_page_imports_the_same_tasks_as_the_text(county):
    from_text = plan_import_parse(file=upload(XUNYI.read_bytes(), "x.txt"), region=county)
    from_html = plan_import_parse(file=upload(portal_page(), "x.htm"), region=county)
    assert [t["name"] for t in from_html["tasks"]] == [t["name"] for t in from_text["tasks"]]
    assert from_html["doc_number"] == "旬巩衔组发〔2024〕1号"


def test_a_table_on_a_web_page_is_read_as_the_grid_with_its_spans():
    page = """<html><body><table>
    <tr><th>序号</th><th>任务名称</th><th>主要内容</th><th>责任单位</th></tr>
    <tr><td rowspan="2">1</td><td rowspan="2">农村人居环境</td><td>改建卫生厕所2600座</td><td>*县农业农村局</td></tr>
    <tr><td>建成美丽宜居示范村23个</td><td>*县住建局</td></tr>
    <tr><td>2</td><td>稳岗就业</td><td>务工规模不少于1.9万人</td><td>*县人社局</td></tr></table></body></html>"""
    plan_file = read_plan_file(upload(page.encode("utf-8"), "清单.html"))
    assert plan_file.grid[2] == ["1", "农村人居环境", "建成美丽宜居示范村23个", "*县住建局"]


def pdf_of(tmp_path, lines) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    source = tmp_path / "plan.docx"
    document.save(source)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return (tmp_path / "plan.pdf").read_bytes()


@pytest.mark.django_db
def test_a_text_pdf_reads_its_headings_and_tasks_with_wrapped_lines_joined(tmp_path, county):
    lines = xunyi_lines()[8:40]
    parsed = plan_import_parse(file=upload(pdf_of(tmp_path, lines), "方案.pdf"), region=county)
    assert parsed["title"] == "旬邑县巩固拓展脱贫攻坚成果同乡村振兴有效衔接“十大提升行动”实施方案"
    assert [t["name"] for t in parsed["tasks"]][:5] == [
        "加强政策业务培训",
        "全面开展集中排查",
        "定期调度分析研判",
        "严格收支信息管理",
        "有效应对灾情风险",
    ]
    assert "熟悉掌握防返贫动态监测和帮扶政策" in parsed["tasks"][0]["content"]


def test_wrapped_lines_join_unless_a_sentence_or_heading_ends_them():
    lines = ["1.加强政策业务培训。深入镇村一线对业务人", "员开展培训。", "2.全面开展集中排查", "— 2 —"]
    assert unwrap(lines) == ["1.加强政策业务培训。深入镇村一线对业务人员开展培训。", "2.全面开展集中排查"]


def test_a_scanned_pdf_without_text_gets_a_plain_message(tmp_path):
    with pytest.raises(UnsafeFile, match="no text"):
        read_plan_file(upload(pdf_of(tmp_path, [""]), "scan.pdf"))


def doc_of(tmp_path, suffix) -> bytes:
    document = docx.Document()
    for line in [
        "某县改厕实施方案(2024—2025年)",
        "一、重点任务",
        "1.推进户厕改造。改建卫生厕所2600座。（县农业农村局负责）",
    ]:
        document.add_paragraph(line)
    document.save(tmp_path / "old.docx")
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "doc",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "old.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return (tmp_path / "old.doc").read_bytes()


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_old_word_and_wps_files_are_converted_by_libreoffice(tmp_path, county, suffix):
    parsed = plan_import_parse(file=upload(doc_of(tmp_path, suffix), "方案" + suffix), region=county)
    task = parsed["tasks"][0]
    assert (task["name"], task["lead_units"], parsed["end"]) == ("推进户厕改造", ["县农业农村局"], "2025-12-31")


def test_without_libreoffice_an_old_file_gets_a_plain_message(tmp_path, monkeypatch):
    data = doc_of(tmp_path, ".wps")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(UnsafeFile, match="save it as .docx"):
        read_plan_file(upload(data, "方案.wps"))


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"\x00\x01binary", "plan.txt", "not plain text"),
        (b"not a pdf", "plan.pdf", "does not contain what its name says"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog", "cut.pdf", "damaged"),
        (b"", "empty.txt", "empty|no text"),
        (b"plain", "plan.csv", "Expected a plan or table file"),
        (b"PK\x03\x04", "plan.docm", "macros"),
        (b"not old word", "plan.doc", "does not contain what its name says"),
        (b"not old wps", "plan.wps", "does not contain what its name says"),
    ],
)
def test_files_that_are_not_what_they_claim_get_a_plain_message(data, name, message):
    with pytest.raises(UnsafeFile, match=message):
        read_plan_file(upload(data, name))


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(settings):
    settings.UPLOAD_MAX_BYTES = 1000
    with pytest.raises(UnsafeFile, match="larger than"):
        read_plan_file(upload("一、任务\n".encode() * 200, "big.txt"))


@pytest.mark.django_db
def test_the_api_imports_a_plan_written_as_text(supervisor, county):
    response = api_as(supervisor).post(
        "/api/plans/import/",
        {
            "file": upload(XUNYI.read_bytes(), "旬邑.txt"),
            "region": county.code,
            "dry_run": "true",
        },
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert len(body["tasks"]) == 38 and body["doc_number"] == "旬巩衔组发〔2024〕1号"
    assert body["not_understood"]


def test_a_damaged_office_file_still_goes_through_the_zip_checks():
    with pytest.raises(UnsafeFile):
        read_plan_file(upload(io.BytesIO(b"PK\x03\x04broken").getvalue(), "t.docx"))


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", [".xls", ".et"])
def test_old_excel_and_wps_tables_are_converted_by_libreoffice(tmp_path, county, suffix):
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["序号", "任务名称", "主要内容", "责任单位"])
    workbook.active.append([1, "农村改厕", "改建卫生厕所2600座", "*区农业农村局、各街道乡镇"])
    workbook.save(tmp_path / "old.xlsx")
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "xls",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "old.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    data = (tmp_path / "old.xls").read_bytes()
    parsed = plan_import_parse(file=upload(data, "清单" + suffix), region=county)
    task = parsed["tasks"][0]
    assert (task["name"], task["lead_units"], task["all_townships"]) == ("农村改厕", ["区农业农村局"], True)
    assert task["indicators"][0]["target_value"] == "2600"


def test_entities_declared_in_a_web_page_are_never_expanded():
    entities = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "{("&a%d;" % (i - 1)) * 10}">' for i in range(1, 10))
    page = f"<!DOCTYPE html [{entities}]><html><body><p>一、任务 &a9;</p></body></html>"
    plan_file = read_plan_file(upload(page.encode(), "bomb.html"))
    assert sum(len(line) for line in plan_file.lines) < 100 and "lol" not in "".join(plan_file.lines)


@pytest.mark.django_db
def test_a_word_document_without_a_table_is_read_from_its_paragraphs(county):
    document = docx.Document()
    for line in xunyi_lines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    parsed = plan_import_parse(file=upload(buffer.getvalue(), "旬邑方案.docx"), region=county)
    assert parsed["source"] == "text" and len(parsed["tasks"]) == 38
    assert parsed["doc_number"] == "旬巩衔组发〔2024〕1号" and parsed["not_understood"]
