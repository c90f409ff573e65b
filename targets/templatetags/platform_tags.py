from django import template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.periods import parse_period
from targets import numbers, rules
from targets.choices import Light

register = template.Library()


@register.filter
def get_item(mapping, key):
    """Look a key up in a dict from a template: {{ counts|get_item:plan.pk }}."""
    return mapping.get(key) if mapping else None


# What each light means, as a pill's tooltip and in the legend (targets/_light_legend.html).
LIGHT_HELP = {
    Light.GREEN: _("Green: on pace, or no checkpoint yet"),
    Light.AMBER: _(
        "Amber: behind the time-proportional pace by more than the amber gap, or last period's report missing"
    ),
    Light.RED: _("Red: far behind pace, past the deadline, or two periods' reports missing"),
    Light.DONE: _("Done: the target is reached"),
    Light.NOT_STARTED: _("Not started: the indicator has not begun"),
}


@register.simple_tag
def light_legend():
    return [(light, label, LIGHT_HELP[light]) for light, label in Light.choices]


@register.filter
def light_badge(status):
    """The coloured light of a status word, labelled in the reader's language: {{ row.status.status|light_badge }}.

    A filter rather than an included template because the plan page draws one per indicator.
    """
    try:
        label = Light(status).label
    except ValueError:
        label = Light.NOT_STARTED.label
    return format_html(
        '<span class="light light-{}" title="{}">{}</span>', status, LIGHT_HELP.get(status, label), label
    )


@register.filter
def completion_percent(value):
    """{{ status.completion|completion_percent }} "75.6": the figure the light's reasons give."""
    return rules.completion_percent(value)


@register.filter
def expected_percent(value):
    """{{ status.expected|expected_percent }} "75.6": 序时进度 as the light's reasons give it."""
    return rules.expected_percent(value)


@register.filter
def percent(value):
    """{{ rate|percent }}: "80.6%" in Chinese, as the light's reasons write it, "80.6 %" in English."""
    return _("%(n)s %%") % {"n": value}


@register.filter
def cn_number(value, mode=""):
    """Every number a page shows, through targets.numbers.shown: {{ v|cn_number }}, {{ n|cn_number:"count" }},
    {{ v|cn_number:"money" }}, {{ v|cn_number:"input" }}, {{ v|cn_number:indicator.unit }}."""
    return numbers.shown(value, mode)


@register.filter
def light_label(status):
    """A status word as the reader reads it ("红灯"), for a tooltip."""
    try:
        return Light(status).label
    except ValueError:
        return status


@register.filter
def period_words(label):
    """A reporting period as a person reads it: {{ report.period|period_words }} gives 2026年10月 or
    2026年第四季度 in Chinese (2026-10 / 2026-Q4 in English), the words the light reasons use. Data
    attributes and URLs keep the label itself."""
    try:
        return rules.period_words(*parse_period(str(label)))
    except ValueError:
        return label
