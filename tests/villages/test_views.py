"""Village pages: township scope (404), filters, the chart, Excel export reopened, review flow through the pages."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from villages.models import IncomeRecord, RecordStatus

from .conftest import approved


@pytest.fixture
def income(villages, supervisor):
    approved(villages["a"], 2024, 120, 60, supervisor)
    approved(villages["b"], 2024, 40, 0, supervisor)
    approved(villages["d"], 2024, 30, 12, supervisor)


def detail(village):
    return reverse("villages:village-detail", args=[village.code])


def test_a_township_reporter_sees_only_its_villages(client, villages, town_reporter, income):
    client.force_login(town_reporter)
    page = client.get(reverse("villages:village-list"), {"year": 2024})
    codes = [row.village.code for row in page.context["rows"]]
    assert codes == ["330305101001", "330305101201", "330305101202"]
    assert client.get(detail(villages["a"])).status_code == 200
    assert client.get(detail(villages["d"])).status_code == 404


def test_a_township_reporter_cannot_write_another_townships_records(
    client, villages, town_reporter, other_town_reporter
):
    client.force_login(town_reporter)
    url = reverse("villages:record-create", args=[villages["d"].code])
    response = client.post(url, {"year": 2024, "quarter": 0, "total_income": "5", "operating_income": "1"})
    assert response.status_code == 404
    client.force_login(other_town_reporter)
    client.post(url, {"year": 2024, "quarter": 0, "total_income": "5", "operating_income": "1"})
    record = IncomeRecord.objects.get()
    client.force_login(town_reporter)
    assert client.post(reverse("villages:record-submit", args=[record.pk]), {"version": 1}).status_code == 404
    assert client.get(reverse("villages:record-edit", args=[record.pk])).status_code == 404
    assert client.get(reverse("villages:profile-edit", args=[villages["d"].code])).status_code == 404


def test_entry_submit_and_review_through_the_pages(client, villages, town_reporter, supervisor):
    client.force_login(town_reporter)
    client.post(
        reverse("villages:record-create", args=[villages["a"].code]),
        {"year": 2024, "quarter": 0, "total_income": "56.30", "operating_income": "31.25"},
    )
    record = IncomeRecord.objects.get()
    client.post(reverse("villages:record-submit", args=[record.pk]), {"version": record.version})
    client.force_login(supervisor)
    pending = client.get(reverse("villages:pending-records"))
    assert [r.pk for r in pending.context["records"]] == [record.pk]
    record.refresh_from_db()
    client.post(reverse("villages:record-review", args=[record.pk]), {"decision": "approve", "version": record.version})
    record.refresh_from_db()
    assert record.status == RecordStatus.APPROVED


def test_the_office_reopens_an_approved_record_from_the_village_page(
    client, villages, supervisor, town_reporter, income
):
    record = IncomeRecord.objects.get(village=villages["a"])
    client.force_login(town_reporter)
    page = client.get(detail(villages["a"])).content.decode()
    assert 'name="reopen-record"' not in page
    assert client.post(reverse("villages:record-reopen", args=[record.pk]), {"reason": "想改"}).status_code == 403
    client.force_login(supervisor)
    assert 'name="reopen-record"' in client.get(detail(villages["a"])).content.decode()
    url = reverse("villages:record-reopen", args=[record.pk])
    client.post(url, {"reason": "", "version": record.version})
    record.refresh_from_db()
    assert record.status == RecordStatus.APPROVED
    page = client.post(url, {"reason": "总收入有误", "version": record.version}, follow=True)
    record.refresh_from_db()
    assert record.status == RecordStatus.RETURNED and record.review_comment == "总收入有误"
    assert 'name="reopen-record"' not in page.content.decode()


def test_a_stale_edit_form_does_not_overwrite(client, villages, town_reporter):
    client.force_login(town_reporter)
    client.post(
        reverse("villages:record-create", args=[villages["a"].code]),
        {"year": 2024, "quarter": 0, "total_income": "50", "operating_income": "10"},
    )
    record = IncomeRecord.objects.get()
    url = reverse("villages:record-edit", args=[record.pk])
    client.post(url, {"total_income": "60", "operating_income": "10", "version": 1})
    response = client.post(url, {"total_income": "70", "operating_income": "10", "version": 1})
    assert response.status_code == 200  # the form again, with the current values
    record.refresh_from_db()
    assert record.total_income == Decimal("60.00")


def test_filters_by_township_class_and_flag(client, villages, supervisor, income):
    client.force_login(supervisor)
    url = reverse("villages:village-list")
    rows = client.get(url, {"year": 2024, "category": "hollow"}).context["rows"]
    assert [r.village.name for r in rows] == ["小荆村"]
    rows = client.get(url, {"year": 2024, "flag": "示范村"}).context["rows"]
    assert [r.village.name for r in rows] == ["观音礁村", "口筐村"]
    rows = client.get(url, {"year": 2024, "township": "330305200000"}).context["rows"]
    assert [r.village.name for r in rows] == ["口筐村", "东臼村"]
    rows = client.get(url, {"year": 2024, "category": "50"}).context["rows"]
    assert [r.village.name for r in rows] == ["观音礁村"]


def test_the_chart_counts_each_class_per_township(client, villages, supervisor, income):
    client.force_login(supervisor)
    chart = client.get(reverse("villages:village-list"), {"year": 2024}).context["distribution"]
    by_township = {e["township"].name: {p["key"]: p["count"] for p in e["parts"]} for e in chart}
    assert by_township == {"大门镇": {"missing": 1, "hollow": 1, "50": 1}, "鹿西乡": {"missing": 1, "10": 1}}


def test_the_list_takes_a_fixed_number_of_queries(client, villages, supervisor, income, django_assert_max_num_queries):
    client.force_login(supervisor)
    with django_assert_max_num_queries(16):
        client.get(reverse("villages:village-list"), {"year": 2024})


def test_the_excel_export_reopens_with_tiers_and_no_formulas(client, villages, supervisor, income):
    villages["a"].name = '=HYPERLINK("http://x")'
    villages["a"].save()
    client.force_login(supervisor)
    response = client.get(reverse("villages:village-export"), {"year": 2024})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    injected = rows["330305101201"]
    assert injected[1].value == '=HYPERLINK("http://x")' and injected[1].data_type == "s"
    assert injected[8].value == 60 and injected[8].number_format == "#,##0.00"
    assert sheet.max_row == 6
    # Its properties name the region it was exported for, as every core.xlsx workbook does, not the library.
    properties = load_workbook(io.BytesIO(response.content)).properties
    assert (properties.creator, properties.title, properties.language) == ("洞头区", "2024年村（社区）情况", "zh-CN")
    from accounts.models import AuditEvent

    event = AuditEvent.objects.get(action="villages.export")
    assert event.username == supervisor.username and event.new["rows"] == 5 and event.new["filters"]["year"] == 2024


def test_the_derived_rule_page_lists_only_visible_villages(
    client, villages, town_reporter, supervisor, target, county, income
):
    from tests.factories import IndicatorFactory
    from villages.models import DerivedRule

    target.all_townships = True
    target.save()
    indicator = IndicatorFactory(target=target, unit="万元")
    DerivedRule.objects.create(indicator=indicator, measure="sum", basis="total", scope=county)
    url = reverse("villages:derived-rule", args=[indicator.pk])
    client.force_login(supervisor)
    page = client.get(url, {"year": 2024})
    assert page.context["value"] == Decimal("190.00") and len(page.context["rows"]) == 5
    client.force_login(town_reporter)
    page = client.get(url, {"year": 2024})
    assert page.context["value"] == Decimal("190.00") and page.context["hidden"] == 2
    assert {r.village.code[:9] for r in page.context["rows"]} == {"330305101"}


def test_the_plan_page_links_a_derived_indicator_to_its_rule_page(
    client, villages, supervisor, target, county, indicator, income
):
    from targets.choices import ReportStatus
    from tests.factories import IndicatorFactory, ProgressReportFactory
    from villages.models import DerivedRule

    derived = IndicatorFactory(target=target, unit="万元", name="村集体经济总收入")
    client.force_login(supervisor)
    plan_url = reverse("plan-detail", args=[target.plan_id])
    assert reverse("villages:derived-rule", args=[derived.pk]) not in client.get(plan_url).content.decode()
    DerivedRule.objects.create(indicator=derived, measure="sum", basis="total", scope=county)
    page = client.get(plan_url).content.decode()  # the rule drops the cached card at once
    assert f'href="{reverse("villages:derived-rule", args=[derived.pk])}"' in page
    assert reverse("villages:derived-rule", args=[indicator.pk]) not in page  # a reported indicator has no rule
    # A report on the other indicator redraws the card while the derived light comes from the cache.
    ProgressReportFactory(
        indicator=indicator,
        unit=indicator.target.lead_units.first(),
        created_by=supervisor,
        period_start=date(2025, 4, 1),
        value=10,
        status=ReportStatus.APPROVED,
    )
    assert f'href="{reverse("villages:derived-rule", args=[derived.pk])}"' in client.get(plan_url).content.decode()
    detail = client.get(reverse("supervision:indicator", args=[derived.pk])).content.decode()
    assert f'href="{reverse("villages:derived-rule", args=[derived.pk])}"' in detail


def test_regions_import_page_is_for_the_office_only(client, town_reporter, supervisor):
    client.force_login(town_reporter)
    assert client.get(reverse("villages:regions-import")).status_code == 403
    client.force_login(supervisor)
    assert client.get(reverse("villages:regions-import")).status_code == 200


def test_income_import_page_shows_row_errors(client, villages, town_reporter):
    client.force_login(town_reporter)
    template = client.get(reverse("villages:income-template"))
    assert template.status_code == 200
    csv = "村代码,村名称,年度,季度,总收入(万元),经营性收入(万元),备注\n330305200201,,2024,,1,1,\n".encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client.post(reverse("villages:income-import"), {"file": SimpleUploadedFile("x.csv", csv)})
    assert [(e.row, e.column) for e in page.context["errors"]] == [(2, "村代码")]
    assert b'data-row="2"' in page.content


def test_regions_import_page_shows_row_errors_and_then_imports(client, supervisor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(supervisor)
    url = reverse("villages:regions-import")
    bad = "统计用区划代码,名称\n330305100000,大门镇\n3303051002,坏村\n".encode()
    page = client.post(url, {"file": SimpleUploadedFile("r.csv", bad)})
    assert [(e.row, e.column != "") for e in page.context["errors"]] == [(3, True)]
    good = "统计用区划代码,名称\n330305100000,大门镇\n330305100201,观音礁村\n".encode()
    page = client.post(url, {"file": SimpleUploadedFile("r.csv", good)})
    assert page.context["summary"]["created"] == 2


def test_county_tiers_must_be_increasing_numbers(county):
    from django.core.exceptions import ValidationError

    from villages.models import CountyEconomySettings

    with pytest.raises(ValidationError):
        CountyEconomySettings(county=county, tiers=[25, 10]).full_clean()
    with pytest.raises(ValidationError):
        CountyEconomySettings(county=county, tiers=["ten"]).full_clean()
    settings = CountyEconomySettings(county=county, tiers=[5, 20])
    settings.full_clean()
    assert settings.tier_bounds == (Decimal("5"), Decimal("20"))
