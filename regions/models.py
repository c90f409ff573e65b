"""Regions (by 12-digit statistical division code: county → township → village) and the units answerable
for targets. Every other app builds on these; this app imports none of them."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

division_code_validator = RegexValidator(
    r"^\d{12}$", _("A division code has exactly 12 digits (province 2, city 2, county 2, township 3, village 3).")
)


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("province")
    CITY = "city", _("city")
    COUNTY = "county", _("county")
    TOWNSHIP = "township", _("township")
    VILLAGE = "village", _("village")


def level_of_code(code: str) -> str:
    """The level a 12-digit division code names, read from which of its parts are zero."""
    if code[2:] == "0" * 10:
        return RegionLevel.PROVINCE
    if code[4:] == "0" * 8:
        return RegionLevel.CITY
    if code[6:] == "0" * 6:
        return RegionLevel.COUNTY
    if code[9:] == "000":
        return RegionLevel.TOWNSHIP
    return RegionLevel.VILLAGE


class Region(models.Model):
    code = models.CharField(_("division code"), max_length=12, unique=True, validators=[division_code_validator])
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    kind = models.CharField(
        _("kind"), max_length=20, blank=True, help_text=_("街道 / 镇 / 乡 for townships, 行政村 / 社区 for villages.")
    )
    urban_rural_code = models.CharField(_("urban-rural class code"), max_length=3, blank=True)

    class Meta:
        db_table = "villages_region"  # the table predates the app
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def county_prefix(self) -> str:
        return self.code[:6]


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("department")
    TOWNSHIP = "township", _("township")


class Unit(models.Model):
    """A department or township government answerable for targets within one county."""

    county = models.ForeignKey(
        Region,
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        related_name="units",
        limit_choices_to={"level": RegionLevel.COUNTY},
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=UnitKind.choices, default=UnitKind.DEPARTMENT)
    township = models.OneToOneField(
        Region,
        verbose_name=_("township"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="township_unit",
        limit_choices_to={"level": RegionLevel.TOWNSHIP},
        help_text=_("For a township unit: the township it governs."),
    )
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        db_table = "villages_unit"
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["county", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["county", "name"], name="unit_unique_name_in_county")]

    def __str__(self):
        return self.name
