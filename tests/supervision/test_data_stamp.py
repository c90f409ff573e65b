"""One truth on the figure pages: when the figures were taken, the month under way marked provisional, no date
after today, the league on the last closed month."""

from datetime import date

import pytest
import time_machine
from django.test import Client

from supervision.services import snapshot_freeze
from targets.lights import lights_rejudge_all


@pytest.fixture
def office(supervisor):
    client = Client()
    client.force_login(supervisor)
    return client


def test_the_dashboard_says_when_its_lights_were_judged_and_keeps_saying_it_until_they_change(office, indicator):
    with time_machine.travel("2025-06-02 10:42 +0800", tick=False):
        lights_rejudge_all()
        html = office.get("/supervision/").content.decode()
    assert "数据更新于 10:42" in html
    with time_machine.travel("2025-06-02 10:45 +0800", tick=False):
        html = office.get("/supervision/").content.decode()
    assert "数据更新于 10:42" in html and "数据更新于 10:45" not in html


def test_the_month_under_way_is_provisional_and_no_date_after_today_is_named(office, indicator):
    with time_machine.travel("2025-06-02 10:42 +0800", tick=False):
        html = office.get("/supervision/").content.decode()
        closed = office.get("/supervision/?as_of=2025-05").content.decode()
    assert "2025年6月2日灯色情况" in html and "2025年6月30日灯色情况" not in html
    assert 'data-provisional="1"' in html and "本月数据尚未截止" in html
    assert 'data-provisional="1"' not in closed and "2025年5月31日灯色情况" in closed


def test_the_league_ranks_the_last_closed_month_unless_asked(office, indicator):
    with time_machine.travel("2025-06-02 10:42 +0800", tick=False):
        html = office.get("/supervision/league/").content.decode()
        asked = office.get("/supervision/league/?as_of=2025-06").content.decode()
    assert "晾晒排名（2025年5月）" in html and 'data-provisional="1"' not in html
    assert "晾晒排名（2025年6月）" in asked and 'data-provisional="1"' in asked


def test_the_league_says_when_the_lights_it_ranks_were_judged_or_frozen(office, indicator):
    with time_machine.travel("2025-06-02 10:42 +0800", tick=False):
        lights_rejudge_all()
    with time_machine.travel("2025-06-03 09:15 +0800", tick=False):
        snapshot_freeze(as_of=date(2025, 5, 31))
    with time_machine.travel("2025-06-04 08:00 +0800", tick=False):
        under_way = office.get("/supervision/league/?as_of=2025-06").content.decode()
        closed = office.get("/supervision/league/?as_of=2025-05").content.decode()
    assert "数据更新于 10:42" in under_way
    assert "数据更新于 09:15" in closed
