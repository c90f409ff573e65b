"""Plans, their sections and targets, the indicators that measure them, and progress reports."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import periods

from .choices import PROGRESS_KINDS, Frequency, Kind, Light, ReportStatus

VALUE_FIELD = dict(max_digits=20, decimal_places=4)


class Plan(models.Model):
    title = models.CharField(_("title"), max_length=300)
    doc_number = models.CharField(
        _("document number"), max_length=100, blank=True, help_text=_("e.g. 洞政办发〔2023〕14号")
    )
    issuer = models.CharField(_("issuing body"), max_length=200, blank=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="plans"
    )
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    first_period = models.DateField(
        _("first reporting period"),
        null=True,
        blank=True,
        help_text=_("The first month units owe a report for (its first day); no earlier period counts as missing."),
    )
    amber_gap = models.DecimalField(
        _("amber threshold (points behind)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        validators=[MinValueValidator(0)],
    )
    red_gap = models.DecimalField(
        _("red threshold (points behind)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("20"),
        validators=[MinValueValidator(0)],
    )
    due_day = models.PositiveSmallIntegerField(
        _("report due day"),
        default=25,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("Reports are due on this day of each period's last month."),
    )
    lock_after_days = models.PositiveSmallIntegerField(
        _("lock after (days past due)"),
        default=20,
        help_text=_(
            "This many days after a period's due date the period locks; only a late-entry grant (补报) reopens it."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="plan_end_after_start",
                violation_error_message=_("The plan's end date must not be before its start date."),
            ),
            models.CheckConstraint(
                condition=Q(red_gap__gte=F("amber_gap")),
                name="plan_red_gap_not_below_amber",
                violation_error_message=_("The red threshold must not be below the amber one."),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.first_period and self.first_period.day != 1:
            raise ValidationError({"first_period": _("The first reporting period is a month: give its first day.")})


class Section(models.Model):
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent section"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    title = models.CharField(_("title"), max_length=300)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["plan", "order", "id"]

    def __str__(self):
        return self.title


class Target(models.Model):
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="targets")
    section = models.ForeignKey(
        Section, verbose_name=_("section"), null=True, blank=True, on_delete=models.SET_NULL, related_name="targets"
    )
    seq = models.PositiveIntegerField(_("sequence number"))
    name = models.CharField(_("task name"), max_length=300)
    content = models.TextField(_("main content"), blank=True)
    lead_units = models.ManyToManyField(
        "regions.Unit", verbose_name=_("lead units"), blank=True, related_name="led_targets"
    )
    co_units = models.ManyToManyField(
        "regions.Unit", verbose_name=_("co-units"), blank=True, related_name="shared_targets"
    )
    all_townships = models.BooleanField(
        _("every township"),
        default=False,
        help_text=_("各街道乡镇: every township of the plan's region is responsible."),
    )

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["plan", "seq", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "seq"], name="target_unique_seq_in_plan")]

    def __str__(self):
        return f"{self.seq}. {self.name}"


class Indicator(models.Model):
    target = models.ForeignKey(Target, verbose_name=_("target"), on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    unit = models.CharField(
        _("unit of measure"), max_length=20, blank=True, help_text=_("个, 座, 户, 人, 亩, 公里, 万元, % …")
    )
    baseline = models.DecimalField(_("baseline"), **VALUE_FIELD, default=Decimal("0"))
    target_value = models.DecimalField(_("target value"), **VALUE_FIELD)
    start_date = models.DateField(_("start"))
    deadline = models.DateField(_("deadline"))
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY)
    source_phrase = models.TextField(
        _("source phrase"), blank=True, help_text=_("The words of the plan this came from.")
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["target", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=[k.value for k in PROGRESS_KINDS]) | ~Q(target_value=F("baseline")),
                name="indicator_target_differs_from_baseline",
                violation_error_message=_("The target value must differ from the baseline for this kind."),
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("start_date")),
                name="indicator_deadline_after_start",
                violation_error_message=_("The deadline must not be before the indicator's start."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.kind == Kind.DECREASE and self.baseline is not None and self.target_value is not None:
            if self.target_value >= self.baseline:
                raise ValidationError({"target_value": _("A decrease target must be below its baseline.")})
        if self.kind == Kind.MILESTONE and self.target_value is not None and not 0 < self.target_value <= 100:
            raise ValidationError({"target_value": _("A milestone is measured in percent complete (0–100).")})


class Milestone(models.Model):
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="milestones"
    )
    date = models.DateField(_("date"))
    value = models.DecimalField(_("value"), **VALUE_FIELD)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["indicator", "date"]
        constraints = [models.UniqueConstraint(fields=["indicator", "date"], name="milestone_unique_date")]

    def __str__(self):
        return f"{self.date}: {self.value}"


class Allocation(models.Model):
    """A township's share of an indicator (分解下达); the county figure is the sum of the shares reported."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="allocations"
    )
    unit = models.ForeignKey(
        "regions.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="allocations"
    )
    target_value = models.DecimalField(_("allocated target"), **VALUE_FIELD)

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [models.UniqueConstraint(fields=["indicator", "unit"], name="allocation_unique_unit")]

    def __str__(self):
        return f"{self.indicator} → {self.unit}: {self.target_value}"


