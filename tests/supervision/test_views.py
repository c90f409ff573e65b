import re
from datetime import date

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.utils import translation

from supervision.models import StatusSnapshot, SupervisionItem
from supervision.services import snapshot_freeze
from supervision.tasks import freeze_month_end
from targets.lights import lights_rejudge_all

from .builders import submitted

NOW = "2025-07-01 10:00 +08:00"


@pytest.fixture
def red_indicator(indicator, dept, dept_reporter):
    submitted(indicator, dept, date(2025, 3, 1), 100, date(2025, 3, 20), dept_reporter)
    submitted(indicator, dept, date(2025, 4, 1), 200, date(2025, 4, 20), dept_reporter)
    submitted(indicator, dept, date(2025, 5, 1), 300, date(2025, 5, 20), dept_reporter)
    snapshot_freeze(as_of=date(2025, 5, 31))
    snapshot_freeze(as_of=date(2025, 6, 30))
    return indicator


@pytest.fixture
def office(client, supervisor):
    client.force_login(supervisor)
    return client


@time_machine.travel(NOW, tick=False)
def test_overview_shows_counts_change_and_links_each_count_to_its_list(office, red_indicator):
    html = office.get("/supervision/?as_of=2025-06").content.decode()
    assert 'data-light="red"' in html
    assert 'href="/supervision/list/?as_of=2025-06&amp;light=red"' in html
    assert 'data-change="1"' in html  # amber in May, red in June
    assert 'id="trend-data"' in html and "echarts.min.js" in html
    assert f'href="/supervision/indicators/{red_indicator.pk}/"' in html


@time_machine.travel(NOW, tick=False)
def test_overview_as_of_a_past_month_shows_the_county_as_it_stood(office, red_indicator):
    html = office.get("/supervision/?as_of=2025-05").content.decode()
    assert 'data-as-of="2025-05-31"' in html
    assert f'<tr data-indicator="{red_indicator.pk}" data-status="amber">' in html


@time_machine.travel("2025-07-10 10:00 +08:00", tick=False)
def test_the_month_under_way_shows_todays_lights_and_freezes_nothing(office, red_indicator):
    lights_rejudge_all()
    html = office.get("/supervision/").content.decode()
    assert f'<tr data-indicator="{red_indicator.pk}" data-status="red">' in html
    assert not StatusSnapshot.objects.filter(as_of=date(2025, 7, 31)).exists()


