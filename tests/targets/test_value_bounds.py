"""Values no unit could truly report are refused at entry, on the page, through the API and from a
workbook: a share in percent above 100 (和美乡村建成率 150 %), a count with decimals (3.63 个)."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from targets import rules, services
from targets.choices import Kind
from targets.models import ProgressReport

from ..conftest import api_as
from ..factories import IndicatorFactory
from ..reports.tables import upload


@pytest.mark.parametrize(
    "name, unit, share",
    [
        ("和美乡村建成率", "%", True),
        ("城乡同质化供水覆盖率", "%", True),
        ("农业产值占比", "％", True),
        ("财政支出比重", "%", True),
        ("村集体经营性收入增长率", "%", False),
        ("农民收入增幅", "%", False),
        ("建成率", "个", False),
        ("新建示范村", "%", False),
    ],
)
def test_a_share_in_percent_is_a_rate_word_with_a_percent_unit_and_no_growth_word(name, unit, share):
    assert rules.is_share_percent(name, unit) is share


def test_a_growth_rate_may_exceed_100_percent_and_a_share_may_not():
    assert rules.value_bound_errors(name="村集体经营性收入增长率", unit="%", value=Decimal("150")) == []
    [error] = rules.value_bound_errors(name="和美乡村建成率", unit="%", value=Decimal("150"))
    assert "和美乡村建成率" in error and "0 至 100" in error and "150" in error
    assert rules.value_bound_errors(name="和美乡村建成率", unit="%", value=Decimal("100")) == []


def test_counts_are_whole_numbers_and_other_units_keep_decimals():
    [error] = rules.value_bound_errors(name="新建示范村", unit="个", value=Decimal("3.63"))
    assert "新建示范村" in error and "整数" in error and "3.63" in error
    assert rules.value_bound_errors(name="新建示范村", unit="个", value=Decimal("4.000")) == []
    assert rules.value_bound_errors(name="高标准农田", unit="亩", value=Decimal("3.63")) == []


def test_a_generated_value_is_fitted_to_what_a_unit_could_enter():
    assert rules.fit_value(Decimal("102.0"), name="城乡同质化供水覆盖率", unit="%") == Decimal("100.00")
    assert rules.fit_value(Decimal("10.81"), name="打造环境整治村", unit="个") == Decimal("11")
    # Rounded towards the baseline, a count short of its target stays short of it.
    assert rules.fit_value(Decimal("2.97"), name="新建示范村", unit="个", toward=Decimal(0)) == Decimal("2")
    assert rules.fit_value(Decimal("663.456"), name="完成投资", unit="万元") == Decimal("663.46")


@pytest.fixture
def june10():
    with time_machine.travel("2025-06-10 10:00 +0800", tick=False):
        yield


@pytest.fixture
def rate(target):
    return IndicatorFactory(
        target=target,
        name="和美乡村建成率",
        unit="%",
        kind=Kind.INCREASE,
        baseline=Decimal(40),
        target_value=Decimal(90),
        order=1,
    )


@pytest.fixture
def villages(target):
    return IndicatorFactory(
        target=target,
        name="新建示范村",
        unit="个",
        kind=Kind.INCREASE,
        baseline=Decimal(0),
        target_value=Decimal(10),
        order=2,
    )


@pytest.mark.parametrize("which, value", [("rate", "150"), ("villages", "3.63")])
def test_the_service_refuses_the_value_and_writes_nothing(june10, request, dept, dept_reporter, which, value):
    indicator = request.getfixturevalue(which)
    with pytest.raises(ValidationError) as exc:
        services.progress_report_create(
            indicator=indicator, unit=dept, period="2025-05", value=Decimal(value), by=dept_reporter, confirmed=True
        )
    assert indicator.name in exc.value.message_dict["value"][0]
    assert not ProgressReport.objects.exists()


def test_the_entry_page_shows_the_error_next_to_the_value_even_when_confirmed(june10, client, dept_reporter, rate):
    client.force_login(dept_reporter)
    html = client.post(
        f"/entry/{rate.pk}/2025-05/",
        {
            "value": "150",
            "narrative": "",
            "problems": "",
            "next_steps": "",
            "version": "",
            "action": "save",
            "confirmed": "on",
        },
    ).content.decode()
    assert 'data-error-for="value"' in html and "和美乡村建成率" in html and "0 至 100" in html
    assert not ProgressReport.objects.exists()


def test_the_api_refuses_a_count_with_decimals_in_chinese(june10, dept_reporter, villages):
    response = api_as(dept_reporter).post(
        "/api/progress-reports/",
        {"indicator": villages.pk, "period": "2025-05", "value": "3.63"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "整数" in str(response.json()["fields"]["value"]) and not ProgressReport.objects.exists()


def test_a_workbook_row_with_a_share_above_100_is_marked_and_nothing_is_written(june10, client, dept_reporter, rate):
    client.force_login(dept_reporter)
    response = client.get(reverse("excel-progress-template"), {"period": "2025-05"})
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook["填报"]
    row = next(r[0].row for r in sheet.iter_rows(min_row=4) if r[0].value == rate.pk)
    checks = {str(v.sqref): (v.type, v.formula1, v.formula2) for v in sheet.data_validations.dataValidation}
    assert checks[f"I{row}"] == ("decimal", "0", "100")  # Excel refuses 150 as it is typed, too
    sheet[f"I{row}"] = 150
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = client.post(reverse("excel-progress"), {"file": upload(buffer.getvalue(), "填报.xlsx")})
    assert response.status_code == 400
    assert f'data-error-cell="I{row}"'.encode() in response.content and "0 至 100" in response.content.decode()
    assert not ProgressReport.objects.filter(period_start=date(2025, 5, 1)).exists()
