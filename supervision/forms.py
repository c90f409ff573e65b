"""The filters every dashboard page shares, and the forms of the supervision items."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core.forms import MonthSelect
from core.periods import parse_period
from regions.models import Region, RegionLevel, Unit
from regions.selectors import region_prefix
from targets.choices import Light
from targets.models import Plan, Section

from .selectors import filter_options


class MonthField(forms.CharField):
    """A month written YYYY-MM, cleaned to its first day."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            start, frequency = parse_period(value)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        if frequency != "monthly":
            raise forms.ValidationError(_("Give a month, YYYY-MM."))
        return start


FLAGGED_LIGHTS = "flagged"  # the red and amber list, the one people forward


class KnownChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that takes its object from those the form reads anyway (`known()`: {pk or
    code: object}) instead of reading it again."""

    known = None

    def to_python(self, value):
        found = self.known().get(str(value)) if self.known is not None and value not in self.empty_values else None
        return found if found is not None else super().to_python(value)


class DashboardFilters(forms.Form):
    """plan, section, unit, township, light and as-of month, scoped to what the user may see."""

    region = KnownChoiceField(
        Region.objects.none(), required=False, to_field_name="code", label=_("Region"), empty_label=_("All regions")
    )
    plan = forms.ModelChoiceField(Plan.objects.none(), required=False, label=_("Plan"), empty_label=_("All plans"))
    section = forms.ModelChoiceField(
        Section.objects.none(), required=False, label=_("Section"), empty_label=_("All sections")
    )
    unit = KnownChoiceField(Unit.objects.none(), required=False, label=_("Unit"), empty_label=_("All units"))
    township = KnownChoiceField(
        Region.objects.none(), required=False, label=_("Township"), empty_label=_("All townships")
    )
    light = forms.ChoiceField(
        choices=[("", _("All lights")), (FLAGGED_LIGHTS, _("Red and amber")), *Light.choices],
        required=False,
        label=_("Light"),
    )
    as_of = MonthField(
        required=False,
        label=_("As of month"),
        help_text=_("The region as it stood at the end of that month."),
        widget=MonthSelect(),
    )

    def __init__(self, data, *, user):
        super().__init__(data)
        self.user = user
        home = user.region
        regions = Region.objects.filter(level__in=[RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY])
        if home is not None:
            regions = regions.filter(code__startswith=region_prefix(home))
        self.fields["region"].queryset = regions
        self.fields["region"].empty_label = home.name if home is not None else _("All regions")
        region = self._chosen_region() or home
        scope = {"region__code__startswith": region_prefix(region)} if region is not None else {}
        self.fields["plan"].queryset = Plan.objects.filter(**scope)
        self.fields["section"].queryset = Section.objects.filter(
            plan__in=self.fields["plan"].queryset, parent__isnull=True
        ).select_related("plan")
        county_scope = {"county__code__startswith": region_prefix(region)} if region is not None else {}
        self.fields["unit"].queryset = Unit.objects.filter(**county_scope)
        self.fields["township"].queryset = Region.objects.filter(
            level=RegionLevel.TOWNSHIP, **({"code__startswith": region_prefix(region)} if region is not None else {})
        )
        self.in_county = region is not None and region.level == RegionLevel.COUNTY
        self._prefixes = {
            "regions_under": region_prefix(home) if home is not None else "",
            "plans_under": region_prefix(region) if region is not None else "",
            "county": region_prefix(region) if self.in_county else None,
        }
        if not self.in_county:
            # A province's thousands of units and townships are reached by drilling down, not in a select.
            for name in ("unit", "township", "section"):
                self.fields[name].widget = forms.HiddenInput()
        else:
            # A county's units and townships are read once, when first needed, for the selects, the
            # fields' checks and the figures' labels.
            for name in ("unit", "township"):
                field = self.fields[name]
                field.known = lambda name=name: {str(pk): obj for pk, obj in self._options(name).items()}
                field.widget.choices = lambda field=field, name=name: [
                    ("", field.empty_label),
                    *((pk, field.label_from_instance(obj)) for pk, obj in self._options(name).items()),
                ]
        # The region, plan and section selects list plain rows, read with the units and townships.
        for name in ("region", "plan", "section"):
            field = self.fields[name]
            if not field.widget.is_hidden:
                field.widget.choices = lambda field=field, name=name: [("", field.empty_label), *self._options(name)]

    @cached_property
    def units(self) -> dict:
        """The county's units, {pk: Unit}, as the unit select lists them (none above county level)."""
        return self._options("unit")

    @cached_property
    def townships(self) -> dict:
        """The county's townships, {pk: Region}, as the township select lists them."""
        return self._options("township")

    def _options(self, name: str):
        """One select's rows: every select's are read at once, when the first is needed (filter_options)."""
        if name in ("unit", "township") and not self.in_county:
            return {}
        if "_read_options" not in self.__dict__:
            self._read_options = filter_options(**self._prefixes)
        options = self._read_options
        return {
            "region": options.regions,
            "plan": options.plans,
            "section": options.sections,
            "unit": options.units,
            "township": options.townships,
        }[name]

    def _chosen_region(self):
        code = self.data.get("region")
        if not code:
            return None
        found = self.fields["region"].queryset.filter(code=code).first()
        if found is not None:
            self.fields["region"].known = lambda: {found.code: found}  # the field's own check reads it no more
        return found

    def scope(self) -> dict:
        """The keyword arguments the figures take; an invalid filter is dropped (the form shows why)."""
        data = (
            self.cleaned_data
            if self.is_valid()
            else {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}
        )
        region = data.get("region") or self.user.region
        return {
            "region": region,
            "plan": data.get("plan"),
            "section": data.get("section"),
            "unit": data.get("unit"),
            "township": data.get("township"),
        }

    def as_of_date(self) -> date:
        data = getattr(self, "cleaned_data", {})
        start = data.get("as_of") if "as_of" not in self.errors else None
        today = timezone.localdate()
        return min(start, today) if start else today

    def chosen_light(self) -> str:
        return getattr(self, "cleaned_data", {}).get("light") or ""


class IssueForm(forms.Form):
    unit = forms.ModelChoiceField(Unit.objects.none(), label=_("To unit"))
    notice = forms.CharField(
        label=_("Notice"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the unit must explain or put right."),
    )
    reply_due = forms.DateField(label=_("Reply by"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class ReplyForm(forms.Form):
    measures = forms.CharField(label=_("Measures"), widget=forms.Textarea(attrs={"rows": 3}))
    promised_date = forms.DateField(
        label=_("Completed by"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class DecisionForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reply_due = forms.DateField(
        label=_("New reply date (when sending back)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
