"""The home page: one card per visible plan with its light counts, in a fixed number of queries."""

import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from targets.lights import lights_rejudge_all

from ..factories import IndicatorFactory, PlanFactory, TargetFactory


def _plan_with(county, dept, n_indicators, **fields):
    plan = PlanFactory(region=county, **fields)
    target = TargetFactory(plan=plan)
    target.lead_units.add(dept)
    for i in range(n_indicators):
        IndicatorFactory(target=target, name=f"指标{i}")
    return plan


def _queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/")
    assert response.status_code == 200
    return len(captured), response.content.decode()


def _card(html: str, plan) -> str:
    start = html.index(f'href="/plans/{plan.pk}/"')
    return html[start : html.index("</li>", start)]


def _pills(card: str) -> list[tuple[str, int]]:
    """The light pills of a card in order, as (light, n): a reporter's card has two lines of them."""
    return [(light, int(n)) for light, n in re.findall(r'light-(\w+)" title="[^"]*">(\d+)<', card)]


def _total(card: str) -> int:
    return sum(n for _light, n in _pills(card))


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["supervisor", "dept_reporter"])
@time_machine.travel("2025-07-10 10:00 +08:00", tick=False)
def test_home_runs_as_many_queries_for_many_plans_as_for_one(request, client, county, dept, who):
    client.force_login(request.getfixturevalue(who))
    plans = [_plan_with(county, dept, 2)]
    lights_rejudge_all()
    client.get("/")  # the session's first request after login reads and writes more
    few, html = _queries(client)
    assert _total(_card(html, plans[0])) == 2 * (2 if who == "dept_reporter" else 1)
    plans += [_plan_with(county, dept, n) for n in (1, 3, 5)]
    lights_rejudge_all()
    many, html = _queries(client)
    assert many == few
    for plan in plans:
        assert plan.title in _card(html, plan)


@pytest.mark.django_db
@time_machine.travel("2025-07-10 10:00 +08:00", tick=False)
def test_each_card_counts_the_lights_of_its_own_plan(client, supervisor, county, dept):
    small, large = _plan_with(county, dept, 1), _plan_with(county, dept, 4)
    lights_rejudge_all()
    client.force_login(supervisor)
    _n, html = _queries(client)
    assert _total(_card(html, small)) == 1
    assert _total(_card(html, large)) == 4
    assert [light for light, _n in _pills(_card(html, small))] == ["not_started", "done", "green", "amber", "red"]


@pytest.mark.django_db
def test_a_cards_text_is_shown_as_text_not_markup(client, supervisor, county, dept):
    plan = _plan_with(county, dept, 1, title="<b>方案</b>", doc_number="A&B〔2025〕1号", issuer='"区政府"')
    client.force_login(supervisor)
    _n, html = _queries(client)
    card = _card(html, plan)
    assert "&lt;b&gt;方案&lt;/b&gt;" in card and "<b>" not in card
    assert "A&amp;B〔2025〕1号 · &quot;区政府&quot; · 洞头区 · 2025年1月1日 – 2025年12月31日" in card
