"""Village records: profiles, collective income, county thresholds and the rules that derive indicator values
from them. Regions and units are in `regions`."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from regions.models import Region, RegionLevel
from targets.choices import ReportStatus
from targets.models import ReviewCycle

# The collective economy of villages ------------------------------------------------------------

MONEY_FIELD = dict(max_digits=12, decimal_places=2)
DEFAULT_TIERS = ["10", "25", "50", "100"]


class VillageType(models.TextChoices):
    ADMINISTRATIVE = "行政村", _("administrative village")
    COMMUNITY = "社区", _("community")


class VillageProfile(models.Model):
    """What a county knows about one village beyond its code and name."""

    village = models.OneToOneField(
        Region,
        verbose_name=_("village"),
        on_delete=models.CASCADE,
        related_name="profile",
        limit_choices_to={"level": RegionLevel.VILLAGE},
    )
    village_type = models.CharField(
        _("village type"), max_length=10, choices=VillageType.choices, default=VillageType.ADMINISTRATIVE
    )
    flags = models.JSONField(
        _("flags"),
        default=list,
        blank=True,
        help_text=_("Labels such as 脱贫村, 易地搬迁安置村, 重点帮扶村, 示范村; any set of words."),
    )
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible reporter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="villages",
        help_text=_("The township reporter who enters this village's income."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("village profile")
        verbose_name_plural = _("village profiles")

    def __str__(self):
        return str(self.village)


class CountyEconomySettings(models.Model):
    """A county's thresholds for reading village income (万元)."""

    county = models.OneToOneField(
        Region,
        verbose_name=_("county"),
        on_delete=models.CASCADE,
        related_name="economy_settings",
        limit_choices_to={"level": RegionLevel.COUNTY},
    )
    weak_threshold = models.DecimalField(
        _("weak village threshold (万元)"),
        **MONEY_FIELD,
        default=Decimal("10"),
        help_text=_("A village whose operating income is below this is weak (薄弱村)."),
    )
    tiers = models.JSONField(
        _("income tiers (万元)"),
        default=list,
        blank=True,
        help_text=_("Lower bounds of the operating-income tiers, e.g. [10, 25, 50, 100]; empty means the default."),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("county economy settings")
        verbose_name_plural = _("county economy settings")

    def __str__(self):
        return str(self.county)

    @property
    def tier_bounds(self) -> tuple[Decimal, ...]:
        return tuple(Decimal(str(t)) for t in self.tiers) if self.tiers else tuple(Decimal(t) for t in DEFAULT_TIERS)

    def clean(self):
        super().clean()
        try:
            bounds = [Decimal(str(t)) for t in self.tiers]
        except (ArithmeticError, ValueError, TypeError):
            raise ValidationError({"tiers": _("Tiers are a list of numbers in 万元, e.g. [10, 25, 50, 100].")})
        if any(b <= 0 for b in bounds) or bounds != sorted(set(bounds)):
            raise ValidationError({"tiers": _("Tiers must be positive and strictly increasing.")})


# Income records go through the same cycle as progress reports, with the same status words.
RecordStatus = ReportStatus


class IncomeRecord(ReviewCycle):
    """A village's collective income for one year (quarter 0) or a year to the end of a quarter (1–4), in 万元."""

    village = models.ForeignKey(
        Region,
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="income_records",
        limit_choices_to={"level": RegionLevel.VILLAGE},
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(
        _("quarter"),
        default=0,
        validators=[MaxValueValidator(4)],
        help_text=_("0 for the whole year; 1–4 for the year to the end of that quarter."),
    )
    total_income = models.DecimalField(_("total income (万元)"), **MONEY_FIELD, validators=[MinValueValidator(0)])
    operating_income = models.DecimalField(
        _("operating income (万元)"), **MONEY_FIELD, validators=[MinValueValidator(0)]
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("collective income record")
        verbose_name_plural = _("collective income records")
        ordering = ["village", "-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["village", "year", "quarter"], name="income_unique_village_period"),
            models.CheckConstraint(
                condition=Q(operating_income__lte=F("total_income")),
                name="income_operating_within_total",
                violation_error_message=_("Operating income cannot exceed total income."),
            ),
        ]
        indexes = [models.Index(fields=["status", "year"])]

    def __str__(self):
        return f"{self.village} · {self.period}"

    @property
    def period(self) -> str:
        return f"{self.year}" if self.quarter == 0 else f"{self.year}-Q{self.quarter}"


class Measure(models.TextChoices):
    SHARE_AT_LEVEL = "share_at_level", _("share of villages at or above an income level (%)")
    COUNT_AT_LEVEL = "count_at_level", _("number of villages at or above an income level")
    COUNT_HOLLOW = "count_hollow", _("number of hollow villages (no operating income)")
    COUNT_WEAK = "count_weak", _("number of weak villages (operating income below the county threshold)")
    SUM = "sum", _("sum of income (万元)")
    GROWTH = "growth", _("year-on-year growth of income (%)")
    INCREMENT_OPERATING_SHARE = (
        "increment_operating_share",
        _("share of the year's income increment that is operating income (%)"),
    )


class IncomeBasis(models.TextChoices):
    OPERATING = "operating", _("operating income")
    TOTAL = "total", _("total income")


class DerivedRule(models.Model):
    """An indicator whose actual value is computed from approved village income records, not reported."""

    indicator = models.OneToOneField(
        "targets.Indicator", verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="derived_rule"
    )
    measure = models.CharField(_("measure"), max_length=30, choices=Measure.choices)
    basis = models.CharField(
        _("income"),
        max_length=10,
        choices=IncomeBasis.choices,
        default=IncomeBasis.OPERATING,
        help_text=_("Which income the level, sum or growth is read from."),
    )
    level = models.DecimalField(
        _("level (万元)"),
        **MONEY_FIELD,
        null=True,
        blank=True,
        help_text=_("For the share and count measures: villages at or above this income."),
    )
    scope = models.ForeignKey(
        Region,
        verbose_name=_("scope"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The county or township whose villages count."),
    )
    flag = models.CharField(_("only villages flagged"), max_length=30, blank=True)
    village_type = models.CharField(_("only villages of type"), max_length=10, choices=VillageType.choices, blank=True)

    class Meta:
        verbose_name = _("derived rule")
        verbose_name_plural = _("derived rules")

    def __str__(self):
        return f"{self.indicator}: {self.get_measure_display()}"

    def clean(self):
        super().clean()
        needs_level = self.measure in (Measure.SHARE_AT_LEVEL, Measure.COUNT_AT_LEVEL)
        if needs_level and self.level is None:
            raise ValidationError({"level": _("This measure needs an income level.")})
        if self.scope_id and self.scope.level not in (RegionLevel.COUNTY, RegionLevel.TOWNSHIP):
            raise ValidationError({"scope": _("The scope is a county or a township.")})
