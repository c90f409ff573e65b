"""Leaders' instructions (批示) in the global search (supervision.search), among those the user may see."""

from django.urls import reverse
from django.utils.text import Truncator

from supervision.search import Hit

from .selectors import instructions_visible_to


def instruction_hits(*, user, matching, limit: int) -> list[Hit]:
    """Instructions whose text holds every word, newest first: to a unit only what reaches it."""
    found = matching(instructions_visible_to(user).select_related("author"), "text").order_by("-issued_at", "-id")
    return [
        Hit(
            Truncator(i.text).chars(60),
            f"{i.author.shown_name} · {i.get_status_display()}",
            reverse("instructions:detail", args=[i.pk]),
        )
        for i in found[:limit]
    ]
