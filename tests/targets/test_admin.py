"""The targets admin: a task's units keep the order they are written in."""

import pytest

from accounts.models import Role
from targets import selectors

from ..accounts.test_admin_audit import change_form_data
from ..factories import UnitFactory, UserFactory


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