@time_machine.travel(NOW, tick=False)
def test_a_bad_month_filter_is_reported_not_crashed(office, red_indicator):
    with translation.override("en"):
        response = office.get("/supervision/?as_of=2025-13", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "2025-13" in response.content.decode()


def test_reporters_do_not_get_the_dashboards(client, dept_reporter, db):
    client.force_login(dept_reporter)
    assert client.get("/supervision/").status_code == 403
    assert client.get("/supervision/league/").status_code == 403


@time_machine.travel(NOW, tick=False)
def test_list_behind_a_count_links_each_row_to_the_indicator(office, red_indicator):
    html = office.get("/supervision/list/?as_of=2025-06&light=red").content.decode()
    assert 'data-total="1"' in html
    assert f'href="/supervision/indicators/{red_indicator.pk}/"' in html
    assert 'data-total="0"' in office.get("/supervision/list/?as_of=2025-06&light=green").content.decode()


@time_machine.travel(NOW, tick=False)
def test_league_table_ranks_the_units(office, red_indicator):
    html = office.get("/supervision/league/?as_of=2025-06").content.decode()
    assert 'data-league="units"' in html and 'data-rank="1"' in html and "区农业农村局" in html


@time_machine.travel(NOW, tick=False)
def test_rates_read_with_the_percent_sign_close_in_chinese_and_spaced_in_english(office, red_indicator):
    pages = ("/supervision/?as_of=2025-06", "/supervision/league/?as_of=2025-06")
    for url in pages:
        html = office.get(url).content.decode()
        assert re.search(r">\d+\.\d%<", html) and not re.search(r"\d %<", html), url
    with translation.override("en"):
        html = office.get(pages[1], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r">\d+\.\d %<", html)


@time_machine.travel(NOW, tick=False)
def test_points_behind_read_with_one_decimal_as_the_reasons_beside_them(office, red_indicator):
    html = office.get("/supervision/list/?as_of=2025-06&light=red").content.decode()
    cells = re.findall(r'data-label="落后百分点">([^<]*)<', html)
    assert cells and all(re.fullmatch(r"[\d,]+\.\d", c) for c in cells), cells
    gap = re.search(r"落后([\d.]+)个百分点", html)
    assert gap and gap.group(1) in cells


@time_machine.travel("2025-07-10 10:00 +08:00", tick=False)
def test_the_indicator_page_joins_a_months_reasons_with_a_chinese_semicolon(office, red_indicator):
    lights_rejudge_all()
    html = office.get(f"/supervision/indicators/{red_indicator.pk}/").content.decode()
    reasons = re.findall(r'<td class="reasons"[^>]*>([^<]*)</td>', html)
    assert any("；" in r for r in reasons) and not any("; " in r for r in reasons)


@time_machine.travel(NOW, tick=False)
def test_the_league_names_its_rank_column_on_a_phone_too(office, red_indicator):
    html = office.get("/supervision/league/?as_of=2025-06").content.decode()
    assert '<th class="num">排名</th>' in html and 'data-label="排名">1<' in html and 'data-label="#"' not in html


@time_machine.travel(NOW, tick=False)
def test_indicator_page_shows_projection_history_and_offers_a_notice(office, red_indicator):
    html = office.get(f"/supervision/indicators/{red_indicator.pk}/").content.decode()
    # 200 in the 61 days from 25 March to 25 May; 900 more take 275 days: 24 February 2026,
    # 55 days after the 31 December deadline.
    assert 'data-reached-on="2026-02-24"' in html
    assert 'data-days-late="55"' in html
    assert 'data-month="2025-06" data-status="red"' in html
    assert 'data-action="issue"' in html
    assert 'id="progress-data"' in html


def test_strangers_get_404_for_the_indicator_page(client, stranger, indicator):
    client.force_login(stranger)
    assert client.get(f"/supervision/indicators/{indicator.pk}/").status_code == 404


@time_machine.travel(NOW, tick=False)
def test_item_flow_through_the_pages(client, red_indicator, dept, supervisor, dept_reporter):
    client.force_login(supervisor)
    response = client.post(
        f"/supervision/indicators/{red_indicator.pk}/issue/",
        {"unit": dept.pk, "notice": "请说明原因", "reply_due": "2025-07-08"},
    )
    item = SupervisionItem.objects.get()
    assert response["Location"] == f"/supervision/items/{item.pk}/"
    client.force_login(dept_reporter)
    assert 'data-action="reply"' in client.get(f"/supervision/items/{item.pk}/").content.decode()
    client.post(
        f"/supervision/items/{item.pk}/",
        {"action": "reply", "measures": "补报", "promised_date": "2025-07-15", "version": 1},
    )
    client.force_login(supervisor)
    client.post(f"/supervision/items/{item.pk}/", {"action": "close", "comment": "", "version": 2})
    item.refresh_from_db()
    assert item.status == "closed"
    ledger = client.get("/supervision/items/").content.decode()
    assert f'data-item="{item.pk}" data-status="closed"' in ledger


@time_machine.travel(NOW, tick=False)
def test_stale_form_shows_the_conflict_and_changes_nothing(client, red_indicator, dept, supervisor, dept_reporter):
    item = SupervisionItem.objects.create(
        indicator=red_indicator, unit=dept, notice="n", reply_due=date(2025, 7, 8), issued_by=supervisor, version=3
    )
    client.force_login(dept_reporter)
    response = client.post(
        f"/supervision/items/{item.pk}/",
        {"action": "reply", "measures": "m", "promised_date": "2025-07-15", "version": 1},
        follow=True,
    )
    item.refresh_from_db()
    assert item.status == "open" and item.measures == ""
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


@time_machine.travel("2025-07-10 10:00 +08:00", tick=False)
def test_ledger_flags_overdue_replies(client, red_indicator, dept, supervisor):
    SupervisionItem.objects.create(
        indicator=red_indicator, unit=dept, notice="n", reply_due=date(2025, 7, 8), issued_by=supervisor
    )
    client.force_login(supervisor)
    assert "data-overdue" in client.get("/supervision/items/?overdue=1").content.decode()


def test_another_units_item_is_not_found_like_a_missing_one(client, red_indicator, dept, supervisor, stranger):
    item = SupervisionItem.objects.create(
        indicator=red_indicator, unit=dept, notice="n", reply_due=date(2025, 7, 8), issued_by=supervisor
    )
    client.force_login(stranger)
    assert client.get(f"/supervision/items/{item.pk}/").status_code == 404


@time_machine.travel(NOW, tick=False)
def test_freeze_button_freezes_the_chosen_month_for_the_office_only(client, indicator, supervisor, dept_reporter):
    client.force_login(dept_reporter)
    assert client.post("/supervision/freeze/", {"as_of": "2025-05"}).status_code == 403
    client.force_login(supervisor)
    response = client.post("/supervision/freeze/", {"as_of": "2025-05", "next": "https://evil.example/"})
    assert response["Location"] == "/supervision/"
    assert StatusSnapshot.objects.filter(as_of=date(2025, 5, 31)).count() == 1


@time_machine.travel(NOW, tick=False)
def test_cached_figures_change_as_soon_as_the_month_is_frozen_again(office, red_indicator, dept, dept_reporter):
    assert 'data-total="1"' in office.get("/supervision/list/?as_of=2025-06&light=red").content.decode()
    html = office.get("/supervision/?as_of=2025-06").content.decode()
    assert f'<tr data-indicator="{red_indicator.pk}" data-status="red">' in html
    submitted(red_indicator, dept, date(2025, 6, 1), 1200, date(2025, 6, 24), dept_reporter)
    snapshot_freeze(as_of=date(2025, 6, 30))
    html = office.get("/supervision/?as_of=2025-06").content.decode()
    assert f'<tr data-indicator="{red_indicator.pk}" data-status="red">' not in html
    assert 'href="/supervision/indicators/%d/"' % red_indicator.pk in html  # now listed as done this month


@time_machine.travel(NOW, tick=False)
def test_the_audit_trail_names_who_acted_not_their_login(office, red_indicator, supervisor, dept):
    supervisor.first_name, supervisor.last_name = "洞头区督查室", ""
    supervisor.save()
    response = office.post(
        f"/supervision/indicators/{red_indicator.pk}/issue/",
        {"unit": dept.pk, "notice": "请说明滞后原因", "reply_due": "2025-07-10"},
    )
    item = SupervisionItem.objects.get(indicator=red_indicator)
    assert response.status_code == 302
    for url in (f"/supervision/items/{item.pk}/", f"/supervision/indicators/{red_indicator.pk}/"):
        audit = office.get(url).content.decode().split("data-audit", 1)[1]
        assert "<td>洞头区督查室</td>" in audit and f"<td>{supervisor.username}</td>" not in audit, url


@time_machine.travel(NOW, tick=False)
def test_the_indicator_pages_reports_read_period_unit_value_status_day_and_work_done(
    office, indicator, dept, town_unit, dept_reporter
):
    """The table of reports, written in Python (supervision_tags.report_rows), reads as the template wrote
    it: a quarter in words, late marked, the local day of a moment (an evening in UTC is the next day in
    Beijing), no day for a draft, the work done cut at 80 characters and every value escaped."""
    from datetime import datetime, timezone
    from decimal import Decimal

    from targets.choices import ReportStatus
    from targets.models import ProgressReport

    indicator.frequency = "quarterly"
    indicator.save()
    words = "<b>改厕</b>" + "完成" * 50
    submitted(indicator, dept, date(2025, 1, 1), 300, date(2025, 4, 20), dept_reporter, late=True)
    ProgressReport.objects.create(
        indicator=indicator,
        unit=town_unit,
        period_start=date(2025, 4, 1),
        value=Decimal("1234.5"),
        status=ReportStatus.APPROVED,
        submitted_by=dept_reporter,
        submitted_at=datetime(2025, 6, 30, 17, 30, tzinfo=timezone.utc),
        created_by=dept_reporter,
        narrative=words,
    )
    ProgressReport.objects.create(
        indicator=indicator,
        unit=dept,
        period_start=date(2025, 4, 1),
        value=Decimal(0),
        status=ReportStatus.DRAFT,
        created_by=dept_reporter,
    )
    html = office.get(f"/supervision/indicators/{indicator.pk}/").content.decode()
    body = html[html.index("data-reports") :]
    body = body[body.index("<tbody>") + len("<tbody>") : body.index("</tbody>")]
    cut = "&lt;b&gt;改厕&lt;/b&gt;" + "完成" * 34 + "..."  # 80 characters, as truncatechars:80 cut them
    labels = ["填报期", "单位", "数值", "状态", "已报送", "工作进展"]
    rows = [
        ["2025年第二季度", dept.name, "0", "草稿", "", ""],
        ["2025年第二季度", town_unit.name, "1,234.5", "已通过", "2025年7月1日", cut],
        ["2025年第一季度", dept.name, "300", "已报送 · 逾期报送", "2025年4月20日", ""],
    ]
    assert sorted([dept.name, town_unit.name])[0] == dept.name, "rows of a period stand by the unit's name"
    expected = "".join(
        "\n      <tr>"
        + "".join(
            "<td" + (' class="num"' if i == 2 else "") + f' data-label="{label}">{value}</td>'
            for i, (label, value) in enumerate(zip(labels, row, strict=True))
        )
        + "</tr>\n    "
        for row in rows
    )
    assert body == expected, body


@time_machine.travel(NOW, tick=False)
def test_a_reporter_sees_its_own_drafts_and_of_the_other_units_only_what_they_submitted(
    client, indicator, dept, other_unit, dept_reporter, stranger, supervisor
):
    """Two units lead the task: the indicator page shows each its own draft, never the other's, and
    both see the other's report once it is submitted; the office sees the drafts as well."""
    from decimal import Decimal

    from targets.choices import ReportStatus
    from targets.models import ProgressReport

    indicator.target.lead_units.add(other_unit)
    submitted(indicator, dept, date(2025, 5, 1), 300, date(2025, 5, 20), dept_reporter)
    for unit, user, value in ((dept, dept_reporter, "111"), (other_unit, stranger, "222")):
        ProgressReport.objects.create(
            indicator=indicator,
            unit=unit,
            period_start=date(2025, 6, 1),
            value=Decimal(value),
            status=ReportStatus.DRAFT,
            created_by=user,
        )

    def values_shown(user) -> list[str]:
        client.force_login(user)
        html = client.get(f"/supervision/indicators/{indicator.pk}/").content.decode()
        body = html[html.index("data-reports") :]
        body = body[: body.index("</tbody>")]
        return re.findall(r'class="num" data-label="[^"]+">([^<]+)</td>', body)

    assert values_shown(stranger) == ["222", "300"]
    assert values_shown(dept_reporter) == ["111", "300"]
    assert sorted(values_shown(supervisor)) == ["111", "222", "300"]


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_freezing_the_month_under_way_says_it_froze_todays_lights_provisionally_and_the_month_end_replaces_them(
    office, indicator
):
    with time_machine.travel("2025-07-07 15:00 +08:00", tick=False):
        response = office.post("/supervision/freeze/", {"as_of": "2025-07"})
    assert _messages(response) == [
        "已按今天（2025年7月7日）的灯色定格1项指标，作为本月的临时数据；2025年8月1日的自动月末定格将以2025年7月31日的灯色替换。"
    ]
    snapshot = StatusSnapshot.objects.get(unit__isnull=True)
    assert (snapshot.as_of, snapshot.evaluated_on, snapshot.is_provisional) == (
        date(2025, 7, 31),
        date(2025, 7, 7),
        True,
    )
    with time_machine.travel("2025-08-01 00:01 +08:00", tick=False):
        freeze_month_end()  # the beat job of the 1st, as the message says
    snapshot = StatusSnapshot.objects.get(unit__isnull=True)
    assert (snapshot.as_of, snapshot.evaluated_on, snapshot.is_provisional) == (
        date(2025, 7, 31),
        date(2025, 7, 31),
        False,
    )


@time_machine.travel("2025-07-07 15:00 +08:00", tick=False)
def test_freezing_a_closed_month_names_its_month_end(office, indicator):
    response = office.post("/supervision/freeze/", {"as_of": "2025-06"})
    assert _messages(response) == ["已定格1项指标截至2025年6月30日的灯色。"]
    assert StatusSnapshot.objects.get(unit__isnull=True).evaluated_on == date(2025, 6, 30)


@time_machine.travel("2025-07-07 15:00 +08:00", tick=False)
def test_the_freeze_button_asks_first_in_the_words_of_what_it_does(office, indicator):
    html = office.get("/supervision/").content.decode()
    assert (
        'data-confirm="确认按今天（2025年7月7日）的灯色定格，作为本月的临时数据？将替换本月此前定格的灯色；'
        '2025年8月1日的自动月末定格将以2025年7月31日的灯色替换。">立即定格本月灯色</button>'
    ) in html
    html = office.get("/supervision/?as_of=2025-06").content.decode()
    assert (
        'data-confirm="确认定格2025年6月30日的灯色？将替换该月末此前定格的灯色。">定格2025年6月30日的灯色</button>'
        in html
    )


def _report_rows(html: str) -> list[tuple[str, str]]:
    body = html[html.index("data-reports") :]
    body = body[: body.index("</tbody>")]
    return re.findall(r'<td data-label="填报期">([^<]*)</td><td data-label="单位">([^<]*)</td>', body)


@time_machine.travel(NOW, tick=False)
def test_the_indicator_page_lists_fifty_reports_a_page_newest_first_and_reaches_every_one(
    office, indicator, dept, town_unit, supervisor
):
    """Sixty reports (two units, 30 months): the first page shows the 50 newest and says how many there
    are, the second the 10 oldest; together every report once, and the audit trail still names an
    event of a report that is not on the page shown."""
    from accounts.audit import audit_record
    from targets.models import ProgressReport

    from .builders import thirty_months_submitted

    months = thirty_months_submitted(indicator, (dept, town_unit), supervisor)  # January 2023 to June 2025
    oldest = ProgressReport.objects.get(unit=dept, period_start=months[0])
    audit_record(action="report.submit", by=supervisor, obj=oldest)
    first = office.get(f"/supervision/indicators/{indicator.pk}/").content.decode()
    assert 'data-reports-total="60"' in first and "共60份填报，显示第1–50份，最新的在前" in first
    rows = _report_rows(first)
    assert len(rows) == 50 and rows[0] == ("2025年6月", dept.name) and rows[1] == ("2025年6月", town_unit.name)
    assert 'href="?page=2#reports"' in first and "较早" in first and "较新" not in first
    assert f"<td>{oldest}</td>" in first.split("data-audit", 1)[1]
    second = office.get(f"/supervision/indicators/{indicator.pk}/?page=2").content.decode()
    assert "共60份填报，显示第51–60份，最新的在前" in second and 'href="?page=1#reports"' in second
    older = _report_rows(second)
    assert len(older) == 10 and older[-1] == ("2023年1月", town_unit.name)
    assert len(set(rows + older)) == 60


@time_machine.travel(NOW, tick=False)
def test_the_indicator_page_counts_a_few_reports_without_a_pager(office, red_indicator):
    html = office.get(f"/supervision/indicators/{red_indicator.pk}/").content.decode()
    assert "共3份填报，最新的在前" in html and "data-reports-pager" not in html
    assert len(_report_rows(html)) == 3


@time_machine.travel(NOW, tick=False)
def test_the_indicator_page_shows_the_township_shares_of_the_latest_month_frozen(office, indicator, town_unit, county):
    """Each township's share as it stood at the latest month end: not May's beside June's, and not a
    township whose share was last frozen months before (its allocation since withdrawn)."""
    from regions.models import UnitKind

    from ..factories import UnitFactory

    gone = UnitFactory(county=county, name="东屏街道", kind=UnitKind.TOWNSHIP)
    for as_of, unit, status in (
        (date(2025, 5, 31), town_unit, "amber"),
        (date(2025, 5, 31), gone, "red"),
        (date(2025, 6, 30), town_unit, "green"),
    ):
        StatusSnapshot.objects.create(indicator=indicator, as_of=as_of, unit=unit, evaluated_on=as_of, status=status)
    html = office.get(f"/supervision/indicators/{indicator.pk}/").content.decode()
    shares = html[html.index("乡镇（街道）分解情况（最近一个月）") :]
    shares = shares[: shares.index("</table>")]
    assert town_unit.name in shares and gone.name not in shares
    assert "light-green" in shares and "light-amber" not in shares


@time_machine.travel(NOW, tick=False)
def test_the_notice_form_offers_the_answerable_units_with_the_lead_unit_chosen_and_a_week_to_reply(
    office, red_indicator, dept, town_unit
):
    from targets.models import Allocation

    Allocation.objects.create(indicator=red_indicator, unit=town_unit, target_value=100)
    html = office.get(f"/supervision/indicators/{red_indicator.pk}/").content.decode()
    form = html[html.index("data-issue") :]
    form = form[: form.index("</form>")]
    assert re.findall(r'<option value="(\d*)"( selected)?>', form) == [
        ("", ""),
        (str(dept.pk), " selected"),
        (str(town_unit.pk), ""),
    ]
    assert '<label for="id_notice">督办通知：</label>' in form and "单位须说明或整改的事项。" in form
    assert '<input type="date" name="reply_due" value="2025-07-08" required id="id_reply_due">' in form


@time_machine.travel(NOW, tick=False)
def test_the_indicator_page_lists_the_lead_units_in_the_tables_order_and_offers_the_first(
    office, red_indicator, dept, county
):
    """The responsibility table names 区发改局 before 区农业农村局: the page lists them so, not by name,
    and the notice goes by default to the first, who answers for the reports."""
    from ..factories import UnitFactory

    first = UnitFactory(county=county, name="区发改局")
    target = red_indicator.target
    target.lead_units.clear()
    target.lead_units.add(first)
    target.lead_units.add(dept)
    html = office.get(f"/supervision/indicators/{red_indicator.pk}/").content.decode()
    assert "<dd>区发改局、区农业农村局</dd>" in html
    assert f'<option value="{first.pk}" selected>' in html


@time_machine.travel(NOW, tick=False)
def test_a_page_past_the_end_of_a_list_still_says_how_many_there_are(office, red_indicator):
    html = office.get("/supervision/list/?as_of=2025-06&light=red&page=2").content.decode()
    assert 'data-total="1"' in html
    assert "data-indicator=" not in html
