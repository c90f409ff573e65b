"""Forms of leaders' instructions (批示)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from regions.models import Unit

from .models import TARGET_KINDS
from .selectors import STATES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class IssueForm(forms.Form):
    text = forms.CharField(
        label=_("Instruction"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the units must do, as you would write it in the margin."),
    )
    units = forms.ModelMultipleChoiceField(
        Unit.objects.none(),
        label=_("To units"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ticked: the units responsible for it."),
    )
    due_date = forms.DateField(label=_("Answer by"), required=False, widget=DATE)

    def __init__(self, *args, units, initial_units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units
        if not self.is_bound:
            self.initial["units"] = [u.pk for u in initial_units]


class StepForm(forms.Form):
    """The version the page showed (the unit's reach for its steps, the instruction for the close), sent back
    so a step on a stale page is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class RespondForm(StepForm):
    response = forms.CharField(label=_("What your unit has done"), widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(StepForm):
    comment = forms.CharField(label=_("Closing comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class LedgerFilters(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All"))]
        + [(s, label) for s, label in zip(STATES, (_("Open"), _("Overdue"), _("Answered"), _("Closed")))],
    )
    kind = forms.ChoiceField(
        label=_("Written on"), required=False, choices=[("", _("Anything"))] + list(TARGET_KINDS.items())
    )
    unit = forms.ModelChoiceField(Unit.objects.none(), label=_("Unit"), required=False, empty_label=_("All units"))
    author = forms.ModelChoiceField(
        User.objects.none(), label=_("Leader"), required=False, empty_label=_("All leaders")
    )

    def __init__(self, *args, units, leaders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["author"].queryset = leaders
        self.fields["author"].label_from_instance = lambda user: user.shown_name
