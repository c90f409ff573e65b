"""The plan page: today's lights come from the table of current lights, any other day is judged
afresh; whatever a card shows is current on the next view."""

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from targets.choices import ReportStatus
from targets.lights import lights_rejudge_all

from ..factories import IndicatorFactory, ProgressReportFactory, TargetFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def page(client, plan_id) -> str:
    html = client.get(f"/plans/{plan_id}/?as_of=2025-06-20").content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", html)  # masked afresh on every page


def approved(indicator, unit, by, value):
    return ProgressReportFactory(
        indicator=indicator,
        unit=unit,
        created_by=by,
        period_start=date(2025, 5, 1),
        value=Decimal(value),
        status=ReportStatus.APPROVED,
        submitted_at=datetime(2025, 5, 20, 10, tzinfo=SHANGHAI),
    )


def test_todays_plan_page_reads_the_stored_lights_and_no_report(client, supervisor, indicator, dept, dept_reporter):
    approved(indicator, dept, dept_reporter, "300")
    client.force_login(supervisor)
    with time_machine.travel(datetime(2025, 6, 20, 9, tzinfo=SHANGHAI)):
        lights_rejudge_all()
        with CaptureQueriesContext(connection) as captured:
            html = client.get(f"/plans/{indicator.target.plan_id}/").content.decode()
    assert "300 座" in html and 'data-status="amber"' in html
    assert not [q for q in captured if "targets_progressreport" in q["sql"]]


def test_a_new_figure_shows_on_the_next_view(client, supervisor, indicator, dept, dept_reporter):
    client.force_login(supervisor)
    report = approved(indicator, dept, dept_reporter, "300")
    assert "300" in page(client, indicator.target.plan_id)
    report.value = Decimal("345")
    report.save()
    assert "345" in page(client, indicator.target.plan_id)


def test_renamed_units_new_lead_units_and_edited_targets_show_on_the_next_view(
    client, supervisor, indicator, dept, other_unit
):
    client.force_login(supervisor)
    plan_id = indicator.target.plan_id
    assert "区农业农村局" in page(client, plan_id)
    dept.name = "区农业农村和水利局"
    dept.save()
    assert "区农业农村和水利局" in page(client, plan_id)
    indicator.target.lead_units.add(other_unit)
    assert "区教育局" in page(client, plan_id)
    target = indicator.target
    target.content = "完成改厕三千户"
    target.save()
    assert "完成改厕三千户" in page(client, plan_id)


def test_a_reporter_sees_only_its_own_targets_even_after_the_office_cached_them_all(
    client, supervisor, dept_reporter, indicator, plan, other_unit
):
    hidden = TargetFactory(plan=plan, name="教育设施提升")
    hidden.lead_units.add(other_unit)
    IndicatorFactory(target=hidden, name="新建幼儿园")
    client.force_login(supervisor)
    assert "新建幼儿园" in page(client, plan.pk)
    client.force_login(dept_reporter)
    html = page(client, plan.pk)
    assert "改建卫生厕所" in html and "新建幼儿园" not in html


def test_the_cards_are_drawn_in_one_template_and_the_same_queries_whatever_the_number_of_targets(
    client, supervisor, plan, dept, other_unit
):
    client.force_login(supervisor)
    seen = []
    for n in (1, 6):
        for i in range(n):
            target = TargetFactory(plan=plan, name=f"任务{n}-{i}")
            target.lead_units.add(dept)
            target.co_units.add(other_unit)
            IndicatorFactory(target=target, name=f"指标{n}-{i}")
        lights_rejudge_all()
        client.get(f"/plans/{plan.pk}/")  # the first request of a session records its activity
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/plans/{plan.pk}/")
        html = response.content.decode()
        assert html.count('class="card target"') == plan.targets.count()
        assert all(f"任务{n}-{i}" in html for i in range(n))
        seen.append((len(captured), [t.name for t in response.templates]))
    assert seen[0] == seen[1]
