"""Rendered HTML of repeated rows, remembered by what they show.

A row's key is a digest of every value its template reads (the caller lists them in `state`), the
template's name and the language; the same values always give the same HTML, so an entry can never
be stale and nothing has to be invalidated. It spares the template engine, which drew long lists
(My work has a row per indicator) much more slowly than the data behind them was read.
"""
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from . import light_cache


def render_rows(template: str, rows: list, name: str, state) -> list[str]:
    """Each row rendered by `template` (with the row in the context as `name`), in order."""
    language = translation.get_language() or ""
    keys = []
    for row in rows:
        digest = hashlib.sha256(repr((template, language, state(row))).encode()).hexdigest()
        keys.append(f"fragment:{digest}")
    found = light_cache.quietly(lambda: cache.get_many(keys), {})
    drawn = {}
    for row, key in zip(rows, keys):
        if key not in found and key not in drawn:
            drawn[key] = render_to_string(template, {name: row})
    if drawn:
        light_cache.quietly(lambda: cache.set_many(drawn, timeout=settings.FRAGMENT_CACHE_SECONDS))
    # Our own template's output, escaped when it was rendered.
    return [mark_safe(found.get(key) or drawn[key]) for key in keys]
