"""Review with context: previous value, change, light and flags on each card, sorting, bulk return, approve
and next, the report page's chart. Today is 10 June 2025."""

import re
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from accounts.models import Notification
from targets.charts import line_chart
from targets.choices import ReportStatus
from targets.models import ProgressReport

from ..factories import IndicatorFactory

pytestmark = pytest.mark.usefixtures("june10")


@pytest.fixture
def june10():
    with time_machine.travel("2025-06-10 10:00 +0800"):
        yield


@pytest.fixture
def office(supervisor):
    client = Client()
    client.force_login(supervisor)
    return client


def report(indicator, unit, by, month, value, status=ReportStatus.SUBMITTED, **extra):
    return ProgressReport.objects.create(
        indicator=indicator,
        unit=unit,
        period_start=date(2025, month, 1),
        value=Decimal(value),
        status=status,
        created_by=by,
        submitted_by=by,
        submitted_at=f"2025-{month:02d}-20T10:00:00+08:00",
        **extra,
    )


def card(html, pk) -> str:
    return re.search(rf'<li class="card queue-row" data-report="{pk}".*?</li>', html, flags=re.S).group(0)


def test_a_card_shows_the_previous_value_the_change_the_light_and_the_flags(office, indicator, dept, dept_reporter):
    report(indicator, dept, dept_reporter, 4, "300", status=ReportStatus.APPROVED)
    may = report(indicator, dept, dept_reporter, 5, "250", explanation="核减重复统计50座", outlier_confirmed=True)
    shown = card(office.get("/review/").content.decode(), may.pk)
    assert "上期值：300" in shown and "（2025年4月）" in shown and 'data-change="-50' in shown
    assert "变化：-50" in shown  # the queue's own word, not the admin's 修改
    assert 'data-flag="outlier"' in shown and "核减重复统计50座" in shown
    assert re.search(r'data-light="(red|amber|green|done)"', shown)


def test_the_queue_sorts_by_due_date_or_lateness(office, indicator, dept, dept_reporter):
    may = report(indicator, dept, dept_reporter, 5, "250")
    april = report(indicator, dept, dept_reporter, 4, "200", is_late=True)
    april.submitted_at = "2025-06-01T10:00:00+08:00"
    april.save()
    order = lambda html: [int(pk) for pk in re.findall(r'queue-row" data-report="(\d+)"', html)]  # noqa: E731
    assert order(office.get("/review/").content.decode()) == [may.pk, april.pk]
    assert order(office.get("/review/?sort=due").content.decode()) == [april.pk, may.pk]
    assert order(office.get("/review/?sort=late").content.decode()) == [april.pk, may.pk]


def test_bulk_return_sends_every_ticked_report_back_with_one_reason(office, indicator, dept, dept_reporter):
    other = IndicatorFactory(target=indicator.target)
    first, second = report(indicator, dept, dept_reporter, 5, "250"), report(other, dept, dept_reporter, 5, "10")
    html = office.get("/review/").content.decode()
    assert html.index('id="bulk-bar"') < html.index("queue-row")
    office.post("/review/return/", {"report": [first.pk, second.pk], "comment": ""})
    assert ProgressReport.objects.filter(status=ReportStatus.RETURNED).count() == 0
    office.post("/review/return/", {"report": [first.pk, second.pk], "comment": "请附现场照片"})
    returned = ProgressReport.objects.filter(status=ReportStatus.RETURNED)
    assert returned.count() == 2 and set(returned.values_list("review_comment", flat=True)) == {"请附现场照片"}
    assert Notification.objects.filter(user=dept_reporter, kind="report.returned").count() == 2


def test_approve_and_next_opens_the_next_report_waiting(office, indicator, dept, dept_reporter):
    other = IndicatorFactory(target=indicator.target)
    first, second = report(indicator, dept, dept_reporter, 5, "250"), report(other, dept, dept_reporter, 5, "10")
    response = office.post(
        f"/reports/{first.pk}/review/", {"decision": "approve", "then": "next", "version": first.version}
    )
    assert response["Location"] == f"/reports/{second.pk}/"
    response = office.post(
        f"/reports/{second.pk}/review/", {"decision": "approve", "then": "next", "version": second.version}
    )
    assert response["Location"] == "/review/"


def test_the_report_page_draws_the_units_values_by_period(office, indicator, dept, dept_reporter):
    report(indicator, dept, dept_reporter, 3, "100", status=ReportStatus.APPROVED)
    report(indicator, dept, dept_reporter, 4, "300", status=ReportStatus.APPROVED)
    may = report(indicator, dept, dept_reporter, 5, "250")
    html = office.get(f"/reports/{may.pk}/").content.decode()
    svg = re.search(r'<svg class="line-chart".*?</svg>', html, flags=re.S).group(0)
    assert svg.count("<circle") == 3 and "2025年3月" in svg and "2025年5月" in svg and 'class="current"' in svg
    assert "2025-03" not in svg


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 12, 36])
def test_the_chart_puts_a_higher_value_higher_and_labels_at_most_four_periods(count):
    points = [(f"{2025 + m // 12}年{m % 12 + 1}月", Decimal(m * 10), m == count - 1) for m in range(count)]
    chart = line_chart(points, Decimal("500"))
    assert chart.dots[-1].y <= chart.dots[0].y and chart.target_y < chart.dots[-1].y
    labelled = [d for d in chart.dots if d.label]
    assert 1 <= len(labelled) <= 4 and chart.dots[-1].label == points[-1][0]
    # labels stand at least a quarter of the width apart, the first and last ending inside the chart
    assert all(b.x - a.x >= 150 for a, b in zip(labelled, labelled[1:]))
    if count > 1:
        assert labelled[-1].anchor == "end" and chart.dots[0].anchor == "start"
    assert line_chart([], Decimal("1")) is None


def test_periods_read_as_words_on_the_queue_and_the_report_page(office, indicator, dept, dept_reporter):
    may = report(indicator, dept, dept_reporter, 5, "250")
    shown = card(office.get("/review/").content.decode(), may.pk)
    assert "· 2025年5月 ·" in shown and "· 2025-05 ·" not in shown
    page = office.get(f"/reports/{may.pk}/").content.decode()
    assert re.search(r"</a> · 2025年5月</h1>", page)
