"""Region import from the statistical division code list: checks, all or nothing, idempotence, renames, audit."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from accounts.models import AuditEvent
from regions.models import Region, RegionLevel
from villages.excel import FileRefused, ImportRejected
from villages.services import region_import

HEADER = "统计用区划代码,城乡分类代码,名称\n"
GOOD = HEADER + (
    "330000000000,,浙江省\n330300000000,,温州市\n330305000000,,洞头区\n"
    "330305100000,,大门镇\n330305100201,220,观音礁村\n330305100202,220,小荆村\n330305100001,121,大门社区\n"
)


def run(text, by=None, name="regions.csv"):
    return region_import(name=name, data=text.encode("utf-8"), by=by)


def errors_of(text):
    with pytest.raises(ImportRejected) as caught:
        run(text)
    return [(e.row, e.column, e.message) for e in caught.value.errors]


def test_a_full_file_loads_every_level_with_parents_and_kinds(db, supervisor):
    summary = run(GOOD, supervisor)
    assert summary["created"] == 6  # 洞头区 was loaded already (the supervisor's region)
    village = Region.objects.get(code="330305100201")
    assert village.level == RegionLevel.VILLAGE and village.parent.code == "330305100000"
    assert village.kind == "行政村" and village.urban_rural_code == "220"
    assert Region.objects.get(code="330305100001").kind == "社区"
    assert Region.objects.get(code="330305100000").kind == "镇"
    assert AuditEvent.objects.filter(action="regions.import").count() == 1


def test_a_second_import_of_the_same_file_changes_nothing(db, supervisor):
    run(GOOD, supervisor)
    before = list(Region.objects.values_list("code", "name", "parent_id", "urban_rural_code"))
    summary = run(GOOD, supervisor)
    assert summary == {"rows": 7, "created": 0, "renamed": 0, "reclassified": 0}
    assert list(Region.objects.values_list("code", "name", "parent_id", "urban_rural_code")) == before
    assert AuditEvent.objects.filter(action="regions.import").count() == 1


def test_a_renamed_village_is_updated_not_duplicated(db, supervisor):
    run(GOOD, supervisor)
    pk = Region.objects.get(code="330305100202").pk
    summary = run(GOOD.replace("小荆村", "小荆新村"), supervisor)
    assert summary["renamed"] == 1 and summary["created"] == 0
    assert Region.objects.get(pk=pk).name == "小荆新村"
    assert Region.objects.filter(level=RegionLevel.VILLAGE).count() == 3
    event = AuditEvent.objects.filter(action="regions.import").first()
    assert event.new["renames"] == [["330305100202", "小荆村", "小荆新村"]]


def test_two_villages_may_swap_names_in_one_import(db, supervisor):
    run(GOOD, supervisor)
    swapped = GOOD.replace("观音礁村", "TMP").replace("小荆村", "观音礁村").replace("TMP", "小荆村")
    assert run(swapped, supervisor)["renamed"] == 2


def test_every_bad_row_is_reported_with_row_and_column_and_nothing_is_written(db):
    text = HEADER + (
        "330000000000,,浙江省\n330300000000,,温州市\n330305000000,,洞头区\n330305100000,,大门镇\n"
        "33030510020,220,短码村\n"  # row 6: 11 digits
        "330305100201,220,观音礁村\n"
        "330305100201,220,观音礁村\n"  # row 8: duplicate code
        "330305100203,220,观音礁村\n"  # row 9: same name under the same parent
        "330305300201,220,孤村\n"  # row 10: parent 330305300000 missing
        "330305100204,22,坏分类村\n"  # row 11: class code not 3 digits
        "330305100205,220,\n"  # row 12: empty name
    )
    errors = errors_of(text)
    rows = [row for row, _column, _message in errors]
    assert rows == [6, 8, 9, 10, 11, 12]
    assert "330305300000" in errors[3][2]
    assert Region.objects.count() == 0


def test_a_code_clashing_with_a_loaded_name_is_refused(db):
    run(GOOD)
    errors = errors_of(HEADER + "330305100209,220,小荆村\n")
    assert errors[0][0] == 2 and "330305100202" in errors[0][2]


def test_parents_already_loaded_need_not_be_in_the_file(db):
    run(GOOD)
    assert run(HEADER + "330305100203,220,沙岙村\n")["created"] == 1


def test_the_published_layout_without_a_header_is_read(db):
    run(GOOD)
    assert run("330305100203,220,沙岙村\n330305100204,220,寮顶村\n")["created"] == 2


def test_an_excel_file_is_read_like_a_csv(db):
    workbook = Workbook()
    for line in GOOD.strip().splitlines():
        workbook.active.append(line.split(","))
    out = io.BytesIO()
    workbook.save(out)
    assert region_import(name="regions.xlsx", data=out.getvalue(), by=None)["created"] == 7


def test_a_file_that_is_not_a_workbook_is_refused(db):
    with pytest.raises(FileRefused):
        region_import(name="regions.xlsx", data=b"not a zip", by=None)
    with pytest.raises(FileRefused):
        region_import(name="regions.doc", data=b"x", by=None)


def test_the_command_imports_and_reports_row_errors(db, tmp_path, capsys):
    path = tmp_path / "regions.csv"
    path.write_text(GOOD, encoding="utf-8")
    call_command("import_regions", str(path))
    assert "7 added" in capsys.readouterr().out
    path.write_text(HEADER + "123,,坏\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_regions", str(path))
    err = capsys.readouterr().err
    assert "123" in err and ("row 2" in err or "第2行" in err)  # the command speaks the site language
