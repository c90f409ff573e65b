"""The targets admin: a task's units keep the order they are written in, a milestone's figures are
checked as the services check them."""

from decimal import Decimal

import pytest

from accounts.models import Role
from targets import selectors
from targets.models import Milestone

from ..accounts.test_admin_audit import change_form_data
from ..factories import IndicatorFactory, UnitFactory, UserFactory


@pytest.fixture
def admin_client(db, client):
    client.force_login(UserFactory(username="sysadmin", role=Role.ADMIN, is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def fagai(county):
    return UnitFactory(county=county, name="区发改局")


def save_target(admin_client, target, **changes):
    url = f"/admin/targets/target/{target.pk}/change/"
    return admin_client.post(url, change_form_data(admin_client.get(url)) | changes)


def leads_of(target) -> list[str]:
    leads, _co = selectors.units_in_table_order([target.pk])
    return [u.name for u in leads.get(target.pk, [])]


def test_lead_units_keep_the_order_they_are_written_in(admin_client, client, target, indicator, dept, fagai):
    # 区发改局 first, as the table lists it, though 区农业农村局 sorts first by name and was there before.
    response = save_target(admin_client, target, lead_names="*区发改局、*区农业农村局", co_names="")
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert leads_of(target) == ["区发改局", "区农业农村局"]
    assert selectors.expected_reporters([indicator.pk]) == {indicator.pk: [fagai.pk]}
    page = admin_client.get(f"/admin/targets/target/{target.pk}/change/").content.decode()
    assert 'value="区发改局、区农业农村局"' in page
    plan_page = admin_client.get(f"/plans/{target.plan_id}/").content.decode()
    assert "区发改局、区农业农村局" in plan_page

    response = save_target(admin_client, target, lead_names="区农业农村局, 区发改局")
    assert response.status_code == 302
    assert leads_of(target) == ["区农业农村局", "区发改局"]
    assert selectors.expected_reporters([indicator.pk]) == {indicator.pk: [dept.pk]}


def test_saving_a_task_unchanged_keeps_its_units_and_their_order(admin_client, target, dept, fagai, other_unit):
    from targets.services import target_units_set

    target_units_set(target=target, leads=[fagai, dept], co_units=[other_unit])
    assert save_target(admin_client, target, name="农村改厕(修订)").status_code == 302
    assert leads_of(target) == ["区发改局", "区农业农村局"]
    assert [u.name for u in target.co_units.all()] == ["区教育局"]


def test_an_unknown_unit_name_is_refused_in_chinese_and_nothing_is_saved(admin_client, target):
    response = save_target(admin_client, target, lead_names="区农业农村局、区农业局")
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["lead_names"]
    assert errors == ["本方案所在县（区）没有名为“区农业局”的单位：请先在“单位”中添加，或核对名称。"]
    assert leads_of(target) == ["区农业农村局"]


def test_reordering_the_leads_is_audited_as_a_change(admin_client, target, dept, fagai):
    from accounts.models import AuditEvent

    save_target(admin_client, target, lead_names="区农业农村局、区发改局")
    save_target(admin_client, target, lead_names="区发改局、区农业农村局")
    before, after = AuditEvent.objects.filter(action="admin.update", object_type="targets.Target").order_by("id")
    assert before.new["lead_units"] == [dept.pk, fagai.pk]
    assert (after.old["lead_units"], after.new["lead_units"]) == ([dept.pk, fagai.pk], [fagai.pk, dept.pk])


@pytest.fixture
def share_indicator(target):
    return IndicatorFactory(target=target, name="和美乡村建成率", unit="%", baseline=Decimal("40"), target_value=100)


def save_indicator_with_stage(admin_client, indicator, value):
    url = f"/admin/targets/indicator/{indicator.pk}/change/"
    page = admin_client.get(url)
    data = change_form_data(page)
    prefix = page.context["inline_admin_formsets"][0].formset.prefix
    data |= {
        f"{prefix}-TOTAL_FORMS": 1,
        f"{prefix}-0-date": "2025-06-30",
        f"{prefix}-0-value": value,
        f"{prefix}-0-indicator": indicator.pk,
    }
    return admin_client.post(url, data)


def test_a_stage_above_100_percent_is_refused_on_its_row_in_chinese(admin_client, share_indicator):
    response = save_indicator_with_stage(admin_client, share_indicator, "120")
    assert response.status_code == 200
    [row] = response.context["inline_admin_formsets"][0].formset.forms
    assert row.errors["value"] == [
        "“和美乡村建成率”是比率（%），2025年6月30日的阶段节点值应为 0 至 100 之间的数（现为 120）。"
    ]
    assert "2025年6月30日的阶段节点值应为 0 至 100 之间的数" in response.content.decode()
    assert not Milestone.objects.filter(indicator=share_indicator).exists()


def test_a_stage_within_bounds_is_saved(admin_client, share_indicator):
    response = save_indicator_with_stage(admin_client, share_indicator, "75")
    assert response.status_code == 302
    assert list(Milestone.objects.filter(indicator=share_indicator).values_list("value", flat=True)) == [75]
