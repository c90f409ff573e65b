"""The review cycle of every reviewed record, written once: progress reports and village income records.

Both models inherit `models.ReviewCycle` (status, version, who submitted and reviewed, when, the
comment). The cycle is a small state machine whose allowed steps are data (`TRANSITIONS`):

    draft ─submit→ submitted ─approve→ approved ─reopen→ returned ─submit→ submitted …
                             └return─→ returned

`review_step` moves one locked record one step: it refuses a step the status does not allow, a review
of one's own submission and a return or reopening without a reason, then stamps who and when, bumps
the version and saves. The services of each model (`targets.services.progress_report_*`,
`villages.services.income_record_*`) lock the row, check who may act, call it, and write the audit
event, the version history, the lights and the notifications in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import ReportStatus

SUBMIT, APPROVE, RETURN, REOPEN = "submit", "approve", "return", "reopen"


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str
    reviews: bool = False  # a review step: stamps the reviewer, never one's own submission
    reason_field: str = ""  # the form field that must carry a reason, when one is required


TRANSITIONS = {
    SUBMIT: Transition((ReportStatus.DRAFT, ReportStatus.RETURNED), ReportStatus.SUBMITTED),
    APPROVE: Transition((ReportStatus.SUBMITTED,), ReportStatus.APPROVED, reviews=True),
    RETURN: Transition((ReportStatus.SUBMITTED,), ReportStatus.RETURNED, reviews=True, reason_field="comment"),
    REOPEN: Transition((ReportStatus.APPROVED,), ReportStatus.RETURNED, reason_field="reason"),
}
# The statuses in which the one who reports may still change the record.
EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)


def can(status: str, action: str) -> bool:
    """Whether a record in `status` may take the step `action` (pure: pages ask it to show their buttons)."""
    return status in TRANSITIONS[action].sources


def is_editable(status: str) -> bool:
    return status in EDITABLE


@dataclass(frozen=True)
class Wording:
    """What a person reads when a step is refused, in the words of the record's kind."""

    refused: dict[str, str]  # action -> message, may name the record's %(status)s
    own_submission: str
    reason_needed: dict[str, str]  # action -> message


REPORT_WORDING = Wording(
    refused={
        SUBMIT: _("Only a draft or returned report can be submitted (this one is %(status)s)."),
        APPROVE: _("Only a submitted report can be reviewed."),
        RETURN: _("Only a submitted report can be reviewed."),
        REOPEN: _("Only an approved report can be reopened."),
    },
    own_submission=_("You cannot review a report you submitted yourself."),
    reason_needed={
        RETURN: _("Give a reason when returning a report."),
        REOPEN: _("Give a reason for reopening an approved report."),
    },
)


def review_step(current, action: str, *, by, wording: Wording, reason: str = "", now=None) -> dict:
    """Move a locked ReviewCycle record one step; returns its status and version before the step."""
    step = TRANSITIONS[action]
    if not can(current.status, action):
        raise ValidationError(wording.refused[action] % {"status": current.get_status_display()})
    if step.reviews and current.submitted_by_id == by.pk:
        raise PermissionDenied(wording.own_submission)
    reason = reason.strip()
    if step.reason_field and not reason:
        raise ValidationError({step.reason_field: wording.reason_needed[action]})
    before = {"status": str(current.status), "version": current.version}
    now = now or timezone.now()
    current.status = step.target
    if action == SUBMIT:
        current.submitted_by, current.submitted_at = by, now
    else:
        current.reviewed_by, current.reviewed_at, current.review_comment = by, now, reason
    current.version += 1
    current.save()
    return before
