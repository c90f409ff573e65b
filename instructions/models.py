"""A leader's written instruction (批示) on a report, indicator, bulletin or supervision item, and the units
it reaches, each tracked from issue to its answer; the office or the issuing leader closes it.

The object is one of four nullable foreign keys, exactly one set (a check constraint), rather than a
generic relation: each is a real foreign key the database keeps, and the pages join them directly.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class InstructionStatus(models.TextChoices):
    ISSUED = "issued", pgettext_lazy("instruction", "issued")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("instruction", "acknowledged")
    ANSWERED = "answered", pgettext_lazy("instruction", "answered")
    CLOSED = "closed", pgettext_lazy("instruction", "closed")


class ReachStatus(models.TextChoices):
    ISSUED = "issued", _("to acknowledge")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("instruction", "acknowledged")
    ANSWERED = "answered", pgettext_lazy("instruction", "answered")


TARGET_FIELDS = ("report", "indicator", "bulletin", "item")


def _exactly_one_target() -> Q:
    options = Q()
    for name in TARGET_FIELDS:
        set_one = Q(**{f"{name}__isnull": False})
        for other in TARGET_FIELDS:
            if other != name:
                set_one &= Q(**{f"{other}__isnull": True})
        options |= set_one
    return options


class Instruction(models.Model):
    """One 批示: who wrote it, on what, what it says, by when, and how far it has got."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("leader"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The region of the object it is written on."),
    )
    report = models.ForeignKey(
        "targets.ProgressReport",
        verbose_name=_("progress report"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="instructions",
    )
    indicator = models.ForeignKey(
        "targets.Indicator",
        verbose_name=_("indicator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="instructions",
    )
    bulletin = models.ForeignKey(
        "reports.GeneratedReport",
        verbose_name=_("bulletin"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="instructions",
    )
    item = models.ForeignKey(
        "supervision.SupervisionItem",
        verbose_name=_("supervision item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="instructions",
    )
    text = models.TextField(_("instruction"))
    due_date = models.DateField(_("answer due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=InstructionStatus.choices, default=InstructionStatus.ISSUED
    )
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(pgettext_lazy("instruction", "closed at"), null=True, blank=True)
    close_comment = models.TextField(_("closing comment"), blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Raised by every step, so a step taken on a stale page is refused.")
    )

    class Meta:
        verbose_name = _("leader's instruction")
        verbose_name_plural = _("leaders' instructions")
        ordering = ["-issued_at", "-id"]
        constraints = [models.CheckConstraint(condition=_exactly_one_target(), name="instruction_exactly_one_target")]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self):
        return f"{self.get_target_kind_display()} · {self.target}"

    @property
    def target_kind(self) -> str:
        return next(name for name in TARGET_FIELDS if getattr(self, f"{name}_id") is not None)

    @property
    def target(self):
        return getattr(self, self.target_kind)

    def get_target_kind_display(self) -> str:
        return str(TARGET_KINDS[self.target_kind])


TARGET_KINDS = {
    "report": _("progress report"),
    "indicator": _("indicator"),
    "bulletin": _("bulletin"),
    "item": _("supervision item"),
}


class InstructionReach(models.Model):
    """A unit the instruction reaches: it acknowledges, then answers with what it has done."""

    instruction = models.ForeignKey(
        Instruction, verbose_name=_("instruction"), on_delete=models.CASCADE, related_name="reaches"
    )
    unit = models.ForeignKey("regions.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=ReachStatus.choices, default=ReachStatus.ISSUED)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(pgettext_lazy("instruction", "acknowledged at"), null=True, blank=True)
    response = models.TextField(_("answer"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responded_at = models.DateTimeField(pgettext_lazy("instruction", "answered at"), null=True, blank=True)
    overdue_noticed_at = models.DateTimeField(
        _("overdue notice sent"),
        null=True,
        blank=True,
        help_text=_("When the unit was told that its answer is overdue (once per instruction)."),
    )
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        help_text=_(
            "Raised by each step of this unit, so a step taken on a stale page is refused; other units' steps "
            "leave it as it is."
        ),
    )

    class Meta:
        verbose_name = _("unit reached")
        verbose_name_plural = _("units reached")
        ordering = ["unit__kind", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["instruction", "unit"], name="instruction_reach_unique")]

    def __str__(self):
        return f"{self.instruction_id} → {self.unit}"
