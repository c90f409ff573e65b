"""Every write made in the Django admin is audited, for every registered model (accounts.admin_audit)."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib import admin
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.admin_audit import AuditedModelAdmin, values_of
from accounts.audit_chain import verify_chain
from accounts.models import AuditEvent, Role
from regions.models import Unit
from targets.choices import ReportStatus
from targets.models import Plan, ProgressReport, Section
from villages.models import CountyEconomySettings

from ..factories import ProgressReportFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="sysadmin", role=Role.ADMIN, is_staff=True, is_superuser=True))
    return client


def change_form_data(response) -> dict:
    """What the admin's change page would post back unchanged: the form and every inline."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        if value is not None:
            data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for each in formset.forms:
            for name in each.fields:
                value = each[name].value()
                if value is not None:
                    data[each.add_prefix(name)] = value
    return data


def events(action, model):
    return list(AuditEvent.objects.filter(action=action, object_type=model._meta.label).order_by("id"))


def test_every_model_in_the_admin_is_audited_third_party_ones_too():
    registry = admin.site._registry
    assert {"otp_totp.TOTPDevice", "django_celery_beat.PeriodicTask", "auth.Group", "regions.Unit"} <= {
        model._meta.label for model in registry
    }
    assert all(isinstance(model_admin, AuditedModelAdmin) for model_admin in registry.values())


