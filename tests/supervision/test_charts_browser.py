"""The dashboard's trend and the indicator's progress chart on a phone: every label inside the chart and
none on top of another, at 375 px as at 1366 px."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from supervision.services import snapshot_freeze
from targets.lights import lights_rejudge_all

from ..conftest import browser_login
from ..factories import IndicatorFactory
from .builders import submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every text of the chart's SVG: outside the chart's box, or two overlapping by more than a pixel.
_LABEL_TROUBLE = """(id) => {
  const node = document.getElementById(id);
  const box = node.getBoundingClientRect();
  const texts = [...node.querySelectorAll('svg text')].filter(t => t.textContent.trim() && t.getAttribute('opacity') !== '0')
    .map(t => ({text: t.textContent, r: t.getBoundingClientRect()})).filter(t => t.r.width > 0);
  const trouble = [];
  for (const t of texts) {
    if (t.r.left < box.left - 1 || t.r.right > box.right + 1 || t.r.top < box.top - 1 || t.r.bottom > box.bottom + 1)
      trouble.push('outside: ' + t.text);
  }
  for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
    const a = texts[i].r, b = texts[j].r;
    const x = Math.min(a.right, b.right) - Math.max(a.left, b.left), y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    if (x > 1 && y > 1) trouble.push('overlap: ' + texts[i].text + ' / ' + texts[j].text);
  }
  return {count: texts.length, layout: node.dataset.layout, trouble};
}"""


def _month_start(today: date, back: int) -> date:
    year, month0 = divmod(today.year * 12 + today.month - 1 - back, 12)
    return date(year, month0 + 1, 1)


@pytest.fixture
def history(target, dept, dept_reporter):
    """Two years of monthly reports of a large amount (万元), a year of frozen month ends."""
    today = timezone.localdate()
    start = _month_start(today, 24)
    indicator = IndicatorFactory(
        target=target,
        name="村集体经济经营性收入",
        unit="万元",
        start_date=start,
        deadline=start + timedelta(days=365 * 4),
        target_value=Decimal("600000"),
    )
    for back in range(23, 0, -1):
        period = _month_start(today, back)
        submitted(indicator, dept, period, 10000 * (24 - back), period.replace(day=20), dept_reporter)
    for back in range(12, 0, -1):
        end = _month_start(today, back - 1) - timedelta(days=1)
        snapshot_freeze(as_of=end)
    lights_rejudge_all()
    return indicator


def _check(page, chart_id, width):
    page.wait_for_selector(f"#{chart_id}[data-rendered='1']")
    found = page.evaluate(_LABEL_TROUBLE, chart_id)
    assert found["count"] >= 5, found
    assert found["layout"] == ("narrow" if width < 480 else "wide")
    assert not found["trouble"], found["trouble"]


@pytest.mark.parametrize("width", [375, 1366])
def test_chart_labels_stay_inside_and_apart(browser_page, supervisor, history, width):
    page = browser_page
    browser_login(page, supervisor.username)
    page.set_viewport_size({"width": width, "height": 812})
    page.goto(page.base_url + "/supervision/")
    page.wait_for_load_state("networkidle")
    _check(page, "trend-chart", width)
    page.locator("#trend-chart").screenshot(path=str(page.shots / f"trend-{width}.png"))
    page.goto(page.base_url + f"/supervision/indicators/{history.pk}/")
    page.wait_for_load_state("networkidle")
    _check(page, "progress-chart", width)
    page.locator("#progress-chart").screenshot(path=str(page.shots / f"progress-{width}.png"))
