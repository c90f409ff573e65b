"""The dashboard as a person reads it: periods in words, the reporting table on a closed month, the light
filter narrowing every light figure, sections in the plan's order."""

import re
from datetime import date

import pytest
import time_machine

from supervision.services import snapshot_freeze
from targets.lights import lights_rejudge_all

from ..factories import IndicatorFactory, SectionFactory, TargetFactory
from .builders import submitted

TODAY = "2025-07-10 10:00 +08:00"


@pytest.fixture(autouse=True)
def _on_the_tenth_of_july():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def office(client, supervisor):
    client.force_login(supervisor)
    return client


@pytest.fixture
def two_sections(plan, dept, dept_reporter):
    """The plan's first section holds a task not started yet; its second a task gone red."""
    first = SectionFactory(plan=plan, title="一、产业发展", order=1)
    second = SectionFactory(plan=plan, title="二、乡村建设", order=2)
    quiet = TargetFactory(plan=plan, section=first)
    quiet.lead_units.add(dept)
    IndicatorFactory(target=quiet, start_date=date(2026, 1, 1), deadline=date(2027, 12, 31))
    late = TargetFactory(plan=plan, section=second)
    late.lead_units.add(dept)
    red = IndicatorFactory(target=late)
    submitted(red, dept, date(2025, 3, 1), 10, date(2025, 3, 20), dept_reporter)
    submitted(red, dept, date(2025, 5, 1), 20, date(2025, 5, 20), dept_reporter)
    snapshot_freeze(as_of=date(2025, 6, 30))
    lights_rejudge_all()
    return first, second


def _tiles(html) -> dict[str, int]:
    return {
        light: int(n)
        for light, n in re.findall(r'data-light="(\w+)" href="[^"]*">\s*<span class="n">(\d+)</span>', html)
    }


def test_headings_name_periods_in_words_not_codes(office, two_sections):
    html = office.get("/supervision/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "2025年7月" in html and "2025-07<" not in html
    league = office.get("/supervision/league/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert re.search(r"<h1>[^<]*2025年6月", league)
    listing = office.get("/supervision/list/?light=red", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "2025年7月" in listing


def test_the_reporting_table_reads_the_last_closed_month_unless_one_is_chosen(office, two_sections):
    html = office.get("/supervision/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    heading = re.search(r"<section class=\"card\" data-reporting>\s*<h2>([^<]*)</h2>", html).group(1)
    assert "2025年6月" in heading
    chosen = office.get("/supervision/?as_of=2025-07", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "2025年7月" in re.search(r"data-reporting>\s*<h2>([^<]*)</h2>", chosen).group(1)


def test_the_light_filter_narrows_every_count_to_what_its_list_shows(office, two_sections):
    everything = _tiles(office.get("/supervision/").content.decode())
    assert everything["red"] == 1 and everything["not_started"] == 1, everything
    html = office.get("/supervision/?light=red").content.decode()
    tiles = _tiles(html)
    listing = office.get("/supervision/list/?light=red").content.decode()
    listed = int(re.search(r'data-total="(\d+)"', listing).group(1))
    assert tiles["red"] == listed == 1
    assert tiles["not_started"] == 0 and sum(tiles.values()) == listed
    assert 'data-list="amber"' not in html and 'data-list="red"' in html
    section_rows = re.findall(r'<tr data-key="(\d+)">', html.split('data-split="section"')[1].split("</section>")[0])
    assert section_rows == [str(two_sections[1].pk)]  # the not-started section has nothing at red


def test_sections_stand_in_the_plans_order_with_their_red_counts(office, two_sections):
    first, second = two_sections
    html = office.get("/supervision/").content.decode()
    block = html.split('data-split="section"')[1].split("</section>")[0]
    assert re.findall(r'<tr data-key="(\d+)">', block) == [str(first.pk), str(second.pk)]
    second_row = block.split(f'<tr data-key="{second.pk}">')[1].split("</tr>")[0]
    assert "light=red&amp;section=" in second_row


def test_the_red_and_amber_filter_keeps_both_lights_in_every_count(office, two_sections):
    html = office.get("/supervision/?light=flagged").content.decode()
    tiles = _tiles(html)
    listing = office.get("/supervision/list/?light=flagged").content.decode()
    listed = int(re.search(r'data-total="(\d+)"', listing).group(1))
    assert tiles["red"] == 1 and tiles["not_started"] == 0  # the dashboard read 0 at every light
    assert tiles["red"] + tiles["amber"] == sum(tiles.values()) == listed
    assert 'data-list="red"' in html
    section_rows = re.findall(r'<tr data-key="(\d+)">', html.split('data-split="section"')[1].split("</section>")[0])
    assert section_rows == [str(two_sections[1].pk)]
