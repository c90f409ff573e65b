"""The month list: its months read in the page's language and are submitted as YYYY-MM."""

from datetime import date

import time_machine
from django.utils import translation

from core.forms import MonthSelect


@time_machine.travel("2026-12-02 10:00 +08:00", tick=False)
def test_the_months_read_in_the_pages_language_newest_first_and_an_older_link_keeps_its_month():
    with translation.override("zh-hans"):
        html = MonthSelect().render("as_of", "2026-11")
        assert '<option value="2026-12">2026年12月</option>' in html
        assert '<option value="2026-11" selected>2026年11月</option>' in html
        assert html.index("2026-12") < html.index("2026-11") and "2024-01" in html and "2023-12" not in html
        assert '<option value="2019-05" selected>2019年5月</option>' in MonthSelect().render("as_of", "2019-05")
    with translation.override("en"):
        assert '<option value="2026-11" selected>November 2026</option>' in MonthSelect().render("m", date(2026, 11, 1))
