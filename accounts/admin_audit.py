"""Writes made in the Django admin leave audit events, whatever the model.

The platform's pages and API write through services that audit each change. The admin writes
models directly, so without this an administrator could rename a unit, change a derived rule or a
Celery schedule, or delete a plan with everything under it, and the audit log would not show it.

`AuditedAdminSite` is the default admin site (`accounts.admin_apps.AuditedAdminConfig` replaces
`django.contrib.admin` in INSTALLED_APPS). Every ModelAdmin registered on it, the project's and
other apps' (schedules, tokens, authenticator devices, groups), is wrapped in `AuditedModelAdmin`:

- saving a change form records `admin.create` / `admin.update` with the old and new values of the
  object, and of each inline row, in the admin's own transaction;
- deleting, one object or a selection, records `admin.delete` with the old values and what went
  with it, in one transaction with the delete;
- any other admin action (which may write with `queryset.update()`, past the model's save) records
  `admin.action` with the action's name and the objects it was run on.

Secrets (password hashes, token and authenticator keys) appear only as a short digest, in the
values and in the object's id and name alike: a change shows, the value does not.
"""

import hashlib
import json

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.utils import NestedObjects
from django.db import router, transaction
from django.utils.translation import gettext_lazy as _

from .services import audit_record, jsonable

SECRET_PARTS = ("password", "key", "secret", "token")


def _hidden(value) -> str:
    return "sha256:" + hashlib.sha256(str(value).encode()).hexdigest()[:12]


def _secret_fields(model) -> list:
    return [f for f in model._meta.concrete_fields if any(part in f.name for part in SECRET_PARTS)]


def values_of(obj) -> dict:
    """The object's fields (foreign keys and many-to-many by id, in order) as the audit log keeps them."""
    secret = {f.name for f in _secret_fields(type(obj))}
    values = {}
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        if value not in (None, "") and field.name in secret:
            value = _hidden(value)
        values[field.name] = value
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            # In the order of the link rows, which can be data (a task's first lead unit reports for it).
            links = field.remote_field.through.objects.filter(**{field.m2m_field_name(): obj.pk}).order_by("pk")
            values[field.name] = list(links.values_list(field.m2m_reverse_name(), flat=True))
    # Whatever jsonable does not know (a time zone, a UUID, a timedelta) is kept as its text.
    return json.loads(json.dumps(jsonable(values), default=str))


def identity(obj) -> dict:
    """The object's type, id and name for the audit event, none of them revealing a secret: a DRF
    token's primary key and its str() are the token itself."""
    secrets = [str(v) for v in (getattr(obj, f.attname) for f in _secret_fields(type(obj))) if v not in (None, "")]
    object_id = "" if obj.pk is None else str(obj.pk)
    text = str(obj)
    if any(s and s in object_id for s in secrets):
        object_id = _hidden(object_id)
    if any(s and s in text for s in secrets):
        text = f"{obj._meta.verbose_name} {object_id}"
    return {"object_type": obj._meta.label, "object_id": object_id, "object_repr": text}


def _stored(obj) -> dict | None:
    current = type(obj)._default_manager.filter(pk=obj.pk).first() if obj.pk is not None else None
    return values_of(current) if current is not None else None


def _cascade(obj) -> dict[str, int]:
    """What deleting obj deletes with it, counted by model (a plan takes its sections and targets)."""
    collector = NestedObjects(using=router.db_for_write(type(obj)))
    collector.collect([obj])
    # Many-to-many link rows (auto-created tables) go too; they are not content, so not counted.
    counts = {
        model._meta.label: len(objects) - (model is type(obj))
        for model, objects in collector.model_objs.items()
        if not model._meta.auto_created
    }
    return {label: n for label, n in counts.items() if n}


class AuditedModelAdmin:
    """Mixed in before the ModelAdmin by AuditedAdminSite.register."""

    def save_model(self, request, obj, form, change):
        request._audit_before = _stored(obj) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        audit_record(
            action="admin.update" if change else "admin.create",
            by=request.user,
            old=getattr(request, "_audit_before", None),
            new=values_of(form.instance),
            **identity(form.instance),
        )

    def save_formset(self, request, form, formset, change):
        before = {id(f.instance): _stored(f.instance) for f in formset.initial_forms if f.has_changed()}
        names = {id(f.instance): identity(f.instance) for f in formset.initial_forms}
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            audit_record(action="admin.create", by=request.user, new=values_of(obj), **identity(obj))
        for obj, _fields in formset.changed_objects:
            audit_record(
                action="admin.update", by=request.user, old=before.get(id(obj)), new=values_of(obj), **identity(obj)
            )
        for obj in formset.deleted_objects:
            audit_record(action="admin.delete", by=request.user, old=before.get(id(obj)), **names[id(obj)])

    def delete_model(self, request, obj):
        self._audited_delete(request, [obj], lambda: super(AuditedModelAdmin, self).delete_model(request, obj))

    def delete_queryset(self, request, queryset):
        objects = list(queryset)
        self._audited_delete(
            request, objects, lambda: super(AuditedModelAdmin, self).delete_queryset(request, queryset)
        )

    def _audited_delete(self, request, objects, delete):
        # The changelist's bulk delete runs outside a transaction: the delete and its records are one.
        with transaction.atomic(using=router.db_for_write(self.model)):
            gone = [(identity(obj), values_of(obj) | {"_deleted_with_it": _cascade(obj)}) for obj in objects]
            delete()
            for name, old in gone:
                audit_record(action="admin.delete", by=request.user, old=old, **name)

    def response_action(self, request, queryset):
        """Run a changelist action; any action but delete (audited object by object) is recorded
        with the objects it was run on, whatever it wrote."""
        action = request.POST.get("action", "")
        if not action or action == "delete_selected":
            return super().response_action(request, queryset)
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        every = request.POST.get("select_across") == "1"
        targets = queryset if every else queryset.filter(pk__in=selected)
        ids = [identity(obj)["object_id"] for obj in targets]
        with transaction.atomic(using=router.db_for_write(self.model)):
            response = super().response_action(request, queryset)
            if response is not None:  # None: Django refused to run it (no action or nothing selected)
                audit_record(
                    action="admin.action",
                    by=request.user,
                    object_type=self.model._meta.label,
                    object_repr=action,
                    new={"action": action, "objects": ids},
                )
        return response


class AuditedAdminSite(admin.AdminSite):
    # The product's name, not Django's: the header, the browser tab and the index heading.
    site_header = _("Rural Revitalization Target Tracking: administration")
    site_title = _("Target tracking administration")
    index_title = _("Records and settings")

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AuditedModelAdmin):
            admin_class = type(
                admin_class.__name__,
                (AuditedModelAdmin, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)
