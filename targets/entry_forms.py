"""Forms of the monthly cycle: they parse what people type; the services decide what is allowed."""
from django import forms
from django.utils.translation import gettext_lazy as _

from core import periods

from . import filetypes, numbers
from .models import VALUE_FIELD


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(filetypes.EXTENSIONS)}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]


class PlainNumberInput(forms.TextInput):
    """A stored value shown as typed: "90.2", never the column's "90.2000"."""

    def format_value(self, value):
        if value in (None, ""):
            return None
        shown = numbers.shown(value, "input")
        return str(value) if shown == "—" else shown


class EntryForm(forms.Form):
    value = forms.DecimalField(
        label=_("Cumulative value"), **VALUE_FIELD,
        error_messages={"required": _("Enter the cumulative value."), "invalid": _("Enter a number, e.g. 1250 or 37.5.")},
        widget=PlainNumberInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    narrative = forms.CharField(label=_("Work done"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    problems = forms.CharField(label=_("Problems"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    next_steps = forms.CharField(label=_("Next steps"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    explanation = forms.CharField(
        label=_("Why is the value lower than the last approved one?"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirmed = forms.BooleanField(label=_("I confirm this unusual value is right"), required=False)
    evidence = MultipleFileField(
        label=_("Evidence files"), required=False,
        help_text=_("Photos (jpg, png), PDF, Word or Excel (doc, docx, xls, xlsx); at most 10 MB each."),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("Reason for returning"), widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}))


class GrantForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=None)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    period = forms.CharField(label=_("Period"), help_text=_("YYYY-MM, or YYYY-Qn for a quarterly indicator"),
                             max_length=7)
    indicator = forms.IntegerField(label=_("Indicator id"), required=False,
                                   help_text=_("Leave empty to open the period for every indicator of the plan."))
    until = forms.DateField(label=_("Open until"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, plans, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        self.fields["unit"].queryset = units

    def clean_period(self):
        period = self.cleaned_data["period"]
        try:
            periods.parse_period(period)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return period
