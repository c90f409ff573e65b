"""An indicator nobody answers for (no lead unit, no township share) is shown as 未明确责任单位, not
as a unit's failing: last in its light's list, no days behind, named on the dashboard and the plan
page with a way to assign a unit; 落后天数 is explained where it is shown; 序时进度 reads the same
on the indicator page as in its reasons."""

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
import time_machine

from reports.bulletins import content
from reports.bulletins.document import DocumentBuilder, table
from supervision import figures
from supervision.services import snapshot_freeze
from targets import rules
from targets.lights import lights_rejudge_all
from targets.selectors import indicator_status

from ..factories import IndicatorFactory, SectionFactory, TargetFactory, UserFactory
from .builders import submitted

NOW = "2025-07-01 10:00 +08:00"
JUNE = date(2025, 6, 30)


@pytest.fixture
def lights(plan, indicator, dept, dept_reporter):
    for month in (3, 4, 5):
        submitted(indicator, dept, date(2025, month, 1), 100 * (month - 2), date(2025, month, 20), dept_reporter)
    orphan_task = TargetFactory(plan=plan, name="政策保证机制", all_townships=True)
    orphan = IndicatorFactory(target=orphan_task, name="落实营商环境优化提升一号改革工程")
    snapshot_freeze(as_of=date(2025, 5, 31))
    snapshot_freeze(as_of=JUNE)
    return indicator, orphan


@pytest.fixture
def office(client, supervisor):
    client.force_login(supervisor)
    return client


def test_the_unowned_indicator_comes_last_in_its_light_without_days_behind(county, lights):
    owned, orphan = lights
    rows = figures.flagged(region=county, as_of=JUNE, lights=("red",)).rows
    assert [r.indicator_id for r in rows] == [owned.pk, orphan.pk]
    assert (rows[-1].unowned, rows[-1].days_behind, rows[0].unowned) == (True, None, False)
    assert [i["pk"] for i in figures.unowned(region=county)] == [orphan.pk]


@time_machine.travel(NOW, tick=False)
def test_the_dashboard_and_the_plan_page_name_it_apart(office, plan, lights):
    _owned, orphan = lights
    html = office.get("/supervision/?as_of=2025-06").content.decode()
    block = html[html.index('data-list="unowned"') :]
    assert "未明确责任单位" in block[:300] and f'data-indicator="{orphan.pk}"' in block[:2000]
    red = html[html.index('data-list="red"') :]
    row = red[red.index(f'<tr data-indicator="{orphan.pk}"') :]
    assert (
        "data-unowned" in row[:1500]
        and "未明确责任单位，无单位负责填报" in row[:3000]
        and "至今未报送" not in row[:3000]
    )
    assert 'data-legend="days-behind"' in red and "落后天数：" in red
    page = office.get(f"/plans/{plan.pk}/").content.decode()
    assert 'data-list="unowned"' in page and "请管理员指定责任单位" in page


@time_machine.travel(NOW, tick=False)
def test_an_administrator_gets_the_link_to_assign_the_unit(client, county, plan, lights):
    _owned, orphan = lights
    client.force_login(UserFactory(username="admin1", role="admin", is_staff=True, is_superuser=True))
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert f'href="/admin/targets/target/{orphan.target_id}/change/"' in page


def test_the_bulletin_says_no_responsible_unit_rather_than_leaving_the_cell_empty(county, lights):
    _owned, orphan = lights
    doc = DocumentBuilder(title="t", doc_number="", issuer="", issued_on=date(2025, 7, 5))
    content.flagged_lists(doc, region=county, as_of=JUNE)
    rows = table(doc.as_dict(), "flagged_red")["rows"]
    assert rows[-1][0] == orphan.name and rows[-1][2] == "未明确责任单位"


@time_machine.travel("2025-07-10 10:00 +08:00", tick=False)
def test_the_indicator_page_writes_expected_progress_as_its_reasons_do(office, lights):
    owned, _orphan = lights
    lights_rejudge_all()
    html = office.get(f"/supervision/indicators/{owned.pk}/").content.decode()
    status = indicator_status(owned, date(2025, 7, 10))
    shown = rules.expected_percent(status.expected)
    assert "." in shown  # 序时进度 at 25 June: 48.x %, not rounded to a whole number
    assert f"<span data-expected>{shown}%</span>" in html  # 48.4%, no space before the sign in Chinese
    assert f"{shown} %" in " ".join(status.reasons) or f"{shown}%" in " ".join(status.reasons)


def test_with_nobody_owing_the_report_no_report_is_called_missing():
    spec = rules.IndicatorSpec(
        kind="increase", baseline=Decimal(0), target=Decimal(100), start=date(2025, 1, 1), deadline=date(2025, 12, 31)
    )
    owned = rules.evaluate_status(spec, [], date(2025, 3, 1))
    orphan = rules.evaluate_status(replace(spec, owned=False), [], date(2025, 3, 1))
    # January and February are past due: a unit that owed them is red for two missing reports.
    assert owned.status == "red" and any(r.code == "missing" for r in owned.reasons)
    # Nobody owed them: the light is the pace's (15 points behind at 25 February: amber), and says why.
    assert orphan.status == "amber" and [r.code for r in orphan.reasons] == ["behind", "no_unit"]


def unowned_listed(office, query: str) -> set[int]:
    """The indicators of the dashboard's 未明确责任单位 list under a query (none when it is not shown)."""
    html = office.get(f"/supervision/?as_of=2025-06{query}").content.decode()
    if 'data-list="unowned"' not in html:
        return set()
    block = html[html.index('data-list="unowned"') :]
    block = block[: block.index("</section>")]
    return {int(pk) for pk in re.findall(r'<li data-indicator="(\d+)"', block)}


@time_machine.travel(NOW, tick=False)
def test_the_unowned_list_follows_the_dashboards_filters(office, plan, lights, dept, other_unit):
    _owned, orphan = lights
    section = SectionFactory(plan=plan, title="（二）人才振兴")
    talent = TargetFactory(plan=plan, name="人才引进", section=section)
    talent.co_units.add(other_unit)  # a co-unit, but no lead: still nobody owes the report
    second = IndicatorFactory(target=talent, name="引进乡村人才")
    snapshot_freeze(as_of=JUNE)
    assert unowned_listed(office, "") == {orphan.pk, second.pk}
    assert unowned_listed(office, f"&section={section.pk}") == {second.pk}
    assert unowned_listed(office, f"&unit={other_unit.pk}") == {second.pk}
    assert unowned_listed(office, f"&unit={dept.pk}") == set()
    assert unowned_listed(office, "&light=done") == set()
    assert orphan.pk in unowned_listed(office, "&light=red")
