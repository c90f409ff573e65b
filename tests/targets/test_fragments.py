"""Repeated rows are rendered once per distinct content (targets.fragments) and never go stale."""
import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from django.template.loader import render_to_string

from targets import fragments
from targets.choices import ReportStatus

from ..factories import ProgressReportFactory


def test_rows_showing_the_same_values_are_rendered_once(db, monkeypatch):
    drawn = []

    def counting(template, context):
        drawn.append(context)
        return render_to_string(template, context)

    monkeypatch.setattr(fragments, "render_to_string", counting)
    rows = [{"green": 2}, {"green": 2}, {"red": 1}]
    state = lambda counts: tuple(sorted(counts.items()))  # noqa: E731
    first = fragments.render_rows("targets/_counts.html", rows, "counts", state)
    assert len(drawn) == 2
    assert fragments.render_rows("targets/_counts.html", rows, "counts", state) == first
    assert len(drawn) == 2
    assert first == [render_to_string("targets/_counts.html", {"counts": row}) for row in rows]
    assert 'light-red" title="红灯">1<' in first[2]


@time_machine.travel("2025-06-10 10:00 +0800", tick=False)
def test_my_work_shows_a_new_figure_on_the_next_view(client, indicator, dept, dept_reporter):
    client.force_login(dept_reporter)
    assert "4,321" not in client.get("/my-work/").content.decode()
    ProgressReportFactory(indicator=indicator, unit=dept, created_by=dept_reporter, period_start=date(2025, 5, 1),
                          value=Decimal("4321"), status=ReportStatus.SUBMITTED,
                          submitted_at=datetime(2025, 5, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    html = client.get("/my-work/").content.decode()
    assert "4,321" in html and 'data-period="2025-06"' in html


@time_machine.travel("2025-06-10 10:00 +0800", tick=False)
def test_my_work_follows_grants_and_lead_units_without_a_report_changing(client, indicator, dept, dept_reporter,
                                                                        other_unit, supervisor):
    """Neither change touches a report, yet both change what the cached page must show."""
    from targets import services

    client.force_login(dept_reporter)
    # January to April locked on the 15th after their due day; May is the period to enter now.
    assert 'data-period="2025-05"' in client.get("/my-work/").content.decode()
    services.late_entry_grant_create(plan=indicator.target.plan, unit=dept, period="2025-02",
                                     until=date(2025, 6, 30), reason="系统故障", by=supervisor)
    assert 'data-period="2025-02"' in client.get("/my-work/").content.decode()
    # Another unit listed first now reports the county figure: the row no longer asks for an entry.
    target = indicator.target
    target.lead_units.clear()
    target.lead_units.add(other_unit)
    target.lead_units.add(dept)
    html = client.get("/my-work/").content.decode()
    assert 'data-period="2025-02"' not in html and "区教育局" in html


@time_machine.travel("2025-06-10 10:00 +0800", tick=False)
def test_my_work_from_cached_rows_keeps_the_order_of_the_fresh_list(client, plan, dept, dept_reporter):
    """Rows come from the cache one by one; the to-do must still order them: overdue rows first, then the
    soonest due, then table order (section by section)."""
    from ..factories import IndicatorFactory, SectionFactory, TargetFactory

    names = {}
    for order, title in enumerate(["(一)人居环境", "(二)产业发展"]):
        section = SectionFactory(plan=plan, title=title, order=order)
        for n in range(2):
            target = TargetFactory(plan=plan, section=section)
            target.lead_units.add(dept)
            # The second section's second indicator started in March: its May report is overdue;
            # the others start in June and owe nothing yet.
            indicator = IndicatorFactory(target=target, name=f"{title}{n}",
                                         start_date=date(2025, 3 if order and n else 6, 1))
            names[str(indicator.pk)] = indicator.name
    client.force_login(dept_reporter)
    fresh = client.get("/my-work/?tab=all").content.decode()
    cached = client.get("/my-work/?tab=all").content.decode()
    assert re.findall(r'data-indicator="(\d+)"', cached) == re.findall(r'data-indicator="(\d+)"', fresh)
    assert [names[pk] for pk in re.findall(r'data-indicator="(\d+)"', cached)] == [
        "(二)产业发展1", "(一)人居环境0", "(一)人居环境1", "(二)产业发展0"]