def test_renaming_a_unit_in_the_admin_records_old_and_new_values_with_address(admin_client, dept):
    page = admin_client.get(f"/admin/regions/unit/{dept.pk}/change/")
    data = change_form_data(page) | {"name": "区农业农村局(更名)"}
    response = admin_client.post(f"/admin/regions/unit/{dept.pk}/change/", data, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302, response.context["adminform"].form.errors
    [event] = events("admin.update", Unit)
    assert (event.old["name"], event.new["name"]) == ("区农业农村局", "区农业农村局(更名)")
    assert event.username == "sysadmin" and event.ip == "10.1.2.3" and event.object_id == str(dept.pk)
    assert verify_chain()[1] is None


def test_adding_county_settings_in_the_admin_is_a_create_event(admin_client, county):
    response = admin_client.post(
        "/admin/villages/countyeconomysettings/add/",
        {"county": county.pk, "weak_threshold": "8", "tiers": "[5, 20, 50]"},
    )
    assert response.status_code == 302
    [event] = events("admin.create", CountyEconomySettings)
    assert event.old is None and Decimal(event.new["weak_threshold"]) == 8 and event.new["tiers"] == [5, 20, 50]


def test_inline_rows_are_audited_each_with_old_and_new(admin_client, plan):
    section = SectionFactory(plan=plan, title="(一)产业发展", order=0)
    page = admin_client.get(f"/admin/targets/plan/{plan.pk}/change/")
    data = change_form_data(page)
    prefix = page.context["inline_admin_formsets"][0].formset.prefix
    data |= {
        "title": plan.title + "(修订)",
        f"{prefix}-0-title": "(一)产业振兴",
        f"{prefix}-TOTAL_FORMS": 2,
        f"{prefix}-1-title": "(二)人才振兴",
        f"{prefix}-1-order": 1,
        f"{prefix}-1-plan": plan.pk,
    }
    response = admin_client.post(f"/admin/targets/plan/{plan.pk}/change/", data)
    assert response.status_code == 302, response.context and response.context["errors"]
    [plan_event] = events("admin.update", Plan)
    assert plan_event.new["title"].endswith("(修订)")
    [changed] = events("admin.update", Section)
    assert (changed.object_id, changed.old["title"], changed.new["title"]) == (
        str(section.pk),
        "(一)产业发展",
        "(一)产业振兴",
    )
    [added] = events("admin.create", Section)
    assert added.new["title"] == "(二)人才振兴" and Section.objects.filter(pk=added.object_id).exists()


def test_deleting_a_plan_records_what_went_with_it(admin_client, indicator):
    plan = indicator.target.plan
    response = admin_client.post(f"/admin/targets/plan/{plan.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not Plan.objects.filter(pk=plan.pk).exists()
    [event] = events("admin.delete", Plan)
    assert event.object_id == str(plan.pk) and event.old["title"] == plan.title
    assert event.old["_deleted_with_it"] == {"targets.Target": 1, "targets.Indicator": 1}


def test_a_plan_with_reports_cannot_be_deleted_and_nothing_is_recorded(admin_client, indicator, dept, dept_reporter):
    ProgressReportFactory(
        indicator=indicator,
        unit=dept,
        created_by=dept_reporter,
        period_start=date(2025, 5, 1),
        value=10,
        status=ReportStatus.APPROVED,
    )
    plan = indicator.target.plan
    admin_client.post(f"/admin/targets/plan/{plan.pk}/delete/", {"post": "yes"})
    assert Plan.objects.filter(pk=plan.pk).exists() and ProgressReport.objects.count() == 1
    assert not events("admin.delete", Plan)


def test_the_bulk_delete_action_records_one_event_per_object(admin_client, county):
    units = [Unit.objects.create(county=county, name=f"临时单位{n}") for n in range(3)]
    response = admin_client.post(
        "/admin/regions/unit/", {"action": "delete_selected", "_selected_action": [u.pk for u in units], "post": "yes"}
    )
    assert response.status_code == 302 and not Unit.objects.filter(pk__in=[u.pk for u in units]).exists()
    assert sorted(e.object_id for e in events("admin.delete", Unit)) == sorted(str(u.pk) for u in units)


def test_secrets_are_kept_as_a_digest_never_as_the_value(dept_reporter):
    device = TOTPDevice.objects.create(user=dept_reporter, name="phone", confirmed=True)
    recorded = values_of(device)
    assert recorded["key"].startswith("sha256:") and device.key not in str(recorded)
    assert values_of(dept_reporter)["password"].startswith("sha256:")
    assert dept_reporter.password not in str(values_of(dept_reporter))


def test_an_api_token_ended_in_the_admin_never_reaches_the_log(admin_client, dept_reporter):
    from accounts.models import ApiToken
    from accounts.tokens import token_issue

    instance, token = token_issue(user=dept_reporter)
    admin_client.raise_request_exception = False
    assert admin_client.get("/admin/accounts/apitoken/add/").status_code == 403  # issued by the API only
    response = admin_client.post(f"/admin/accounts/apitoken/{instance.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not ApiToken.objects.exists()
    recorded = list(AuditEvent.objects.filter(object_type="accounts.ApiToken").order_by("id").values())
    assert [e["action"] for e in recorded] == ["admin.delete"]
    assert token not in str(recorded)  # the digest may appear: it cannot be turned back into the token
    # The token's primary key (its 128-character digest) is longer than the audit column: SQLite
    # stores it anyway, PostgreSQL refused the whole delete with a 500 before ids were fitted.
    assert all(len(e["object_id"]) <= 64 for e in recorded)


def test_an_admin_action_is_recorded_with_the_objects_it_ran_on(admin_client):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    every = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.DAYS)
    task = PeriodicTask.objects.create(name="提醒", task="reports.tasks.send_reminders", interval=every)
    response = admin_client.post(
        "/admin/django_celery_beat/periodictask/", {"action": "disable_tasks", "_selected_action": [task.pk]}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.enabled is False  # written with queryset.update(), past any save()
    [event] = AuditEvent.objects.filter(action="admin.action")
    assert event.new == {"action": "disable_tasks", "objects": [str(task.pk)]}


def test_a_deleted_section_counts_its_sub_sections(admin_client, plan):
    parent = SectionFactory(plan=plan, title="一、总体要求")
    SectionFactory(plan=plan, title="(一)指导思想", parent=parent)
    admin_client.post(f"/admin/targets/section/{parent.pk}/delete/", {"post": "yes"})
    [event] = events("admin.delete", Section)
    assert event.old["_deleted_with_it"] == {"targets.Section": 1}
