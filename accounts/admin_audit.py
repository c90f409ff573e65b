"""Every write made in the Django admin leaves an audit event, whatever the model.

The platform's pages and API write through services that audit each change. The admin writes
models directly, so without this an administrator could rename a unit, change a derived rule or a
Celery schedule, or delete a plan with all its reports, and the audit log would not show it.

`AuditedAdminSite` is the default admin site (`accounts.apps.AuditedAdminConfig` replaces
`django.contrib.admin` in INSTALLED_APPS). Every ModelAdmin registered on it, the project's and
other apps' (schedules, tokens, authenticator devices, groups), is wrapped in `AuditedModelAdmin`,
which records `admin.create`, `admin.update` and `admin.delete` with the old and new values of
the object and of its inlines, in the admin's own transaction. Secrets (password hashes, token
and authenticator keys) are recorded as a short digest: a change shows, the value does not.
"""
import hashlib
import json

from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.db import router

from .services import audit_record, jsonable

SECRET_PARTS = ("password", "key", "secret", "token")


def _hidden(value) -> str:
    return "sha256:" + hashlib.sha256(str(value).encode()).hexdigest()[:12]


def values_of(obj) -> dict:
    """The object's fields (foreign keys and many-to-many by id) as the audit log keeps them."""
    values = {}
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        if value not in (None, "") and any(part in field.name for part in SECRET_PARTS):
            value = _hidden(value)
        values[field.name] = value
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            values[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    # Whatever jsonable does not know (a time zone, a UUID, a timedelta) is kept as its text.
    return json.loads(json.dumps(jsonable(values), default=str))


def _stored(obj) -> dict | None:
    current = type(obj)._default_manager.filter(pk=obj.pk).first() if obj.pk is not None else None
    return values_of(current) if current is not None else None


def _cascade(obj) -> dict[str, int]:
    """What deleting obj deletes with it, counted by model (a plan takes its targets and reports)."""
    collector = NestedObjects(using=router.db_for_write(type(obj)))
    collector.collect([obj])
    # Many-to-many link rows (auto-created tables) go too; they are not content, so not counted.
    return {model._meta.label: len(objects) for model, objects in collector.model_objs.items()
            if model is not type(obj) and objects and not model._meta.auto_created}


class AuditedModelAdmin:
    """Mixed in before the ModelAdmin by AuditedAdminSite.register."""

    def save_model(self, request, obj, form, change):
        request._audit_before = _stored(obj) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        audit_record(action="admin.update" if change else "admin.create", by=request.user, obj=form.instance,
                     old=getattr(request, "_audit_before", None), new=values_of(form.instance))

    def save_formset(self, request, form, formset, change):
        before = {id(f.instance): _stored(f.instance) for f in formset.initial_forms if f.has_changed()}
        labels = {id(f.instance): (f.instance._meta.label, f.instance.pk, str(f.instance))
                  for f in formset.initial_forms}
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            audit_record(action="admin.create", by=request.user, obj=obj, new=values_of(obj))
        for obj, _fields in formset.changed_objects:
            audit_record(action="admin.update", by=request.user, obj=obj, old=before.get(id(obj)), new=values_of(obj))
        for obj in formset.deleted_objects:
            label, pk, text = labels[id(obj)]
            audit_record(action="admin.delete", by=request.user, object_type=label, object_id=pk,
                         object_repr=text, old=before.get(id(obj)))

    def delete_model(self, request, obj):
        self._audited_delete(request, [obj], lambda: super(AuditedModelAdmin, self).delete_model(request, obj))

    def delete_queryset(self, request, queryset):
        objects = list(queryset)
        self._audited_delete(request, objects,
                             lambda: super(AuditedModelAdmin, self).delete_queryset(request, queryset))

    def _audited_delete(self, request, objects, delete):
        gone = [(obj._meta.label, obj.pk, str(obj), values_of(obj) | {"_deleted_with_it": _cascade(obj)})
                for obj in objects]
        delete()
        for label, pk, text, old in gone:
            audit_record(action="admin.delete", by=request.user, object_type=label, object_id=pk,
                         object_repr=text, old=old)


class AuditedAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AuditedModelAdmin):
            admin_class = type(admin_class.__name__, (AuditedModelAdmin, admin_class),
                               {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__})
        super().register(model_or_iterable, admin_class, **options)
