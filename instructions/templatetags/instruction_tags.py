"""Leaders' instructions drawn on the pages of the apps they are written on (report, indicator, bulletin and
supervision item pages, My work): those apps sit below this one, so the template asks and the view need not know."""

from django import template
from django.utils import timezone

from accounts.permissions import is_leader

from .. import selectors

register = template.Library()


@register.inclusion_tag("instructions/_panel.html", takes_context=True)
def instruction_panel(context, kind, obj):
    """The instructions written on obj that the user may see, and for a leader the 批示 button."""
    user = context["request"].user
    return {
        "instructions": selectors.on_object(kind=kind, obj=obj, user=user),
        "can_issue": is_leader(user),
        "kind": kind,
        "obj": obj,
    }


@register.simple_tag
def unit_pending_instructions(user):
    """The user's unit's 待落实批示 (not yet answered, not closed), due first."""
    if not user.is_authenticated or not user.is_reporter:
        return []
    return selectors.unit_pending(unit=user.unit, today=timezone.localdate())


@register.simple_tag
def unit_pending_instruction_count(user):
    """How many 待落实批示 the user's unit has (unit_pending_instructions' length, in a COUNT)."""
    if not user.is_authenticated or not user.is_reporter:
        return 0
    return selectors.unit_pending_count(unit=user.unit)