class ReviewCycle(models.Model):
    """Who did what and when in the draft → submitted → approved / returned cycle, and the version
    that guards against lost updates. Progress reports and village income records both go through it."""

    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)

    class Meta:
        abstract = True


class ProgressReport(ReviewCycle):
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="reports"
    )
    unit = models.ForeignKey("regions.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="reports")
    period_start = models.DateField(_("period start"), help_text=_("First day of the month or quarter reported."))
    value = models.DecimalField(
        _("cumulative value"), **VALUE_FIELD, help_text=_("Cumulative value to date; percent complete for milestones.")
    )
    narrative = models.TextField(_("work done"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    is_late = models.BooleanField(_("late"), default=False)
    explanation = models.TextField(
        _("explanation"),
        blank=True,
        help_text=_("Why the cumulative value is lower than the last approved one."),
    )
    outlier_confirmed = models.BooleanField(
        _("unusual value confirmed"),
        default=False,
        help_text=_("The reporter confirmed a value beyond twice the target or far outside the past range."),
    )

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["indicator", "-period_start", "unit"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "period_start"], name="report_unique_indicator_unit_period"
            )
        ]
        indexes = [
            models.Index(fields=["status", "period_start"]),
            # Each indicator's and unit's latest counted report, read without touching the table
            # (INCLUDE is PostgreSQL's; elsewhere a plain partial index).
            models.Index(
                fields=["indicator", "unit", "-period_start", "-submitted_at"],
                include=["value", "id"],
                condition=Q(status__in=["submitted", "approved"]),
                name="report_latest_counted",
            ),
        ]

    def __str__(self):
        return f"{self.indicator} · {self.unit} · {self.period_start:%Y-%m}"

    @property
    def period(self) -> str:
        """The period as people write it: "2025-05", or "2025-Q2" for a quarterly indicator."""
        return periods.period_label(self.period_start, self.indicator.frequency)

    @property
    def counts(self) -> bool:
        """Submitted and approved reports count towards the light; drafts and returned ones do not."""
        return self.status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED)


def evidence_storage():
    from .storage import EvidenceStorage

    return EvidenceStorage()


def _evidence_path(instance, filename):
    # The stored name is random: the original name is kept in a column and only served through
    # the download view, which checks who is asking.
    import uuid
    from pathlib import PurePath

    return f"{instance.uploaded_at:%Y/%m}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class Evidence(models.Model):
    """A file attached to a progress report (photo, PDF, Office document), kept with its checksum."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("progress report"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=_evidence_path, storage=evidence_storage, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(pgettext_lazy("an uploaded file's MIME type", "content type"), max_length=120)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["report", "uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class ReportComment(models.Model):
    """A message exchanged between the supervision office and the unit about one report."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("progress report"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["report", "created_at", "id"]

    def __str__(self):
        return self.text[:50]


