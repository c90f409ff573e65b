"""Plans and tables laid out as county offices write them, beyond the seeds: real .docx and .xlsx files are
built here, read back through the importer (plan_import_parse, as the upload page and the API do) and checked."""

import io
from datetime import date

import docx
import openpyxl
import pytest

from reports.plan_import import plan_import_parse

from .tables import upload

pytestmark = pytest.mark.django_db


def docx_of(paragraphs) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_of(rows, merged_across=()) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for values in rows:
        sheet.append(values)
    for row in merged_across:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(rows[1]))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def by_name(parsed):
    return {t["name"]: t for t in parsed["tasks"]}


def test_responsibility_written_the_ways_county_plans_write_it(county):
    data = docx_of(
        [
            "某县和美乡村建设实施方案（2024—2026年）",
            "",
            "一、重点任务",
            "",
            "1．稳定粮食生产。全县粮食播种面积稳定在２６.５万亩以上。（县农业农村局牵头，各乡镇负责）",
            "2．推进农村厕所革命。２０２４年完成农村户用卫生厕所改造３０００户，其中６月底前完成１２００户。"
            "（县农业农村局牵头，县卫健局、县住建局配合，各乡镇负责）",
            "3．壮大村级集体经济。全县１２８个村集体经济年经营性收入均达１０万元以上。",
            "牵头单位：县委组织部；责任单位：县农业农村局、县财政局，各乡镇人民政府",
            "4．加强生活垃圾治理。农村生活垃圾无害化处理率保持在９５％以上。",
            "牵头单位：县住建局",
            "责任单位：县城管局、各乡镇",
            "5．深化平安乡村建设。群众安全感满意度达到９８％以上。（县委政法委牵头，县公安局负责）",
            "6．发展特色产业。新培育龙头企业８家。",
            "责任单位：县农业农村局　县发改局　县商务局",
        ]
    )
    parsed = plan_import_parse(file=upload(data, "方案.docx"), region=county)
    tasks = by_name(parsed)
    assert (parsed["start"], parsed["end"]) == ("2024-01-01", "2026-12-31")
    assert [(t["lead_units"], t["co_units"], t["all_townships"]) for t in parsed["tasks"]] == [
        (["县农业农村局"], [], True),
        (["县农业农村局"], ["县卫健局", "县住建局"], True),
        (["县委组织部"], ["县农业农村局", "县财政局"], True),
        (["县住建局"], ["县城管局"], True),
        (["县委政法委"], ["县公安局"], False),
        (["县农业农村局"], ["县发改局", "县商务局"], False),
    ]
    (toilets,) = tasks["推进农村厕所革命"]["indicators"]
    assert (toilets["target_value"], toilets["deadline"], toilets["milestones"]) == (
        "3000",
        "2024-12-31",
        [["2024-06-30", "1200"]],
    )
    (income,) = tasks["壮大村级集体经济"]["indicators"]
    assert (income["kind"], income["target_value"], income["unit"]) == ("floor", "10", "万元")


def test_a_table_with_leaders_time_points_repeated_header_and_notes(county):
    header = ["序号", "重点任务", "工作措施", "责任领导", "牵头单位", "责任单位", "时间节点", "备注"]
    rows = [
        ["某县2025年乡村振兴重点工作任务清单"],
        header,
        ["一、守牢底线任务"],
        [
            1,
            "粮食安全",
            "全年粮食播种面积稳定在４２万亩以上，总产量１６万吨以上。",
            "王副县长",
            "县农业农村局",
            "县发改局，县自然资源局，各镇（街道）",
            "2025年12月底前",
            "",
        ],
        [
            2,
            "高标准农田",
            "新建高标准农田３.２万亩，6月底前开工，10月底前完工。",
            "王副县长",
            "县农业农村局",
            "县财政局、县水利局",
            "2025年10月底前",
            "",
        ],
        header,  # the header again where the printed page turns
        [
            3,
            "农产品品牌",
            "新认证绿色食品、有机农产品各１０个。",
            "陈明",
            "县市场监管局（牵头）、县农业农村局",
            "",
            "2025年11月底前",
            "",
        ],
        [
            4,
            "村级集体经济",
            "经营性收入５０万元以上的村达到３０个，全面消除１０万元以下的村。",
            "李副县长",
            "县委组织部",
            "县农业农村局；县财政局",
            "2025年12月底前",
            "",
        ],
        ["注：责任单位排在第一位的为牵头单位。"],
    ]
    parsed = plan_import_parse(
        file=upload(xlsx_of(rows, merged_across=(1, 3, 9)), "清单.xlsx"),
        region=county,
        start=date(2025, 1, 1),
        end=date(2025, 12, 31),
    )
    tasks = by_name(parsed)
    assert list(tasks) == ["粮食安全", "高标准农田", "农产品品牌", "村级集体经济"]
    assert parsed["warnings"] == []  # the repeated header is not a skipped row
    assert [n["text"] for n in parsed["not_understood"]] == ["注:责任单位排在第一位的为牵头单位。"]
    assert [(p["kind"], p["target_value"]) for p in tasks["粮食安全"]["indicators"]] == [
        ("floor", "420000"),
        ("floor", "160000"),
    ]
    (fields,) = tasks["高标准农田"]["indicators"]
    assert (fields["target_value"], fields["deadline"]) == ("32000", "2025-10-31")  # 开工 is not the amount done
    assert (tasks["农产品品牌"]["lead_units"], tasks["农产品品牌"]["co_units"]) == (["县市场监管局"], ["县农业农村局"])
    assert [(p["kind"], p["target_value"], p["unit"]) for p in tasks["村级集体经济"]["indicators"]] == [
        ("increase", "30", "个"),
        ("ceiling", "0", "个"),  # 10万元 is the tier, not a count to come down from: no baseline to ask for
    ]
    assert "baseline_needed" not in tasks["村级集体经济"]["indicators"][1]["warnings"]
    assert tasks["粮食安全"]["all_townships"] and tasks["粮食安全"]["leader"] == "王副县长"


