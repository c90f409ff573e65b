"""Generated bulletins and dispatch reports (see the scheduled-reports work)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportJob(models.Model):
    """One Excel export run in the background: its parameters, progress and the file it made."""

    class Kind(models.TextChoices):
        LEDGER = "ledger", _("target ledger")
        PERIOD_REPORTS = "period_reports", _("progress reports of a period")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    plan = models.ForeignKey("targets.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="+")
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in all"), default=0)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                   on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(self.rows_done * 100 / self.rows_total) if self.rows_total else 0
