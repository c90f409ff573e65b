"""Generated bulletins and dispatch reports, and the per-region schedule that produces them."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.periods import Frequency
from targets.rules import period_words


class ReportKind(models.TextChoices):
    MONTHLY = "monthly", _("monthly bulletin")
    QUARTERLY = "quarterly", _("quarterly dispatch report")
    HALF_YEAR = "half_year", _("half-year review")
    YEAR_END = "year_end", _("year-end summary")


class ReportState(models.TextChoices):
    PENDING = "pending", _("pending")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class SignoffState(models.TextChoices):
    """A finished report waits for a leader's 签发; returned, the office regenerates it as the next version."""

    AWAITING = "awaiting", _("awaiting sign-off")
    SIGNED = "signed", _("signed off")
    RETURNED = "returned", _("returned to the office")
    # Made before the sign-off flow existed (migration 0010): nobody will sign it, so it is not offered.
    PREDATES = "predates", _("not put through sign-off")


def parse_months(text: str) -> tuple[int, ...]:
    """ "5, 8, 11" -> (5, 8, 11); raises ValueError naming the bad part."""
    months = []
    for part in str(text).replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= 12:
            raise ValueError(part)
        months.append(int(part))
    return tuple(sorted(set(months)))


def validate_months(text: str) -> None:
    try:
        parse_months(text)
    except ValueError as error:
        raise ValidationError(
            _("“%(part)s” is not a month: list month numbers 1–12 separated by commas, e.g. 3,6,9,12."),
            params={"part": str(error)},
        ) from None


