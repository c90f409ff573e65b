"""Supervision items drawn on pages of apps above this one (My work lives in targets, which may not import
supervision): the template asks, the view does not need to know."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import timezone

from supervision.selectors import unit_open_items

register = template.Library()


@register.simple_tag
def unit_awaiting_reply(user):
    """The user's unit's supervision items still waiting for its reply, the one due first on top."""
    if not user.is_authenticated or not user.is_reporter:
        return []
    return unit_open_items(unit=user.unit, today=timezone.localdate())


@register.simple_tag
def filter_field(bound):
    """A filter of the dashboards: a select written directly (Django renders each option through a
    template, most of the time of a county dashboard), anything else as the form renders it."""
    from django import forms
    from django.utils.html import format_html, format_html_join

    widget = bound.field.widget
    if type(widget) is not forms.Select:
        return str(bound)
    chosen = "" if bound.value() is None else str(bound.value())
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, " selected" if str(value) == chosen else "", label)
            for value, label in ((str(v), lbl) for v, lbl in widget.choices)
        ),
    )
    return format_html('<select name="{}" id="{}">{}</select>', bound.html_name, bound.auto_id, options)


@register.filter
def behind_cell(behind):
    """A 落后百分点 cell (supervision.rules.behind): the figure, the words why a late light is lit, or —."""
    if behind is None:
        return "—"
    if isinstance(behind, str):
        return behind
    # One decimal, as the reasons beside it (落后75.6个百分点) and the Excel column write it.
    return f"{Decimal(behind).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):,.1f}"
