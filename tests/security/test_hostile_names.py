"""Hostile names, comments and units through the pages whose HTML is written in Python (the
long tables, My work rows, the plan page cards): each must come out escaped, never as markup."""

import re
from datetime import date, datetime, time
from decimal import Decimal

import pytest
import time_machine

from supervision.services import snapshot_freeze
from targets.choices import ReportStatus
from targets.lights import lights_rejudge_all

from ..factories import IndicatorFactory, ProgressReportFactory, SectionFactory, TargetFactory
from ..supervision.builders import SHANGHAI, submitted

P = '<script>alert(1)</script>" onmouseover="x'
RAW = re.compile(r"<script>alert|(?<![\\&;])\" onmouseover=")


@pytest.fixture
def hostile(county, township, dept, town_unit, plan, dept_reporter):
    for tag, (obj, field) in enumerate(((township, "name"), (dept, "name"), (town_unit, "name"), (plan, "title"))):
        setattr(obj, field, f"{tag}{P}")
        obj.save()
    section = SectionFactory(plan=plan, title=P)
    target = TargetFactory(plan=plan, section=section, name=P)
    target.lead_units.add(dept)
    indicator = IndicatorFactory(target=target, name=P, unit='"><b>x')
    submitted(indicator, dept, date(2025, 3, 1), 100, date(2025, 3, 20), dept_reporter)
    submitted(indicator, dept, date(2025, 4, 1), 200, date(2025, 4, 20), dept_reporter)
    submitted(indicator, dept, date(2025, 5, 1), 300, date(2025, 5, 20), dept_reporter)
    ProgressReportFactory(
        indicator=indicator,
        unit=dept,
        period_start=date(2025, 6, 1),
        value=Decimal(310),
        status=ReportStatus.RETURNED,
        review_comment=P,
        created_by=dept_reporter,
        submitted_by=dept_reporter,
        submitted_at=datetime.combine(date(2025, 6, 20), time(10), tzinfo=SHANGHAI),
    )
    snapshot_freeze(as_of=date(2025, 5, 31))
    snapshot_freeze(as_of=date(2025, 6, 30))
    lights_rejudge_all()
    return indicator


def _clean(html: str, page: str):
    found = RAW.search(html)
    assert found is None, f"{page}: raw {found.group(0)!r} at …{html[max(0, found.start() - 200) : found.end() + 80]}…"


@time_machine.travel("2025-07-10 10:00 +08:00", tick=False)
@pytest.mark.parametrize(
    "page",
    [
        "/supervision/",
        "/supervision/?as_of=2025-06",
        "/supervision/list/?as_of=2025-06&light=red",
        "/supervision/list/?light=red",
        "/supervision/league/",
        "/supervision/league/?month=2025-06",
        "indicator",
        "plan",
        "/",
    ],
)
def test_office_pages_escape_hostile_names(client, supervisor, hostile, page):
    client.force_login(supervisor)
    url = {"indicator": f"/supervision/indicators/{hostile.pk}/", "plan": f"/plans/{hostile.target.plan_id}/"}.get(
        page, page
    )
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "alert(1)" in html  # the name is shown
    _clean(html, url)


@time_machine.travel("2025-07-10 10:00 +08:00", tick=False)
@pytest.mark.parametrize("tab", ["", "all", "returned", "overdue", "due", "done"])
def test_my_work_escapes_hostile_names(client, dept_reporter, hostile, tab):
    client.force_login(dept_reporter)
    html = client.get(f"/my-work/?tab={tab}").content.decode()
    _clean(html, f"my-work {tab}")
    if tab in ("", "all"):
        assert "alert(1)" in html
    html = client.get(f"/supervision/indicators/{hostile.pk}/").content.decode()
    _clean(html, "indicator as reporter")
