"""Forms of the village pages: parsing only; the checks that matter live in services."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User

from .models import IncomeRecord, VillageType


class IncomeRecordForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Period"),
        coerce=int,
        initial=0,
        choices=[
            (0, _("whole year")),
            (1, _("to the end of Q1")),
            (2, _("to the end of Q2")),
            (3, _("to the end of Q3")),
            (4, _("to the end of Q4")),
        ],
    )
    total_income = forms.DecimalField(label=_("Total income (万元)"), min_value=0, max_digits=12, decimal_places=2)
    operating_income = forms.DecimalField(
        label=_("Operating income (万元)"), min_value=0, max_digits=12, decimal_places=2
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class IncomeEditForm(forms.Form):
    total_income = IncomeRecordForm.base_fields["total_income"]
    operating_income = IncomeRecordForm.base_fields["operating_income"]
    note = IncomeRecordForm.base_fields["note"]
    version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def for_record(cls, record: IncomeRecord, data=None):
        initial = {
            "total_income": record.total_income,
            "operating_income": record.operating_income,
            "note": record.note,
            "version": record.version,
        }
        return cls(data, initial=initial)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("approve")), ("return", _("return"))])
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class ProfileForm(forms.Form):
    village_type = forms.ChoiceField(label=_("Village type"), choices=VillageType.choices)
    flags = forms.CharField(
        label=_("Flags"),
        required=False,
        help_text=_("Separate with commas, e.g. 脱贫村, 重点帮扶村, 示范村."),
    )
    households = forms.IntegerField(label=_("Households"), min_value=0, required=False)
    population = forms.IntegerField(label=_("Population"), min_value=0, required=False)
    reporter = forms.ModelChoiceField(label=_("Responsible reporter"), queryset=User.objects.none(), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, village=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reporter"].queryset = User.objects.filter(
            role=Role.REPORTER, unit__township_id=village.parent_id
        ).order_by("username")

    def clean_flags(self):
        text = self.cleaned_data["flags"].replace("，", ",").replace("、", ",")
        return [flag.strip() for flag in text.split(",") if flag.strip()]


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File (.xlsx or .csv)"))


class IncomeUploadForm(UploadForm):
    submit = forms.BooleanField(label=_("Submit the records for review at once"), required=False)


class EconomySettingsForm(forms.Form):
    weak_threshold = forms.DecimalField(
        label=_("Weak village threshold (万元)"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=_("A village whose operating income is below this is weak (薄弱村)."),
    )
    tiers = forms.CharField(
        label=_("Income tiers (万元)"),
        required=False,
        help_text=_(
            "Lower bounds of the operating-income tiers, increasing, separated by commas, e.g. 10, 25, 50, "
            "100. Empty: the default tiers."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_tiers(self):
        text = self.cleaned_data["tiers"].replace("，", ",").replace("、", ",").replace(" ", ",")
        bounds = []
        for part in filter(None, (p.strip() for p in text.split(","))):
            try:
                value = Decimal(part).quantize(Decimal("0.01"))
            except ArithmeticError:
                raise forms.ValidationError(_("“%(part)s” is not a number.") % {"part": part}) from None
            if value <= 0:
                raise forms.ValidationError(
                    _("Each tier is a positive amount in 万元 (“%(part)s” is not).") % {"part": part}
                )
            bounds.append(int(value) if value == value.to_integral_value() else float(value))
        if bounds != sorted(set(bounds)):
            raise forms.ValidationError(_("Tiers must be strictly increasing, e.g. 10, 25, 50, 100."))
        return bounds
