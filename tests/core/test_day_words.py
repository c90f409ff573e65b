"""Dates read as a person reads them: 2026年12月2日 in Chinese pages, ISO in English, in inputs and data."""

import re
from datetime import date, datetime
from datetime import timezone as dt_timezone
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from supervision.models import SupervisionItem


def _render(text: str, **values) -> str:
    return Template("{% load core_dates %}" + text).render(Context(values))


def test_a_date_reads_in_chinese_words_and_stays_iso_in_english():
    with translation.override("zh-hans"):
        assert _render("{{ d|day_words }}", d=date(2026, 12, 2)) == "2026年12月2日"
    with translation.override("en"):
        assert _render("{{ d|day_words }}", d=date(2026, 12, 2)) == "2026-12-02"


def test_a_moment_is_shown_in_local_time_with_its_day():
    moment = datetime(2026, 12, 1, 17, 30, 5, tzinfo=dt_timezone.utc)  # 01:30 on 2 December in Shanghai
    with translation.override("zh-hans"):
        assert _render('{{ t|day_words:"time" }}', t=moment) == "2026年12月2日 01:30"
        assert _render('{{ t|day_words:"seconds" }}', t=moment) == "2026年12月2日 01:30:05"
        assert _render("{{ t|day_words }}", t=moment) == "2026年12月2日"


def test_no_date_gives_nothing_so_a_default_shows():
    assert _render('{{ d|day_words|default:"—" }}', d=None) == "—"


@time_machine.travel("2025-07-01 10:00 +08:00", tick=False)
def test_the_supervision_item_page_in_chinese_writes_its_dates_in_words(client, indicator, dept, supervisor):
    item = SupervisionItem.objects.create(
        indicator=indicator, unit=dept, notice="请说明原因", reply_due=date(2025, 7, 8), issued_by=supervisor
    )
    client.force_login(supervisor)
    page = client.get(f"/supervision/items/{item.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "2025年7月8日" in page
    assert "2025年7月1日 10:00" in page  # issued at, local time
    assert "2025-07-08" not in page
    ledger = client.get("/supervision/items/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "2025年7月8日" in ledger and "2025-07-08" not in ledger


@time_machine.travel("2025-07-01 10:00 +08:00", tick=False)
def test_the_home_page_in_chinese_gives_the_plan_period_in_words(client, plan, supervisor):
    client.force_login(supervisor)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f"{plan.start_date.year}年{plan.start_date.month}月{plan.start_date.day}日" in page
    assert plan.start_date.isoformat() not in page


@pytest.mark.parametrize("path", sorted(Path(settings.BASE_DIR, "templates").rglob("*.html")), ids=str)
def test_no_template_shows_an_iso_date_outside_an_attribute(path):
    """A shown date goes through day_words; |date:'Y-m-d' (single quotes) is left for input values and data
    attributes, where machines read it."""
    shown = re.findall(r'\|date:"Y-m-d[^"]*"', path.read_text(encoding="utf-8"))
    assert not shown, f"{path.name}: {shown} (use |day_words)"
