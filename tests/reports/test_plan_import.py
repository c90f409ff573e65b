"""Plan import from the responsibility table: the Dongtou table end to end, and every refusal."""

import pytest
from django.utils import translation

from accounts.models import AuditEvent
from core.uploads import SafeUpload, UnreadableFile
from regions.models import Unit
from reports.intake.table import parse_table, split_units
from reports.plan_import import plan_import, plan_import_parse
from targets.models import Indicator, Plan, Target

from ..conftest import api_as
from .tables import dongtou, dongtou_docx, dongtou_xlsx, upload


@pytest.fixture(autouse=True)
def english():
    """The assertions read the English messages; the site's default language is Chinese."""
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db


@pytest.fixture
def departments(county):
    return {name: Unit.objects.get_or_create(county=county, name=name)[0] for name in dongtou.DEPARTMENTS}


@pytest.fixture(scope="module")
def dongtou_table():
    return dongtou_xlsx()


def parse_xlsx(data, **kwargs):
    from datetime import date

    return parse_table(SafeUpload("t.xlsx", "xlsx", data), start=date(2023, 7, 1), end=date(2027, 12, 31))


def test_the_dongtou_table_parses_into_69_tasks_with_their_sections_and_lead_units(dongtou_table):
    parsed = parse_xlsx(dongtou_table)
    assert len(parsed["tasks"]) == 69
    assert [s["title"] for s in parsed["sections"]] == [title for title, _ in dongtou.SECTIONS]
    assert parsed["title"].startswith("洞头区提升县城承载能力")
    for task, expected in zip(parsed["tasks"], dongtou.TASKS):
        assert (task["seq"], task["name"], task["lead_units"], task["all_townships"]) == (
            expected["seq"],
            expected["name"],
            expected["lead_units"],
            expected["all_townships"],
        )
        section = parsed["sections"][task["section"]]["title"]
        assert section == expected["section"]
    # rows 63-65 and 67-69 share a merged name cell
    assert {t["name"] for t in parsed["tasks"] if t["seq"] in (63, 64, 65)} == {"政策保证机制"}
    sub = parsed["sections"][2]
    assert parsed["sections"][sub["parent"]]["title"] == "二、持续深化“千村示范、万村整治”工程"


def test_a_word_table_reads_like_the_workbook(dongtou_table):
    from datetime import date

    tasks = dongtou.TASKS[:12] + dongtou.TASKS[60:]  # 63-65 and 67-69 share merged name cells
    from_docx = parse_table(
        SafeUpload("t.docx", "docx", dongtou_docx(tasks)), start=date(2023, 7, 1), end=date(2027, 12, 31)
    )
    from_xlsx = parse_xlsx(dongtou_xlsx(tasks))
    assert [t["name"] for t in from_docx["tasks"][-3:]] == ["督导服务机制"] * 3
    assert from_docx["tasks"] == from_xlsx["tasks"]
    assert from_docx["title"] == from_xlsx["title"]


@pytest.mark.parametrize(
    "raw, leads, co, every",
    [
        ("*区发改局、区农业农村局,各街道乡镇(标*的为牵头单位,下同)", ["区发改局"], ["区农业农村局"], True),
        (
            "*区住建局、*区农业农村局*自然资源和规划分局,各街道乡镇",
            ["区住建局", "区农业农村局", "自然资源和规划分局"],
            [],
            True,
        ),
        ("＊区财政局，区住建局；各乡镇（街道）", ["区财政局"], ["区住建局"], True),
        ("区教育局", [], ["区教育局"], False),
    ],
)
def test_unit_lists_split_into_leads_co_units_and_every_township(raw, leads, co, every):
    units = split_units(raw)
    assert (units["lead_units"], units["co_units"], units["all_townships"]) == (leads, co, every)


