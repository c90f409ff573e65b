"""Where an indicator's figures come from when no unit reports them: sources registered by the apps above.

An indicator normally takes its series from its progress reports. An app higher in the layering
(villages, for the indicators computed from village income records) registers a source here in
its `AppConfig.ready()`; `targets.selectors.judge` asks every source and lets a source's series
replace the reported one. targets thus never imports the app that computes the figures.

A source is `source(indicators, as_of) -> {indicator_id: [rules.ReportPoint, …]}`, holding only the
indicators it computes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from . import rules

Source = Callable[[list, date], dict[int, list[rules.ReportPoint]]]

_sources: list[Source] = []


def register(source: Source) -> None:
    """Add a source once (ready() may run twice in a test process)."""
    if source not in _sources:
        _sources.append(source)


def computed_series(indicators: Iterable, as_of: date) -> dict[int, list[rules.ReportPoint]]:
    """The series of the indicators some source computes; the others are not in the result."""
    indicators = list(indicators)
    found: dict[int, list[rules.ReportPoint]] = {}
    for source in _sources:
        found.update(source(indicators, as_of))
    return found
