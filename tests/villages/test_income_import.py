"""Bulk income import from the template: row-level errors, all or nothing, a real xlsx reopened."""

import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from villages.excel import FileRefused, ImportRejected
from villages.models import IncomeRecord, RecordStatus
from villages.services import INCOME_COLUMNS, income_import, income_template

HEADER = [title for _key, title, _help in INCOME_COLUMNS]


def xlsx(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def run(rows, by, **options):
    return income_import(name="income.xlsx", data=xlsx(rows), by=by, **options)


def test_the_template_is_a_workbook_with_the_expected_header():
    sheet = load_workbook(io.BytesIO(income_template())).active
    assert [c.value for c in sheet[1]] == HEADER


def test_a_village_workbook_keeps_text_that_starts_with_a_formula_sign_as_text():
    from villages.excel import MONEY_FORMAT, write_xlsx

    columns = [("村名", lambda r: r["name"], None), ("总收入", lambda r: r["total"], MONEY_FORMAT)]
    rows = [{"name": '=HYPERLINK("http://x/")', "total": Decimal("56.30")}, {"name": "+1", "total": None}]
    sheet = load_workbook(io.BytesIO(write_xlsx("收入", columns, rows)))["收入"]
    assert [c.value for c in sheet[1]] == ["村名", "总收入"] and sheet.freeze_panes == "A2"
    injected, plus = sheet["A2"], sheet["A3"]
    assert injected.value == '=HYPERLINK("http://x/")' and injected.data_type == "s" and injected.quotePrefix
    assert plus.value == "+1" and plus.data_type == "s"
    assert sheet["B2"].value == 56.3 and sheet["B2"].number_format == MONEY_FORMAT and sheet["B3"].value is None


def test_rows_become_drafts_or_submissions(villages, town_reporter):
    summary = run(
        [
            ["330305101201", "观音礁村", 2024, None, 56.3, 31.25, ""],
            ["330305101202", "小荆村", "2024", "3", "12", "0", "备注"],
        ],
        town_reporter,
        submit=True,
    )
    assert summary["created"] == 2
    records = {r.village.code: r for r in IncomeRecord.objects.select_related("village")}
    assert records["330305101201"].total_income == Decimal("56.30")
    assert records["330305101202"].quarter == 3
    assert {r.status for r in records.values()} == {RecordStatus.SUBMITTED}


def test_every_bad_row_is_reported_and_nothing_is_saved(villages, town_reporter):
    rows = [
        ["330305101201", "观音礁村", 2024, None, 56.3, 31.25, ""],  # row 2: fine
        ["330305200201", "口筐村", 2024, None, 10, 5, ""],  # row 3: another township's village
        ["330305101202", "错名村", 2024, None, 10, 5, ""],  # row 4: wrong name
        ["330305101202", "小荆村", "二〇二四", None, 10, 5, ""],  # row 5: year
        ["330305101202", "小荆村", 2024, 5, 10, 5, ""],  # row 6: quarter
        ["330305101202", "小荆村", 2024, None, 10, 12, ""],  # row 7: operating above total
        ["330305101202", "小荆村", 2024, None, "1.234", 1, ""],  # row 8: three decimals
        ["330305101201", "观音礁村", 2024, None, 1, 1, ""],  # row 9: same as row 2
    ]
    with pytest.raises(ImportRejected) as caught:
        run(rows, town_reporter)
    assert [(e.row, e.column) for e in caught.value.errors] == [
        (3, "村代码"),
        (4, "村名称"),
        (5, "年度"),
        (6, "季度"),
        (7, "经营性收入(万元)"),
        (8, "总收入(万元)"),
        (9, "年度"),
    ]
    assert not IncomeRecord.objects.exists()


def test_a_draft_is_updated_but_a_submitted_record_is_not_replaced(villages, town_reporter):
    run([["330305101201", "", 2024, None, 10, 5, ""]], town_reporter)
    assert run([["330305101201", "", 2024, None, 20, 5, ""]], town_reporter)["updated"] == 1
    assert IncomeRecord.objects.get().total_income == Decimal("20.00")
    run([["330305101202", "", 2024, None, 1, 1, ""]], town_reporter, submit=True)
    with pytest.raises(ImportRejected) as caught:
        run([["330305101201", "", 2024, None, 30, 5, ""], ["330305101202", "", 2024, None, 2, 2, ""]], town_reporter)
    assert [e.row for e in caught.value.errors] == [3]
    assert IncomeRecord.objects.get(village__code="330305101201").total_income == Decimal("20.00")


def test_a_missing_column_is_named(villages, town_reporter):
    with pytest.raises(ImportRejected) as caught:
        income_import(name="income.xlsx", data=xlsx([], header=HEADER[:4]), by=town_reporter)
    assert {e.column for e in caught.value.errors} == {"总收入(万元)", "经营性收入(万元)"}


def test_a_csv_in_gb18030_is_read(villages, town_reporter):
    text = ",".join(HEADER) + "\n330305101201,观音礁村,2024,,8,4,\n"
    assert income_import(name="income.csv", data=text.encode("gb18030"), by=town_reporter)["created"] == 1


def test_a_macro_workbook_and_a_zip_bomb_are_refused(villages, town_reporter):
    data = io.BytesIO(xlsx([]))
    with zipfile.ZipFile(data, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"macro")
    with pytest.raises(FileRefused):
        income_import(name="income.xlsx", data=data.getvalue(), by=town_reporter)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<a/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 50_000_000)
    with pytest.raises(FileRefused):
        income_import(name="income.xlsx", data=bomb.getvalue(), by=town_reporter)