class ReportSchedule(models.Model):
    """When a region's reports are produced and its units reminded; edited in the admin, no deploy needed."""

    region = models.OneToOneField(
        "regions.Region", verbose_name=_("region"), on_delete=models.CASCADE, related_name="report_schedule"
    )
    enabled = models.BooleanField(_("produce reports on schedule"), default=True)
    bulletin_day = models.PositiveSmallIntegerField(
        _("bulletin day"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Day of the month the bulletin is produced; empty means the day after the plans' due day."),
    )
    dispatch_months = models.CharField(
        _("dispatch months"),
        max_length=40,
        default="3,6,9,12",
        validators=[validate_months],
        help_text=_("Months whose end holds the quarterly dispatch, e.g. 5,8,11; calendar quarter ends by default."),
    )
    half_year_month = models.PositiveSmallIntegerField(
        _("half-year review month"), default=6, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    year_end_month = models.PositiveSmallIntegerField(
        _("year-end summary month"), default=12, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    remind_days_before = models.PositiveSmallIntegerField(
        _("remind days before the due date"), default=3, validators=[MaxValueValidator(27)]
    )
    escalate_days_after = models.PositiveSmallIntegerField(
        _("tell the supervision office this many days after the due date"),
        default=3,
        validators=[MinValueValidator(2), MaxValueValidator(20)],
        help_text=_("The overdue notice goes out the day after the due date; this is the further delay."),
    )

    class Meta:
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")

    def __str__(self):
        return str(self.region)

    @property
    def dispatch_month_list(self) -> tuple[int, ...]:
        return parse_months(self.dispatch_months)


def report_upload_to(instance, filename):
    # A random folder: in DEBUG /media/ is served as is, and the files must be reached through the
    # permission-checked, audited download view only.
    return f"reports/{instance.region.code}/{instance.period_end:%Y-%m}/{secrets.token_hex(12)}/{filename}"


class GeneratedReport(models.Model):
    """One generated report: a record, never overwritten; regenerating makes the next version."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="generated_reports"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ReportKind.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"), help_text=_("The month end whose frozen snapshot is reported."))
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=8, choices=ReportState.choices, default=ReportState.PENDING)
    failure_reason = models.TextField(_("reason for failure"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    schedule_name = models.CharField(
        _("schedule"), max_length=100, blank=True, help_text=_("The schedule that asked for it, when no person did.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        _("last sign of life"),
        null=True,
        blank=True,
        help_text=_(
            "Written by the worker at each stage of the generation; a running report silent for longer than "
            "its lease is taken back (reports.jobs)."
        ),
    )
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    content = models.JSONField(
        _("content"),
        default=dict,
        blank=True,
        help_text=_("The figures and text as generated; the page, the .docx and the .xlsx are all written from it."),
    )
    docx = models.FileField(_("Word document"), upload_to=report_upload_to, blank=True)
    xlsx = models.FileField(_("Excel workbook"), upload_to=report_upload_to, blank=True)
    pdf = models.FileField(
        _("PDF"),
        upload_to=report_upload_to,
        blank=True,
        help_text=_("The Word document rendered by LibreOffice, where the worker has it."),
    )
    signoff = models.CharField(_("sign-off"), max_length=8, choices=SignoffState.choices, default=SignoffState.AWAITING)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed off or returned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed off or returned at"), null=True, blank=True)
    signoff_comment = models.TextField(
        _("sign-off remarks"), blank=True, help_text=_("The leader's remarks (签发意见), or why it was returned.")
    )

    class Meta:
        verbose_name = _("generated report")
        verbose_name_plural = _("generated reports")
        ordering = ["-period_end", "region", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "kind", "period_end", "version"], name="generated_report_unique_version"
            ),
            # A schedule asks once per period, however often beat fires or a task is redelivered.
            models.UniqueConstraint(
                fields=["region", "kind", "period_end", "schedule_name"],
                condition=~Q(schedule_name=""),
                name="generated_report_once_per_schedule",
            ),
        ]
        indexes = [models.Index(fields=["region", "kind", "period_end"])]

    @property
    def asked_by(self) -> str:
        """Who the list names as having asked for it: the person, else the schedule, else the system
        (a report made by a command or the demo's loader, which neither a person nor a schedule asked for)."""
        if self.requested_by_id is not None:
            return self.requested_by.shown_name
        if self.schedule_name:
            return str(_("on schedule"))
        return str(_("the system"))

    def __str__(self):
        """洞头区2026年11月月通报（第1版）: how messages, the admin and the audit log name the report."""
        month = period_words(self.period_end, Frequency.MONTHLY)
        version = _("version %(v)s") % {"v": self.version}
        return _("%(region)s %(kind)s %(month)s %(version)s") % {
            "region": self.region,
            "kind": self.get_kind_display(),
            "month": month,
            "version": version,
        }

    @property
    def is_finished(self) -> bool:
        return self.status in (ReportState.DONE, ReportState.FAILED)


class ReminderStage(models.TextChoices):
    REMIND = "remind", _("reminder before the due date")
    OVERDUE = "overdue", _("overdue notice")
    ESCALATE = "escalate", _("reported to the supervision office")


class ReminderSent(models.Model):
    """One reminder stage sent to one unit for one month: the row that makes "never twice" hold."""

    unit = models.ForeignKey("regions.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"), help_text=_("First day of the month whose reports are chased."))
    stage = models.CharField(_("stage"), max_length=10, choices=ReminderStage.choices)
    missing = models.PositiveIntegerField(_("reports missing"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-month", "unit", "stage"]
        constraints = [models.UniqueConstraint(fields=["unit", "month", "stage"], name="reminder_once_per_stage")]

    def __str__(self):
        return f"{self.unit} {self.month:%Y-%m} {self.stage}"


class ExportJob(models.Model):
    """One Excel export run in the background: its parameters, progress and the file it made."""

    class Kind(models.TextChoices):
        LEDGER = "ledger", _("target ledger")
        PERIOD_REPORTS = "period_reports", _("progress reports of a period")

    Status = ReportState  # a background job runs through the same four states as a generated report

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    plan = models.ForeignKey("targets.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="+")
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in all"), default=0)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        _("last sign of life"),
        null=True,
        blank=True,
        help_text=_(
            "Written by the worker as it writes rows; a running job silent for longer than its lease is "
            "taken back (reports.jobs)."
        ),
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
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


def validate_number_pattern(pattern: str) -> None:
    missing = [name for name in ("{year}", "{n}") if name not in pattern]
    if missing or "〔" not in pattern or "〕" not in pattern:
        raise ValidationError(
            _(
                "Write the document number with the year in 〔〕 and {year} and {n} where the year and the serial "
                "number go, e.g. 旬巩衔办发〔{year}〕{n}号."
            )
        )
    try:
        pattern.format(year=2026, n=1, region="", word="")
    except (KeyError, IndexError, ValueError):
        raise ValidationError(_("Only {year}, {n}, {region} and {word} may stand in braces in the document number."))


class DocumentFrame(models.Model):
    """The official frame (GB/T 9704) an office's reports are issued in: set by the office, not the code.

    Each office has its own mark, number pattern, 主送 and 抄送; a region without a row gets
    `DocumentFrame.default_for(region)`.
    """

    region = models.OneToOneField(
        "regions.Region", verbose_name=_("region"), on_delete=models.CASCADE, related_name="document_frame"
    )
    organ_mark = models.CharField(
        _("issuing organ's mark"),
        max_length=60,
        help_text=_("Printed in red, centred, at the top of the first page, e.g. 旬邑县巩固衔接工作领导小组办公室."),
    )
    number_pattern = models.CharField(
        _("document number pattern"),
        max_length=60,
        validators=[validate_number_pattern],
        help_text=_(
            "{year} and {n} stand for the year and the serial number; {word} for the kind's word "
            "(通报, 调度 …), e.g. 旬巩衔办发〔{year}〕{n}号."
        ),
    )
    main_recipients = models.CharField(
        _("main recipients (主送)"), max_length=200, help_text=_("e.g. 各镇人民政府，县直有关部门：")
    )
    signature = models.CharField(_("signature (发文机关署名)"), max_length=60)
    copy_to = models.CharField(
        _("copied to (抄送)"), max_length=300, blank=True, help_text=_("e.g. 县委办，县政府办，县纪委监委。")
    )
    printed_by = models.CharField(_("printed and issued by (印发机关)"), max_length=60)
    requirements = models.TextField(
        _("next-step requirements (下一步工作要求)"),
        blank=True,
        help_text=_("One requirement a line; printed under 下一步工作要求 at the end of every report."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("document frame")
        verbose_name_plural = _("document frames")

    def __str__(self):
        return self.organ_mark

    @classmethod
    def default_for(cls, region) -> "DocumentFrame":
        """What a region's reports carry until its office sets its own (unsaved)."""
        office = _("%(region)s supervision office") % {"region": region.name}
        return cls(
            region=region,
            organ_mark=str(office),
            number_pattern="{region}{word}〔{year}〕{n}号",
            main_recipients=str(_("All townships and departments:")),
            signature=str(office),
            printed_by=str(office),
            copy_to="",
            requirements="",
            version=0,
        )

    def number(self, *, year: int, serial: int, word: str) -> str:
        return self.number_pattern.format(year=year, n=serial, region=self.region.name, word=word)


class UploadPreview(models.Model):
    """What an upload produced before it is committed: a parsed plan awaiting its preview, or a workbook
    marked with its problems. Kept server-side for its uploader until it expires (reports.previews),
    never in the session, and deleted nightly once expired."""

    class Kind(models.TextChoices):
        PLAN_IMPORT = "plan_import", _("plan import preview")
        PROGRESS_MARKED = "progress_marked", _("progress workbook with its problems marked")

    token = models.CharField(_("token"), max_length=40, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    data = models.JSONField(_("data"), null=True, blank=True)
    content = models.BinaryField(_("file content"), blank=True, default=b"")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), db_index=True)

    class Meta:
        verbose_name = _("upload preview")
        verbose_name_plural = _("upload previews")

    def __str__(self):
        return f"{self.get_kind_display()} {self.token}"


class DocumentNumber(models.Model):
    """The office's register of issued document numbers (发文字号): one row per numbered document.

    A sequence is the number's words without the serial ("旬巩衔办发〔2026〕{n}号"): a pattern with
    {word} gives each kind of document its own sequence (通报, 调度, 督办 …), one without it gives the
    office one register for every kind. Either way the constraints keep every serial of a sequence,
    and every number of a region, to one document; the versions of one report keep its number.
    """

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.CASCADE, related_name="document_numbers"
    )
    sequence = models.CharField(_("number sequence"), max_length=80)
    serial = models.PositiveIntegerField(_("serial number"))
    number = models.CharField(_("document number"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20)
    period_end = models.DateField(_("period end"), null=True, blank=True)
    item = models.OneToOneField(
        "supervision.SupervisionItem",
        verbose_name=_("supervision item"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="document_number",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("document number")
        verbose_name_plural = _("document numbers")
        ordering = ["region", "sequence", "serial"]
        constraints = [
            models.UniqueConstraint(fields=["region", "sequence", "serial"], name="document_number_serial_once"),
            models.UniqueConstraint(fields=["region", "number"], name="document_number_text_once"),
            models.UniqueConstraint(
                fields=["region", "kind", "period_end"],
                condition=Q(period_end__isnull=False),
                name="document_number_once_per_report",
            ),
        ]

    def __str__(self):
        return self.number
