"""The form asking for a report: which region, which kind, which month."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import MonthSelect
from core.periods import parse_period, previous_month_end
from targets.choices import Frequency
from targets.rules import period_words

from .models import DocumentFrame, ReportKind
from .selectors import regions_for_requests, too_early


class ReportRequestForm(forms.Form):
    region = forms.ModelChoiceField(label=_("region"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("kind"), choices=ReportKind.choices)
    month = forms.CharField(
        label=_("month"),
        max_length=7,
        help_text=_("The last month the report covers."),
        widget=MonthSelect(),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_for_requests(user)
        if not self.is_bound:
            # A bulletin reports a closed month: the one under way has no figures due yet.
            self.initial.setdefault("month", previous_month_end(timezone.localdate()).strftime("%Y-%m"))

    def clean_month(self):
        try:
            start, frequency = parse_period(self.cleaned_data["month"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        if frequency != Frequency.MONTHLY:
            raise forms.ValidationError(_("Give a month as YYYY-MM, e.g. 2025-05."))
        if start > timezone.localdate():
            raise forms.ValidationError(
                _("%(month)s has not begun yet: a report covers months already under way.")
                % {"month": period_words(start, Frequency.MONTHLY)}
            )
        return start

    def clean(self):
        cleaned = super().clean()
        region, kind, month = cleaned.get("region"), cleaned.get("kind"), cleaned.get("month")
        if region is None or kind is None or month is None:
            return cleaned
        early = too_early(region=region, kind=kind, month=month, today=timezone.localdate())
        if early:
            self.add_error("month", early)
        return cleaned


class DocumentFrameForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = DocumentFrame
        fields = [
            "organ_mark",
            "number_pattern",
            "main_recipients",
            "signature",
            "copy_to",
            "printed_by",
            "requirements",
        ]
        widgets = {"requirements": forms.Textarea(attrs={"rows": 5})}
