"""HTML escaping for the pages that write their long tables in Python (the plan page, the home's
plan cards, the dashboards' tables)."""

import html


def escape(value) -> str:
    """conditional_escape's text (a SafeString kept as it is, never escaped twice), without its check
    of every argument for a lazy string: the plan page escapes some 20,000 values at province scale,
    and the check took a third of their time."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))
