"""Reading a page writes nothing (no freeze on GET), and the pages answer with no cache server at all."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from supervision.models import StatusSnapshot
from targets.lights import lights_rejudge_all

from .builders import submitted

TODAY = "2025-07-10 10:00 +08:00"
WRITES = ("INSERT", "UPDATE", "DELETE")
# A Redis nobody listens on: every cache call fails at once.
NO_REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}


@pytest.fixture
def county_pages(indicator, dept, dept_reporter):
    submitted(indicator, dept, date(2025, 5, 1), 300, date(2025, 5, 20), dept_reporter)
    plan = indicator.target.plan_id
    return [
        "/supervision/",
        "/supervision/?as_of=2025-06",
        "/supervision/list/?light=red",
        "/supervision/league/",
        f"/supervision/indicators/{indicator.pk}/",
        "/supervision/items/",
        "/",
        f"/plans/{plan}/",
        "/review/",
    ]


def _writes(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    # The session's expiry and the login bookkeeping are not the page's.
    return [
        q["sql"]
        for q in captured
        if q["sql"].lstrip().upper().startswith(WRITES) and "django_session" not in q["sql"] and "axes_" not in q["sql"]
    ]


@time_machine.travel(TODAY, tick=False)
def test_no_dashboard_page_writes_anything_when_read(client, supervisor, county_pages):
    lights_rejudge_all()
    client.force_login(supervisor)
    for url in county_pages:
        assert _writes(client, url) == [], url
    assert not StatusSnapshot.objects.exists()  # nothing frozen by reading


@time_machine.travel(TODAY, tick=False)
def test_my_work_writes_nothing_when_read(client, dept_reporter, county_pages):
    lights_rejudge_all()
    client.force_login(dept_reporter)
    assert _writes(client, "/my-work/") == []


@time_machine.travel(TODAY, tick=False)
def test_the_month_under_way_shows_todays_stored_lights(client, supervisor, indicator, county_pages):
    lights_rejudge_all()
    client.force_login(supervisor)
    html = client.get("/supervision/").content.decode()
    assert f'<tr data-indicator="{indicator.pk}" data-status="red">' in html  # June missing, behind pace


@time_machine.travel(TODAY, tick=False)
def test_pages_answer_the_same_with_the_cache_server_down(client, supervisor, dept_reporter, county_pages):
    lights_rejudge_all()
    client.force_login(supervisor)
    before = {url: client.get(url).content.decode().count('data-status="red"') for url in county_pages}
    with override_settings(CACHES=NO_REDIS, SESSION_ENGINE="django.contrib.sessions.backends.db"):
        from django.core.cache import caches

        caches["default"].close()
        with pytest.raises(Exception):
            caches["default"].get("anything")  # the cache really is down
        after = {url: client.get(url) for url in county_pages}
    assert {url: r.status_code for url, r in after.items()} == dict.fromkeys(county_pages, 200)
    assert {url: r.content.decode().count('data-status="red"') for url, r in after.items()} == before
