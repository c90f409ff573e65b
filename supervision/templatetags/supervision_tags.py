"""Supervision items drawn on pages of apps above this one (My work lives in targets, which may not import
supervision): the template asks, the view does not need to know."""
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
