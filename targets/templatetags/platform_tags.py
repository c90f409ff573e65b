from django import template
from django.utils.html import format_html

from targets import numbers
from targets.choices import Light

register = template.Library()


@register.filter
def get_item(mapping, key):
    """Look a key up in a dict from a template: {{ counts|get_item:plan.pk }}."""
    return mapping.get(key) if mapping else None


@register.filter
def light_badge(status):
    """The coloured light of a status word, labelled in the reader's language: {{ row.status.status|light_badge }}.

    A filter rather than an included template because the plan page draws one per indicator.
    """
    try:
        label = Light(status).label
    except ValueError:
        label = Light.NOT_STARTED.label
    return format_html('<span class="light light-{}">{}</span>', status, label)


@register.filter
def cn_number(value, mode=""):
    """Every number a page shows, through targets.numbers.shown: {{ v|cn_number }}, {{ n|cn_number:"count" }},
    {{ v|cn_number:"money" }}, {{ v|cn_number:"input" }}, {{ v|cn_number:indicator.unit }}."""
    return numbers.shown(value, mode)
