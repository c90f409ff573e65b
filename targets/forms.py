"""Forms of the monthly cycle: they parse what people type; the services decide what is allowed."""

from datetime import timedelta

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
        label=_("Cumulative value"),
        **VALUE_FIELD,
        error_messages={
            "required": _("Enter the cumulative value."),
            "invalid": _("Enter a number, e.g. 1250 or 37.5."),
        },
        widget=PlainNumberInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    narrative = forms.CharField(label=_("Work done"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    problems = forms.CharField(label=_("Problems"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    next_steps = forms.CharField(label=_("Next steps"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    explanation = forms.CharField(
        label=_("Why is the value lower than the last approved one?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirmed = forms.BooleanField(label=_("I confirm this unusual value is right"), required=False)
    evidence = MultipleFileField(
        label=_("Evidence files"),
        required=False,
        help_text=_("Photos (jpg, png), PDF, Word or Excel (doc, docx, xls, xlsx); at most 10 MB each."),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("Reason for returning"), widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}))


def periods_since(since, today) -> list[tuple[str, str]]:
    """The periods an office may open late, newest first, back to `since` (at most ten years): months,
    then quarters ("2026-11", "2026-Q3")."""
    since = max(since, today.replace(year=today.year - 10, day=1))
    months, month = [], today.replace(day=1)
    while month >= since.replace(day=1):
        months.append(month.strftime("%Y-%m"))
        month = (month - timedelta(days=1)).replace(day=1)
    quarters, quarter = [], periods.period_start_of(today, periods.Frequency.QUARTERLY)
    while quarter >= periods.period_start_of(since, periods.Frequency.QUARTERLY):
        quarters.append(periods.period_label(quarter, periods.Frequency.QUARTERLY))
        quarter = periods.period_start_of(quarter - timedelta(days=1), periods.Frequency.QUARTERLY)
    return [(label, label) for label in months + quarters]


class IndicatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.target.seq}. {obj.name}"


class GrantForm(forms.Form):
    """补报 typed by the office itself: every choice is picked from a list, nothing is typed but the reason."""

    plan = forms.ModelChoiceField(label=_("Plan"), queryset=None)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    indicator = IndicatorChoiceField(
        label=_("Indicator"), queryset=None, required=False, empty_label=_("Every indicator of the plan")
    )
    period = forms.ChoiceField(label=_("Period"), choices=())
    until = forms.DateField(label=_("Open until"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, plans, units, indicators, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        self.fields["unit"].queryset = units
        self.fields["indicator"].queryset = indicators
        first = min((p.start_date for p in plans), default=today)
        self.fields["period"].choices = periods_since(first, today)


class LateEntryRequestForm(forms.Form):
    period = forms.ChoiceField(label=_("Missed period"), choices=())
    reason = forms.CharField(label=_("Why was it missed?"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p, p) for p in periods]


class DecisionForm(forms.Form):
    until = forms.DateField(label=_("Open until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note to the unit"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
