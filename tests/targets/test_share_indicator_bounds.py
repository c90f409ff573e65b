"""A share in percent (和美乡村建成率, in %) cannot have a baseline, target or stage above 100: the services refuse
it, so the API, the plan import and the admin refuse it too, with the same Chinese words (which indicator,
which field, what is expected)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from targets import services
from targets.admin import IndicatorAdminForm
from targets.models import Indicator, Plan

from ..conftest import api_as
from ..factories import IndicatorFactory

pytestmark = pytest.mark.django_db

SHARE = {"name": "和美乡村建成率", "kind": "increase", "unit": "%", "start_date": date(2025, 1, 1)}


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def _create(target, supervisor, **fields):
    values = dict(SHARE, baseline=Decimal("40"), target_value=Decimal("90"), deadline=date(2025, 12, 31)) | fields
    return services.indicator_create(target=target, by=supervisor, **values)


def test_the_service_refuses_a_target_or_baseline_above_100_naming_the_field(target, supervisor):
    with pytest.raises(ValidationError) as refused:
        _create(target, supervisor, target_value=Decimal("150"))
    assert refused.value.message_dict == {
        "target_value": ["“和美乡村建成率”是比率（%），目标值应为 0 至 100 之间的数（现为 150）。"]
    }
    with pytest.raises(ValidationError) as refused:
        _create(target, supervisor, baseline=Decimal("120"))
    assert list(refused.value.message_dict) == ["baseline"] and "基期值应为 0 至 100" in refused.value.messages[0]
    with pytest.raises(ValidationError, match="2025年6月30日的阶段节点值应为 0 至 100"):
        _create(target, supervisor, milestones=[(date(2025, 6, 30), Decimal("101"))])
    assert not Indicator.objects.filter(name="和美乡村建成率").exists()
    # 100 is a whole share; a growth rate may pass it; so may a count in 个.
    assert _create(target, supervisor, target_value=Decimal("100")).target_value == 100
    assert _create(target, supervisor, name="村集体经营性收入增长率", target_value=Decimal("150"))
    assert _create(target, supervisor, name="建成率", unit="个", target_value=Decimal("150"))


def test_an_update_above_100_is_refused_and_changes_nothing(target, supervisor):
    indicator = _create(target, supervisor)
    with pytest.raises(ValidationError, match="目标值应为 0 至 100"):
        services.indicator_update(
            indicator=indicator,
            by=supervisor,
            expected_fingerprint=services.indicator_fingerprint(indicator),
            target_value=Decimal("101"),
        )
    indicator.refresh_from_db()
    assert indicator.target_value == Decimal("90")


def test_the_api_answers_400_with_the_chinese_message(supervisor, target):
    payload = {
        "target": target.pk,
        "name": "和美乡村建成率",
        "kind": "increase",
        "unit": "%",
        "baseline": 40,
        "target_value": 150,
        "start_date": "2025-01-01",
        "deadline": "2025-12-31",
        "frequency": "monthly",
    }
    response = api_as(supervisor).post("/api/indicators/", payload, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert "目标值应为 0 至 100 之间的数（现为 150）" in str(response.json())
    assert not Indicator.objects.filter(name="和美乡村建成率").exists()


def test_the_admin_form_refuses_it_on_the_field(target):
    indicator = IndicatorFactory(target=target, **SHARE, baseline=Decimal("40"), target_value=Decimal("90"))
    from django.forms.models import model_to_dict

    data = model_to_dict(indicator) | {"target_value": "150"}
    form = IndicatorAdminForm(data=data, instance=indicator)
    assert not form.is_valid()
    assert form.errors["target_value"] == ["“和美乡村建成率”是比率（%），目标值应为 0 至 100 之间的数（现为 150）。"]
    assert IndicatorAdminForm(data=data | {"target_value": "95"}, instance=indicator).is_valid()


def test_the_plan_import_names_the_task_and_indicator_before_saving(supervisor, county):
    from regions.models import Unit
    from reports.plan_import import PlanProblems, plan_import, plan_import_parse

    from ..reports.tables import dongtou, dongtou_xlsx, upload

    for name in dongtou.DEPARTMENTS:
        Unit.objects.get_or_create(county=county, name=name)
    parsed = plan_import_parse(file=upload(dongtou_xlsx(dongtou.TASKS[:5]), "t.xlsx"), region=county)
    for row in parsed["units"]:
        row["decision"] = row["decision"] or "create"
    proposal = parsed["tasks"][4]["indicators"][0]
    proposal.update(name="和美乡村建成率", unit="%", kind="increase", baseline="30", target_value="150")
    with pytest.raises(PlanProblems) as refused:
        plan_import(parsed=parsed, region=county, by=supervisor)
    [problem] = [p for p in refused.value.problems if p.field == "target_value"]
    assert (problem.task, problem.indicator) == (4, 0)
    assert problem.message == (
        "任务5“城乡居民收入倍差”，第1个指标“和美乡村建成率”：目标值应为 0 至 100 之间的数（该指标是比率，按%计；现为 150）。"
    )
    assert problem.message.count("和美乡村建成率") == 1  # the indicator is named once
    assert not Plan.objects.exists()
