"""The office's 立即定格本月灯色 asks first; dismissed it freezes nothing, accepted it says what it froze."""

import pytest
from django.utils import timezone

from core import periods
from supervision.models import StatusSnapshot

from ..conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_freeze_button_asks_first_and_a_dismissed_question_freezes_nothing(browser_page, supervisor, indicator):
    today = timezone.localdate()
    end = periods.month_end(today)
    words = {
        "today": periods.day_words(today),
        "next": periods.day_words(periods.month_end(end) + timezone.timedelta(days=1)),
        "end": periods.day_words(end),
    }
    page = browser_page
    browser_login(page, supervisor.username)
    page.goto(page.base_url + "/supervision/")
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    page.click("button[data-freeze]")
    page.wait_for_timeout(300)
    assert questions == [
        "确认按今天（{today}）的灯色定格，作为本月的临时数据？将替换本月此前定格的灯色；"
        "{next}的自动月末定格将以{end}的灯色替换。".format(**words)
    ]
    assert not StatusSnapshot.objects.exists()
    page.once("dialog", lambda dialog: answer(dialog, True))
    page.click("button[data-freeze]")
    page.wait_for_load_state("networkidle")
    assert len(questions) == 2
    assert page.locator(".msg.success").inner_text() == (
        "已按今天（{today}）的灯色定格1项指标，作为本月的临时数据；{next}的自动月末定格将以{end}的灯色替换。".format(
            **words
        )
    )
    page.shot("frozen")
    assert StatusSnapshot.objects.filter(as_of=end, evaluated_on=today, unit__isnull=True).count() == 1
