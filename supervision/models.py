"""Month-end status snapshots and supervision items (督办 → 销号)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from targets import rules
from targets.choices import Light
from targets.models import VALUE_FIELD

from .rules import behind


class StatusSnapshot(models.Model):
    """An indicator's light frozen at a month end, so trends, league tables and bulletins can be reproduced."""

    indicator = models.ForeignKey(
        "targets.Indicator", verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="snapshots"
    )
    as_of = models.DateField(_("as of"), help_text=_("The month end the light was frozen at."))
    unit = models.ForeignKey(
        "regions.Unit",
        verbose_name=_("township share of"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty for the indicator's own light; a township unit for the light of its allocated share."),
    )
    evaluated_on = models.DateField(
        _("evaluated on"),
        null=True,
        blank=True,
        help_text=_(
            "The day the light was evaluated: the month end itself, or an earlier day for the month under way."
        ),
    )
    status = models.CharField(_("light"), max_length=12, choices=Light.choices)
    actual = models.DecimalField(_("value"), **VALUE_FIELD, null=True, blank=True)
    completion = models.DecimalField(_("completion"), max_digits=12, decimal_places=4, null=True, blank=True)
    expected = models.DecimalField(_("expected"), max_digits=12, decimal_places=4, null=True, blank=True)
    gap = models.DecimalField(_("points behind"), max_digits=12, decimal_places=2, null=True, blank=True)
    # [[code, params], …] as CurrentLight stores them (targets.rules.Reason), written in the reader's
    # language when shown; rows frozen before reasons had codes keep their words.
    reasons = models.JSONField(_("reasons"), default=list)
    taken_at = models.DateTimeField(_("taken"), auto_now=True)

    class Meta:
        verbose_name = _("status snapshot")
        verbose_name_plural = _("status snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "as_of"], condition=models.Q(unit__isnull=True), name="snapshot_unique_month"
            ),
            models.UniqueConstraint(
                fields=["indicator", "unit", "as_of"],
                condition=models.Q(unit__isnull=False),
                name="snapshot_unique_share_month",
            ),
        ]
        indexes = [models.Index(fields=["as_of", "status"])]

    @property
    def is_provisional(self) -> bool:
        """True for the month under way: the light was evaluated before the month ended."""
        return self.evaluated_on is not None and self.evaluated_on < self.as_of

    @property
    def behind(self):
        """The points behind pace as the history shows them: never a negative figure (supervision.rules.behind)."""
        return behind(self.expected, self.completion, self.reasons)

    @property
    def reason_words(self) -> list[str]:
        """The reasons in the reader's language."""
        return [rules.reason_text(r) for r in self.reasons]

    def __str__(self):
        return f"{self.indicator} @ {self.as_of}: {self.status}"


class MonthCount(models.Model):
    """How many of a plan's indicators stood at each light at a frozen month end: the 12-month trend
    reads these instead of every snapshot row. Written by `supervision.services.snapshot_freeze`."""

    as_of = models.DateField(_("as of"))
    plan = models.ForeignKey("targets.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("light"), max_length=12, choices=Light.choices)
    count = models.PositiveIntegerField(_("count"))

    class Meta:
        verbose_name = _("month-end light count")
        verbose_name_plural = _("month-end light counts")
        constraints = [models.UniqueConstraint(fields=["as_of", "plan", "status"], name="month_count_unique")]

    def __str__(self):
        return f"{self.plan_id} @ {self.as_of}: {self.status} {self.count}"


class SupervisionStatus(models.TextChoices):
    OPEN = "open", _("awaiting reply")
    ANSWERED = "answered", _("answered")
    RETURNED = "returned", _("sent back")
    CLOSED = "closed", _("closed out")


class SupervisionItem(models.Model):
    """A supervision notice (督办) on a red or amber indicator, answered by the unit, closed out (销号) by the office."""

    indicator = models.ForeignKey(
        "targets.Indicator", verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="supervision_items"
    )
    unit = models.ForeignKey(
        "regions.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="supervision_items"
    )
    notice = models.TextField(_("notice"))
    status = models.CharField(
        _("status"), max_length=10, choices=SupervisionStatus.choices, default=SupervisionStatus.OPEN
    )
    light_when_issued = models.CharField(_("light when issued"), max_length=12, choices=Light.choices, blank=True)
    reply_due = models.DateField(_("reply due"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    measures = models.TextField(_("measures"), blank=True)
    promised_date = models.DateField(_("promised completion date"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replied by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    office_comment = models.TextField(_("office comment"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("supervision item")
        verbose_name_plural = _("supervision items")
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["status", "reply_due"])]

    def __str__(self):
        return f"{self.indicator} → {self.unit}"