def test_chapters_a_deadline_line_under_the_units_and_at_least_one_in_each_village(county):
    data = docx_of(
        [
            "某县农村人居环境整治提升实施方案（2025—2027年）",
            "第一章 总体要求",
            "补齐农村基础设施短板。",
            "第二章 重点任务",
            "一、加快生活污水治理",
            "（1）完善污水管网。新建污水管网８５公里，其中２０２５年完成３０公里。",
            "责任单位：县住建局",
            "完成时限：2027年12月底前",
            "（2）治理黑臭水体。农村黑臭水体治理率达到９０％以上。",
            "责任单位：县生态环境分局牵头，县水利局配合",
            "完成时限：2026年6月底前",
            "二、推进农村厕所革命",
            "（3）建好公共厕所。２０２５年底前，每个行政村至少建成１座公共厕所，全县新建农村公厕１２０座。",
            "责任单位：县农业农村局、各乡镇",
        ]
    )
    parsed = plan_import_parse(file=upload(data, "方案.docx"), region=county)
    tasks = by_name(parsed)
    assert (tasks["完善污水管网"]["lead_units"], tasks["完善污水管网"]["deadline"]) == (["县住建局"], "2027-12-31")
    assert (tasks["治理黑臭水体"]["lead_units"], tasks["治理黑臭水体"]["co_units"]) == (
        ["县生态环境分局"],
        ["县水利局"],
    )
    assert tasks["治理黑臭水体"]["indicators"][0]["deadline"] == "2026-06-30"
    assert [(p["kind"], p["target_value"], p["unit"], p["name"]) for p in tasks["建好公共厕所"]["indicators"]] == [
        ("floor", "1", "座", "每个行政村公共厕所"),
        ("increase", "120", "座", "新建农村公厕"),
    ]


def test_unit_cells_written_as_sentences_or_separated_by_spaces(county):
    rows = [
        ["某县2025年重点任务责任分解表"],
        ["序号", "任务名称", "主要内容", "责任单位", "完成时限"],
        [1, "改厕", "完成改厕３００户。", "县农业农村局牵头，县财政局、县住建局配合，各乡镇负责", "2025年12月底前"],
        [2, "供水", "农村自来水普及率达到９６％。", "县水利局 （牵头）　县财政局", "2025年9月底前"],
        [3, "消防", "建成微型消防站１２个。", "县应急管理局、县综合执法局主管", "2025年12月底前"],
    ]
    parsed = plan_import_parse(
        file=upload(xlsx_of(rows, merged_across=(1,)), "表.xlsx"),
        region=county,
        start=date(2025, 1, 1),
        end=date(2025, 12, 31),
    )
    assert [(t["lead_units"], t["co_units"], t["all_townships"]) for t in parsed["tasks"]] == [
        (["县农业农村局"], ["县财政局", "县住建局"], True),
        (["县水利局"], ["县财政局"], False),
        ([], ["县应急管理局", "县综合执法局"], False),  # no mark in a table cell: no lead is guessed
    ]


def test_a_note_that_the_first_listed_unit_leads_is_applied_to_unmarked_cells(county):
    rows = [
        ["某县重点任务分解表"],
        ["序号", "任务名称", "主要内容", "责任单位", "完成时限"],
        [1, "消防", "建成微型消防站１２个。", "县应急管理局、县综合执法局", "2025年12月底前"],
        [2, "供水", "农村自来水普及率达到９６％。", "*县水利局、县财政局", "2025年9月底前"],
        ["注：责任单位排在第一位的为牵头单位。"],
    ]
    parsed = plan_import_parse(
        file=upload(xlsx_of(rows, merged_across=(1, 5)), "表.xlsx"),
        region=county,
        start=date(2025, 1, 1),
        end=date(2025, 12, 31),
    )
    assert [(t["lead_units"], t["co_units"]) for t in parsed["tasks"]] == [
        (["县应急管理局"], ["县综合执法局"]),
        (["县水利局"], ["县财政局"]),
    ]
