"""Repeated rows are rendered once per distinct content (targets.fragments) and never go stale."""
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
    assert 'light-red" title="red">1<' in first[2]


@time_machine.travel("2025-06-10 10:00 +0800", tick=False)
def test_my_work_shows_a_new_figure_on_the_next_view(client, indicator, dept, dept_reporter):
    client.force_login(dept_reporter)
    assert "4321" not in client.get("/my-work/").content.decode()
    ProgressReportFactory(indicator=indicator, unit=dept, created_by=dept_reporter, period_start=date(2025, 5, 1),
                          value=Decimal("4321"), status=ReportStatus.SUBMITTED,
                          submitted_at=datetime(2025, 5, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    html = client.get("/my-work/").content.decode()
    assert "4321" in html and 'data-period="2025-06"' in html


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
