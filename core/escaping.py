"""HTML escaping and links for the pages that write their long tables in Python (the plan page, the
home's plan cards, My work's rows, the dashboards' tables)."""

import html

from django.urls import reverse


def escape(value) -> str:
    """conditional_escape's text (a SafeString kept as it is, never escaped twice), without its check
    of every argument for a lazy string: the plan page escapes some 20,000 values at province scale,
    and the check took a third of their time."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def id_url(name: str):
    """A function giving the page of an id under URL `name` (a route whose id is its only variable
    part), reversed once for a whole table rather than once a row."""
    prefix, _sep, suffix = reverse(name, args=[0]).rpartition("/0/")
    return lambda pk: f"{prefix}/{pk}/{suffix}"
