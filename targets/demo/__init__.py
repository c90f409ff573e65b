"""Demo data transcribed from the seed plans in /work/shared/seeds/.

Pure Python, no Django imports, so loaders, fixtures and tests can use it without settings.
Each module exposes the same names:

* ``PLAN``        -- title, doc_number, issuer, region_code, region_name, start, end, published
* ``TOWNSHIPS``   -- [(12-digit code, name, level)]
* ``VILLAGES``    -- {township code: [(12-digit code, name, level)]}
* ``DEPARTMENTS`` -- [unit name]
* ``SECTIONS``    -- [(title, parent title or None)]
* ``TASKS``       -- [{seq, section, name, content, units_raw, lead_units, co_units, all_townships, note,
  indicators: [{name, kind, unit, baseline, target, start, deadline, frequency, milestones, phrase,
  [baseline_note]}]}]

Values are strings (use ``Decimal``), dates are ISO strings.  Each module's docstring says which codes and
names are real and which are made up.
"""
from . import dongtou, xunyi

PLANS = {"dongtou": dongtou, "xunyi": xunyi}

__all__ = ["PLANS", "dongtou", "xunyi"]