class ReportVersion(models.Model):
    """Every saved state of a report: what it held after each create, edit, submission or review.

    `data` holds the report's FIELDS (the services write them, the report page lists their changes)."""

    FIELDS = (
        "value",
        "narrative",
        "problems",
        "next_steps",
        "explanation",
        "outlier_confirmed",
        "status",
        "is_late",
        "review_comment",
    )

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("progress report"), on_delete=models.CASCADE, related_name="versions"
    )
    version = models.PositiveIntegerField(_("version"))
    action = models.CharField(_("action"), max_length=30)
    data = models.JSONField(_("contents"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("report version")
        verbose_name_plural = _("report versions")
        ordering = ["report", "version"]
        constraints = [models.UniqueConstraint(fields=["report", "version"], name="report_version_unique")]

    def __str__(self):
        return f"{self.report_id} v{self.version} {self.action}"


class LateEntryGrant(models.Model):
    """补报: the supervision office lets one unit enter a locked period, for one indicator or the whole plan."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="late_entry_grants")
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="late_entry_grants",
        help_text=_("Empty: every indicator of the plan the unit reports."),
    )
    unit = models.ForeignKey(
        "regions.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="late_entry_grants"
    )
    period_start = models.DateField(_("period start"))
    until = models.DateField(_("open until"), help_text=_("The last day the unit may enter the period."))
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("granted by"), on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)

    class Meta:
        verbose_name = _("late-entry grant")
        verbose_name_plural = _("late-entry grants")
        ordering = ["-granted_at", "-id"]
        indexes = [models.Index(fields=["unit", "period_start"])]

    def __str__(self):
        return f"{self.unit} · {self.period_start:%Y-%m} → {self.until}"


class LateEntryRequestStatus(models.TextChoices):
    PENDING = "pending", _("awaiting the office")
    GRANTED = "granted", _("late entry granted")
    REFUSED = "refused", _("late entry refused")


class LateEntryRequest(models.Model):
    """申请补报: a unit asks the supervision office to open one locked period of one indicator."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="late_entry_requests"
    )
    unit = models.ForeignKey(
        "regions.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="late_entry_requests"
    )
    period_start = models.DateField(_("period start"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=LateEntryRequestStatus.choices, default=LateEntryRequestStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("asked"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("office's note"), blank=True)
    grant = models.ForeignKey(
        LateEntryGrant,
        verbose_name=_("late-entry grant"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("late-entry request")
        verbose_name_plural = _("late-entry requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            # One open request per period: asking twice adds nothing for the office to decide.
            models.UniqueConstraint(
                fields=["indicator", "unit", "period_start"],
                condition=models.Q(status="pending"),
                name="one_pending_late_entry_request",
            ),
        ]

    @property
    def period(self) -> str:
        return periods.period_label(self.period_start, self.indicator.frequency)

    def __str__(self):
        return f"{self.unit} · {self.indicator} · {self.period_start:%Y-%m}"


class CurrentLight(models.Model):
    """Today's light of an indicator (unit empty) or of a township's allocated share (unit set).

    Written only by `targets.lights.lights_rejudge`, in the transaction of every write that moves a
    light, and each night for the lights the date alone moves (`valid_until` has come). Pages count
    and list lights from this table instead of judging them on read.
    """

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="current_lights"
    )
    unit = models.ForeignKey(
        "regions.Unit",
        verbose_name=_("township share of"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    status = models.CharField(_("light"), max_length=12, choices=Light.choices)
    actual = models.DecimalField(_("value"), **VALUE_FIELD, null=True, blank=True)
    completion = models.DecimalField(_("completion"), max_digits=12, decimal_places=4, null=True, blank=True)
    expected = models.DecimalField(_("expected"), max_digits=12, decimal_places=4, null=True, blank=True)
    gap = models.DecimalField(_("points behind"), max_digits=12, decimal_places=2, null=True, blank=True)
    checkpoint = models.DateField(_("last checkpoint"), null=True, blank=True)
    # [[code, params], …] (targets.rules.Reason): the words are written in the reader's language.
    reasons = models.JSONField(_("reasons"), default=list)
    derived = models.BooleanField(_("computed from village records"), default=False)
    judged_on = models.DateField(_("judged on"))
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("The first day the date alone may change the light; empty when no day can."),
    )
    judged_at = models.DateTimeField(_("judged at"))
    changed_at = models.DateTimeField(_("changed at"), help_text=_("When the light or its figures last changed."))

    class Meta:
        verbose_name = _("current light")
        verbose_name_plural = _("current lights")
        constraints = [
            # The pages count lights per plan from this index alone (an index-only scan; INCLUDE is
            # PostgreSQL's: on SQLite, where Django creates no constraint with INCLUDE, migration
            # 0009 creates the same partial unique index without it).
            models.UniqueConstraint(
                fields=["indicator"],
                condition=Q(unit__isnull=True),
                include=["status", "judged_on", "valid_until"],
                name="current_light_unique",
            ),
            models.UniqueConstraint(
                fields=["indicator", "unit"], condition=Q(unit__isnull=False), name="current_light_unique_share"
            ),
        ]
        indexes = [models.Index(fields=["valid_until"], name="current_light_valid_until")]

    def __str__(self):
        return f"{self.indicator_id}/{self.unit_id or '-'}: {self.status}"

    @property
    def evaluated_on(self):
        return self.judged_on

    @property
    def as_of(self):
        return self.judged_on

    @property
    def is_provisional(self) -> bool:
        return True
