"""The audit log as an auditor reads it: each action code named in words, each object by its name with a link
to its page, each change as a field's old and new value.

The codes stay in the database and the Excel export; only the page translates them. A code not listed here
is shown as it is, so a new action is never hidden.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from core.periods import day_words

ACTIONS = {
    "auth.login": _("Logged in"),
    "auth.logout": _("Logged out"),
    "auth.login_failed": _("Failed log-in"),
    "auth.locked": _("Account locked"),
    "auth.address_locked": _("Address locked"),
    "auth.unlocked": _("Account unlocked"),
    "auth.session_expired": _("Session expired"),
    "auth.password_changed": _("Password changed"),
    "auth.otp_enabled": _("Second factor turned on"),
    "auth.otp_verified": _("Second factor passed"),
    "auth.otp_failed": _("Second factor failed"),
    "auth.token": _("API token issued"),
    "auth.token_revoked": _("API token revoked"),
    "user.create": _("User created"),
    "user.access_change": _("User's access changed"),
    "user.password_reset": _("Password reset"),
    "unit.create": _("Unit created"),
    "admin.create": _("Created in the admin"),
    "admin.update": _("Changed in the admin"),
    "admin.delete": _("Deleted in the admin"),
    "admin.action": _("Admin bulk action"),
    "audit.exported": _("Audit log exported"),
    "plan.import": _("Plan imported"),
    "indicator.create": _("Indicator created"),
    "indicator.update": _("Indicator changed"),
    "report.create": _("Progress report drafted"),
    "report.update": _("Progress report changed"),
    "report.submit": _("Progress report submitted"),
    "report.approve": _("Progress report approved"),
    "report.return": _("Progress report returned"),
    "report.reopen": _("Progress report reopened"),
    "report.comment": _("Comment on a report"),
    "report.request": _("Bulletin requested"),
    "report.generate": _("Bulletin generated"),
    "report.fail": _("Bulletin failed"),
    "report.retry": _("Bulletin queued again after its worker stopped"),
    "report.download": _("Bulletin downloaded"),
    "report.pdf": _("Bulletin PDF made"),
    "report.sign": _("Bulletin signed off by a leader"),
    "report.send_back": _("Bulletin returned by a leader"),
    "evidence.add": _("Evidence file added"),
    "evidence.remove": _("Evidence file removed"),
    "evidence.download": _("Evidence file downloaded"),
    "late_entry.grant": _("Late entry granted"),
    "late_entry.request": _("Late entry asked for"),
    "late_entry.decide": _("Late-entry request decided"),
    "supervision.issue": _("Supervision notice issued"),
    "supervision.reply": _("Supervision item answered"),
    "supervision.send_back": _("Supervision reply sent back"),
    "supervision.close": _("Supervision item closed out"),
    "supervision_notice.download": _("Supervision notice downloaded"),
    "snapshot.freeze": _("Month's lights frozen"),
    "instruction.issue": _("Leader's instruction issued"),
    "instruction.acknowledge": _("Instruction acknowledged"),
    "instruction.respond": _("Instruction answered"),
    "instruction.close": _("Instruction closed"),
    "instruction.export": _("Leaders' instructions exported"),
    "instruction.overdue": _("Instruction overdue notice sent"),
    "income.create": _("Village income entered"),
    "income.update": _("Village income changed"),
    "income.submit": _("Village income submitted"),
    "income.approve": _("Village income approved"),
    "income.return": _("Village income returned"),
    "income.reopen": _("Village income reopened"),
    "income.import": _("Village income imported"),
    "village.profile": _("Village profile changed"),
    "villages.export": _("Villages exported"),
    "supervision.export": _("Supervision list exported"),
    "regions.import": _("Regions imported"),
    "economy_settings.update": _("Collective-economy settings changed"),
    "document_frame.save": _("Document layout saved"),
    "progress.template": _("Offline workbook downloaded"),
    "progress.upload": _("Offline workbook uploaded"),
    "export.request": _("Export requested"),
    "export.download": _("Export downloaded"),
    "export.retry": _("Export queued again after its worker stopped"),
    "export.fail": _("Export failed"),
    "reminder.remind": _("Reminder sent"),
    "reminder.overdue": _("Overdue notice sent"),
    "reminder.escalate": _("Escalated to the office"),
    "channel.sent": _("Sent to a group robot / SMS"),
    "channel.failed": _("Group robot / SMS send failed"),
    "channel.resend": _("Failed group robot / SMS delivery sent again"),
    "ops.backup": _("Backup made"),
    "ops.restore": _("Backup restored"),
    "ops.restore_drill": _("Restore drill"),
    "demo.load": _("Demo loaded"),
    "demo.villages": _("Demo villages loaded"),
}

# Names the audit records use beside a model's own fields (a plan import's counts, a demo load's, an admin
# delete's cascade); a name not listed here or on the model is shown as stored.
KEYS = {
    "_deleted_with_it": pgettext_lazy("audit record key", "deleted with it"),
    "action": pgettext_lazy("audit record key", "action"),
    "objects": pgettext_lazy("audit record key", "objects"),
    "milestones": pgettext_lazy("audit record key", "milestones"),
    "indicators": pgettext_lazy("audit record key", "indicators"),
    "sections": pgettext_lazy("audit record key", "sections"),
    "tasks": pgettext_lazy("audit record key", "tasks"),
    "plans": pgettext_lazy("audit record key", "plans"),
    "reports": pgettext_lazy("audit record key", "reports"),
    "file": pgettext_lazy("audit record key", "file"),
    "start": pgettext_lazy("audit record key", "start date"),
    "end": pgettext_lazy("audit record key", "end date"),
    "created": pgettext_lazy("audit record key", "created"),
    "units": pgettext_lazy("audit record key", "units"),
    "filters": pgettext_lazy("audit record key", "filters"),
    "rows": pgettext_lazy("audit record key", "rows"),
    "format": pgettext_lazy("audit record key", "file format"),
}

_MODEL_LABEL = re.compile(r"^[a-z_]+\.[A-Z][A-Za-z]+$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# The page each kind of object opens on, by its URL name (the object's id is the one argument).
LINKS = {
    "targets.Plan": "plan-detail",
    "targets.ProgressReport": "report-detail",
    "targets.Indicator": "supervision:indicator",
    "supervision.SupervisionItem": "supervision:item-detail",
    "instructions.Instruction": "instructions:detail",
}


def action_label(code: str) -> str:
    return str(ACTIONS.get(code, code))


@dataclass(frozen=True)
class Change:
    field: str
    old: object
    new: object


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_label(object_type: str) -> str:
    """ "progress report" for targets.ProgressReport; the code when the model is gone."""
    model = _model(object_type)
    return str(model._meta.verbose_name) if model else object_type


def object_link(object_type: str, object_id: str) -> str:
    name = LINKS.get(object_type)
    if not name or not str(object_id).isdigit():
        return ""
    try:
        return reverse(name, args=[int(object_id)])
    except NoReverseMatch:
        return ""


def _field(model, name: str):
    try:
        return model._meta.get_field(name) if model else None
    except Exception:  # noqa: BLE001 — a name the model does not know has no field
        return None


def _key_label(model, name: str) -> str:
    """A stored name in words: the model's field, another model (a cascade's count), or a known record key."""
    field = _field(model, name)
    if field is not None and hasattr(field, "verbose_name"):
        return str(field.verbose_name)
    if _MODEL_LABEL.match(name) and (other := _model(name)):
        return str(other._meta.verbose_name)
    return str(KEYS.get(name, name))


def _related(field, value) -> str | None:
    """A foreign key kept by id, named as the object is now (the id when it is gone)."""
    try:
        found = field.related_model._default_manager.filter(pk=value).first()
    except (TypeError, ValueError):
        return None
    return str(found) if found is not None else None


def _shown(value, field=None, model=None) -> str:
    """A stored value as a person reads it: a choice by its label (已通过, not approved), a day in words, a
    foreign key by the object's name, a dict as 名称：值；… with its names in words."""
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, (list, tuple)):
        return "、".join(_shown(v, field) for v in value)
    if isinstance(value, dict):
        colon = pgettext("between a label and its value", ": ")
        return pgettext("between two clauses", "; ").join(
            f"{_key_label(model, str(k))}{colon}{_shown(v, _field(model, str(k)))}" for k, v in value.items()
        )
    if field is not None:
        choices = dict((str(k), label) for k, label in (field.flatchoices or []))
        if str(value) in choices:
            return str(choices[str(value)])
        if isinstance(field, (models.ForeignKey, models.ManyToManyField)) and (name := _related(field, value)):
            return name
    if isinstance(value, str) and _ISO_DAY.match(value):
        try:
            return day_words(date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def changes(object_type: str, old, new) -> list[Change]:
    """Field by field, what the event changed (or set, or read): old → new, in the fields' own names."""
    old = old if isinstance(old, dict) else ({} if old in (None, "") else {"": old})
    new = new if isinstance(new, dict) else ({} if new in (None, "") else {"": new})
    model = _model(object_type)
    rows = []
    for name in list(dict.fromkeys([*old, *new])):
        before, after = old.get(name), new.get(name)
        if before == after and old and new:
            continue
        rows.append(
            Change(
                field=_key_label(model, name) if name else "",
                old=_shown(before, _field(model, name), model) if old else None,
                new=_shown(after, _field(model, name), model) if new else None,
            )
        )
    return rows
