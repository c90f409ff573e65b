"""The demo: village income history and the three derived indicators the plans name, lit on the plan pages."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import User
from regions.models import Region
from targets.choices import Light
from targets.models import Indicator
from villages.models import DerivedRule, IncomeRecord, RecordStatus

from ..conftest import DEMO_TODAY as TODAY


@pytest.fixture
def demo(demo_db, db):
    """The demo loaded once for the module (tests/conftest.py demo_db): these tests only read it."""
    return demo_db


def test_the_demo_wires_three_derived_indicators_with_live_lights(demo, client):
    assert demo["derived_rules"] == 3
    names = set(DerivedRule.objects.values_list("indicator__source_phrase", flat=True))
    assert names == {
        "村级集体经济年收入10万元村达到40%以上",
        "村级集体经济总收入超2.4亿元",
        "2027年集体经济年经营性收入50万元以上行政村占比达到70%",
    }
    assert IncomeRecord.objects.filter(status=RecordStatus.APPROVED, quarter=0, year=2025).count() == 56
    client.force_login(User.objects.get(username="duchashi"))
    for rule in DerivedRule.objects.filter(scope__code="330305000000"):
        plan = rule.indicator.target.plan
        page = client.get(reverse("plan-detail", args=[plan.pk]), {"as_of": TODAY.isoformat()})
        html = page.content.decode()
        marker = f'data-indicator="{rule.indicator_id}" data-status="'
        status = html[html.index(marker) + len(marker) :].split('"')[0]
        assert status in (Light.GREEN, Light.AMBER, Light.RED)


def test_the_demo_figures_are_the_ones_the_rule_page_lists(demo, client):
    client.force_login(User.objects.get(username="xunyi_ducha"))
    rule = DerivedRule.objects.get(scope__code="610429000000")
    page = client.get(reverse("villages:derived-rule", args=[rule.indicator_id]))
    assert page.context["status"].status in (Light.GREEN, Light.AMBER, Light.RED)
    rows = page.context["rows"]
    counted = sum(1 for r in rows if r.counted)
    assert page.context["value"] == (Decimal(counted) * 100 / len(rows)).quantize(Decimal("0.01"))
    kinds = set(Region.objects.filter(code__in=[r.village.code for r in rows]).values_list("kind", flat=True))
    assert kinds == {"行政村"}
    assert Indicator.objects.get(pk=rule.indicator_id).reports.count() == 0
