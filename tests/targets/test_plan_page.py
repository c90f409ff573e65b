"""The plan page: today's lights come from the table of current lights, any other day is judged
afresh; whatever a card shows is current on the next view."""

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from targets.choices import ReportStatus
from targets.lights import lights_rejudge_all
from targets.models import Allocation

from ..factories import IndicatorFactory, ProgressReportFactory, RegionFactory, TargetFactory, UnitFactory

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
    # Session, user, notifications, the plan, its sections, its targets, their units (one read of
    # both tables) and the indicators with their stored lights (one read).
    assert seen[0][0] <= 8, [q["sql"] for q in captured]


@pytest.fixture
def every_township_plan(plan, indicator, dept, town_unit, town_reporter, county):
    """Two tasks marked 各街道乡镇 led by the bureau. 改建卫生厕所 is allocated: 大门镇 130 座, on pace
    every month; 北岙街道 1,070 座, never reported, so the county figure is red. 新建公厕 is the
    bureau's to report and was never reported: red too, and none of 大门镇's business."""
    other = UnitFactory(
        county=county,
        name="北岙街道",
        kind="township",
        township=RegionFactory(code="330305001000", name="北岙街道", level="township", parent=county),
    )
    indicator.target.all_townships = True
    indicator.target.save()
    Allocation.objects.create(indicator=indicator, unit=town_unit, target_value=Decimal("130"))
    Allocation.objects.create(indicator=indicator, unit=other, target_value=Decimal("1070"))
    for month in range(1, 7):
        ProgressReportFactory(
            indicator=indicator,
            unit=town_unit,
            created_by=town_reporter,
            period_start=date(2025, month, 1),
            value=Decimal(12 * month),
            status=ReportStatus.APPROVED,
            submitted_at=datetime(2025, month, 20, 10, tzinfo=SHANGHAI),
        )
    toilets = TargetFactory(plan=plan, name="公厕建设", all_townships=True)
    toilets.lead_units.add(dept)
    IndicatorFactory(target=toilets, name="新建公厕", target_value=Decimal("60"))
    return plan


def counts_in(html: str, line: str) -> dict[str, int]:
    """The light pills of one counts line of the page (own-counts, county-counts), as {light: n}."""
    part = html[html.index(f'class="counts-line {line}"') :]
    part = part[: part.index("</span></span>") + len("</span>")]  # the last pill, then the pills' own span
    return {light: int(n) for light, n in re.findall(r'light-(\w+)" title="[^"]*">(\d+)<', part)}


@pytest.mark.parametrize("stored", [True, False], ids=["stored lights", "judged afresh"])
@time_machine.travel("2025-07-10 10:00 +08:00", tick=False)
def test_a_township_reporter_counts_its_own_lights_apart_from_the_countys(
    client, town_reporter, every_township_plan, indicator, stored
):
    if stored:
        lights_rejudge_all()
    client.force_login(town_reporter)
    html = client.get(f"/plans/{every_township_plan.pk}/").content.decode()
    assert "本单位填报1项指标：" in html and f"{every_township_plan.region.name}灯色（本页所列2项指标）：" in html
    assert counts_in(html, "own-counts") == {"not_started": 0, "done": 0, "green": 1, "amber": 0, "red": 0}
    assert counts_in(html, "county-counts")["red"] == 2
    row = html[html.index(f'data-indicator="{indicator.pk}"') :]
    row = row[: row.index("</tr>")]
    assert 'data-status="red"' in row  # the county figure's light, as the office sees it
    assert 'data-own-status="green"' in row and "分解任务 130 座" in row and "light-green" in row


@time_machine.travel("2025-07-10 10:00 +08:00", tick=False)
def test_the_office_sees_the_countys_counts_alone(client, supervisor, every_township_plan):
    client.force_login(supervisor)
    html = client.get(f"/plans/{every_township_plan.pk}/").content.decode()
    assert "own-counts" not in html and "本单位填报" not in html
    assert "灯色（本页所列" not in html and html.count('class="light light-red"') >= 2


def test_every_township_reads_as_the_townships_it_stands_for(client, supervisor, every_township_plan, indicator):
    client.force_login(supervisor)
    html = page(client, every_township_plan.pk)
    card = html[html.index(f'id="target-{indicator.target_id}"') :]
    units = card[card.index('class="units"') : card.index("</div>")]
    assert "<strong>各街道乡镇" not in units
    assert re.search(
        r"<strong>责任单位：</strong>\s*<details class=\"townships\"><summary>各街道乡镇（2个）</summary>", units
    )
    assert "北岙街道、大门镇</details>" in units


@time_machine.travel("2025-07-10 10:00 +08:00", tick=False)
def test_the_home_page_gives_a_township_the_same_two_counts_as_the_plan_page(
    client, town_reporter, every_township_plan
):
    lights_rejudge_all()
    client.force_login(town_reporter)
    home = client.get("/").content.decode()
    plan_page = client.get(f"/plans/{every_township_plan.pk}/").content.decode()
    assert "本单位填报1项指标：" in home and f"{every_township_plan.region.name}灯色（共2项指标）：" in home
    for line in ("own-counts", "county-counts"):
        assert counts_in(home, line) == counts_in(plan_page, line)
    assert counts_in(home, "own-counts")["green"] == 1 and counts_in(home, "county-counts")["red"] == 2


def test_an_indicators_name_and_unit_show_as_text_not_markup(client, supervisor, indicator):
    indicator.name = '<img src=x onerror="alert(1)">改厕'
    indicator.unit = "<b>座</b>"
    indicator.save()
    client.force_login(supervisor)
    html = page(client, indicator.target.plan_id)
    assert "<img src=x" not in html and "<b>座</b>" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;改厕" in html and "&lt;b&gt;座&lt;/b&gt;" in html


def test_a_township_reporters_plan_page_reads_its_own_lights_in_a_fixed_number_of_queries(
    client, every_township_plan, town_reporter
):
    client.force_login(town_reporter)
    with time_machine.travel(datetime(2025, 6, 20, 9, tzinfo=SHANGHAI)):
        lights_rejudge_all()
        client.get(f"/plans/{every_township_plan.pk}/")  # the first request of a session records its activity
        with CaptureQueriesContext(connection) as captured:
            html = client.get(f"/plans/{every_township_plan.pk}/").content.decode()
    assert counts_in(html, "own-counts")["green"] == 1
    # The office's page (8 reads, the plan's region with it) and the townships' names; then who owes
    # what with the unit's shares (one read of the indicators) and the shares' stored lights (one:
    # the shares are known from that read, not read again).
    assert len(captured) <= 12, "\n".join(q["sql"][:150] for q in captured)


@pytest.mark.parametrize(
    "value",
    ['农村<改厕> & "户厕"', 12.5, None],
)
def test_the_plan_page_escapes_values_as_conditional_escape_does(value):
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy

    from core.escaping import escape

    for given in (value, mark_safe(f"<b>{value}</b>"), gettext_lazy(str(value))):
        assert escape(given) == conditional_escape(given)  # a SafeString as it is, never escaped twice
