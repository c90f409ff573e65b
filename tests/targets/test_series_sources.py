from datetime import date
from decimal import Decimal

from targets import rules, series_sources
from villages.derived import derived_series


def test_villages_registers_its_derived_figures_with_targets():
    assert derived_series in series_sources._sources


def test_a_registered_source_gives_the_series_of_only_the_indicators_it_computes(monkeypatch):
    class Indicator:
        def __init__(self, pk):
            self.pk = pk

    point = rules.ReportPoint(date(2025, 1, 1), Decimal("3"), date(2025, 1, 20))
    monkeypatch.setattr(series_sources, "_sources", [])
    series_sources.register(lambda indicators, as_of: {i.pk: [point] for i in indicators if i.pk == 2})
    series_sources.register(lambda indicators, as_of: {})

    assert series_sources.computed_series([Indicator(1), Indicator(2)], date(2025, 6, 1)) == {2: [point]}


def test_registering_a_source_twice_keeps_one(monkeypatch):
    monkeypatch.setattr(series_sources, "_sources", [])
    source = lambda indicators, as_of: {}  # noqa: E731
    series_sources.register(source)
    series_sources.register(source)
    assert series_sources._sources == [source]