def test_columns_are_found_by_header_text_not_position():
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["表头说明"])
    sheet.append(["责任单位", "主要内容", "序号", "重点任务"])
    sheet.append(["*区教育局", "新建幼儿园3所", "1", "学前教育"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    task = parse_xlsx(buffer.getvalue())["tasks"][0]
    assert (task["seq"], task["name"], task["lead_units"]) == (1, "学前教育", ["区教育局"])
    assert task["indicators"][0]["target_value"] == "3"


def test_a_table_without_the_expected_headers_gets_a_plain_message():
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["姓名", "电话"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(UnreadableFile, match="序号"):
        parse_xlsx(buffer.getvalue())


def test_the_api_imports_the_dongtou_table_end_to_end(supervisor, departments, dongtou_table):
    client = api_as(supervisor)
    response = client.post(
        "/api/plans/import/",
        {
            "file": upload(dongtou_table, "责任分解.xlsx"),
            "region": "330305000000",
            "accept_suggestions": "true",
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    plan = Plan.objects.get(pk=body["id"])
    assert plan.start_date.isoformat() == "2023-01-01" and plan.end_date.isoformat() == "2027-12-31"
    assert Target.objects.filter(plan=plan).count() == 69
    listed = client.get(f"/api/targets/?plan={plan.pk}&page_size=100")
    assert listed.json()["count"] == 69
    leads = {t.seq: sorted(u.name for u in t.lead_units.all()) for t in Target.objects.filter(plan=plan)}
    assert leads == {t["seq"]: sorted(t["lead_units"]) for t in dongtou.TASKS}
    assert Indicator.objects.filter(target__plan=plan).count() == sum(len(t["indicators"]) for t in body["tasks"])
    assert Indicator.objects.get(target__plan=plan, target__seq=3, order=0).name == "和美乡村建成率"
    assert AuditEvent.objects.filter(action="plan.import", object_id=str(plan.pk)).exists()
    assert not Unit.objects.filter(name="区综合执法局主管").exists()


def test_a_dry_run_returns_the_parsed_plan_and_writes_nothing(supervisor, departments, dongtou_table):
    response = api_as(supervisor).post(
        "/api/plans/import/",
        {
            "file": upload(dongtou_table, "t.xlsx"),
            "region": "330305000000",
            "dry_run": "true",
        },
        format="multipart",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["id"] is None and len(body["tasks"]) == 69
    names = {row["name"] for row in body["units"]}
    # "区综合执法局主管" in the table: the unit is read without the stray role word.
    assert "区综合执法局" in names and "区综合执法局主管" not in names
    assert not Plan.objects.exists()


def test_units_left_undecided_stop_the_import_and_nothing_is_written(supervisor, county, dongtou_table):
    response = api_as(supervisor).post(
        "/api/plans/import/",
        {
            "file": upload(dongtou_table, "t.xlsx"),
            "region": "330305000000",
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert "区发改局" in response.json()["fields"]["units"][0]
    assert not Plan.objects.exists() and not Target.objects.exists()


def test_new_units_are_created_only_when_asked(supervisor, county):
    data = dongtou_xlsx(dongtou.TASKS[:3])
    response = api_as(supervisor).post(
        "/api/plans/import/",
        {
            "file": upload(data, "t.xlsx"),
            "region": "330305000000",
            "create_units": "1",
        },
        format="multipart",
    )
    assert response.status_code == 201
    assert Unit.objects.filter(county=county, name="区发改局").exists()
    assert AuditEvent.objects.filter(action="unit.create").count() == Unit.objects.filter(county=county).count()


def test_a_bad_indicator_rolls_back_the_whole_plan(supervisor, departments, county):
    parsed = plan_import_parse(file=upload(dongtou_xlsx(dongtou.TASKS[:5]), "t.xlsx"), region=county)
    for row in parsed["units"]:
        row["decision"] = row["decision"] or "create"
    parsed["tasks"][4]["indicators"][0]["target_value"] = "abc"
    with pytest.raises(Exception, match="Task 5"):
        plan_import(parsed=parsed, region=county, by=supervisor)
    assert not Plan.objects.exists() and not Target.objects.exists() and not Indicator.objects.exists()


@pytest.mark.parametrize(
    "data, name", [(b"not a workbook", "t.xlsx"), (b"PK\x03\x04broken", "t.xlsx"), (b"x", "t.xlsm")]
)
def test_bad_files_get_a_plain_400(supervisor, county, data, name):
    response = api_as(supervisor).post(
        "/api/plans/import/", {"file": upload(data, name), "region": county.code}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["fields"]["file"][0]


def test_only_the_supervision_office_of_the_county_imports(stranger, county, dongtou_table):
    response = api_as(stranger).post(
        "/api/plans/import/", {"file": upload(dongtou_table, "t.xlsx"), "region": county.code}, format="multipart"
    )
    assert response.status_code == 403
    response = api_as(stranger).post(
        "/api/plans/import/", {"file": upload(dongtou_table, "t.xlsx"), "region": "999999000000"}, format="multipart"
    )
    assert response.status_code == 400


def test_separate_lead_and_co_unit_columns_are_read_by_their_headers():
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["某县乡村振兴实施方案(2024—2026年)任务清单"])
    sheet.append(["序号", "工作任务", "目标任务", "牵头单位", "配合单位"])
    sheet.append(["(一)产业振兴"])
    sheet.append(["1", "高标准农田", "到2025年新建高标准农田1.2万亩", "县农业农村局、县财政局", "各乡镇（街道）"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    parsed = parse_xlsx(buffer.getvalue())
    task = parsed["tasks"][0]
    assert (task["lead_units"], task["co_units"], task["all_townships"]) == (["县农业农村局", "县财政局"], [], True)
    assert parsed["sections"][0]["title"] == "(一)产业振兴" and task["section"] == 0
    indicator = task["indicators"][0]
    assert (indicator["target_value"], indicator["unit"], indicator["deadline"]) == ("12000", "亩", "2025-12-31")


def test_the_api_takes_the_table_inside_a_word_document(supervisor, departments):
    response = api_as(supervisor).post(
        "/api/plans/import/",
        {
            "file": upload(dongtou_docx(dongtou.TASKS[:10]), "责任分解.docx"),
            "region": "330305000000",
            "accept_suggestions": "true",
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert Target.objects.filter(plan_id=response.json()["id"]).count() == 10
