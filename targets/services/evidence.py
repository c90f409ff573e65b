"""A report's comments and evidence files: added, opened and removed by the people of its unit or the
office, audited."""

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.selectors import office_of
from accounts.services import audit_record, notify, snapshot
from core.uploads import UnsafeFile

from .. import filetypes, review
from ..models import (
    Evidence,
    ReportComment,
)
from .common import period_words_of, report_link, require_reporter, unit_reporters
from .reports import _lock, _plan_of


@transaction.atomic
def report_comment_add(*, report, by, text: str) -> ReportComment:
    """A message on a report; the other side (office or unit) is notified."""
    if permissions.is_read_only(by):
        # A leader directs through a written instruction (批示), never a comment in the unit's thread.
        raise PermissionDenied(_("Your role reads only; it cannot change anything."))
    if not permissions.can_comment_on_report(by, report):
        raise PermissionDenied(_("This report is not yours to comment on."))
    if not text.strip():
        raise ValidationError({"text": _("Write a comment first.")})
    comment = ReportComment.objects.create(report=report, author=by, text=text.strip())
    audit_record(action="report.comment", by=by, obj=report, new={"comment": comment.pk, "text": comment.text})
    message = _("%(author)s commented on %(indicator)s for %(period)s: %(text)s") % {
        "author": by.shown_name,
        "indicator": report.indicator.name,
        "period": period_words_of(report),
        "text": comment.text,
    }
    recipients = office_of(_plan_of(report).region) if by.is_reporter else unit_reporters(report.unit)
    notify(
        users=[u for u in recipients if u.pk != by.pk], kind="report.comment", message=message, link=report_link(report)
    )
    return comment


@transaction.atomic
def evidence_add(*, report, by, upload) -> Evidence:
    """Attach a file to a draft or returned report: type and size checked on its content, checksum stored."""
    current = _lock(report)
    require_reporter(by, current.unit)
    if not review.is_editable(current.status):
        raise ValidationError({"evidence": _("Evidence can only be added to a draft or returned report.")})
    if current.evidence.count() >= filetypes.MAX_EVIDENCE_FILES:
        raise ValidationError(
            {"evidence": _("A report holds at most %(n)s files.") % {"n": filetypes.MAX_EVIDENCE_FILES}}
        )
    try:
        checked = filetypes.check_evidence(upload)
    except UnsafeFile as exc:
        raise ValidationError({"evidence": str(exc)}) from exc
    evidence = Evidence(
        report=current,
        original_name=checked.name[:255],
        content_type=checked.content_type,
        size=checked.size,
        sha256=hashlib.sha256(checked.data).hexdigest(),
        uploaded_by=by,
    )
    # The vetted bytes are what is stored, so nothing read after the checks can differ from them.
    evidence.file.save(checked.name, ContentFile(checked.data), save=False)
    evidence.save()
    audit_record(
        action="evidence.add",
        by=by,
        obj=current,
        new=snapshot(evidence, ["original_name", "content_type", "size", "sha256"]) | {"evidence": evidence.pk},
    )
    return evidence


def evidence_open(*, evidence, by):
    """The evidence file, opened for download by someone allowed to see its report; the download
    is audited. FileNotFoundError when the file is gone from disk; PermissionDenied for anyone else."""
    if not permissions.can_see_report(by, evidence.report):
        raise PermissionDenied(_("This evidence belongs to a report you cannot see."))
    handle = evidence.file.open("rb")
    audit_record(
        action="evidence.download",
        by=by,
        obj=evidence.report,
        new={"evidence": evidence.pk, "original_name": evidence.original_name, "sha256": evidence.sha256},
    )
    return handle


@transaction.atomic
def evidence_remove(*, evidence, by) -> None:
    current = _lock(evidence.report)
    require_reporter(by, current.unit)
    if not review.is_editable(current.status):
        raise ValidationError({"evidence": _("Evidence can only be removed from a draft or returned report.")})
    old = snapshot(evidence, ["original_name", "content_type", "size", "sha256"]) | {"evidence": evidence.pk}
    # The row goes, the file stays on disk: the audit event names its checksum.
    evidence.delete()
    audit_record(action="evidence.remove", by=by, obj=current, old=old)
