"""Plan import from a responsibility table: parse → preview (units matched, indicators proposed) → commit.

``plan_import_parse`` reads and vets the file and returns JSON-ready data (nothing written, :mod:`.reading`);
the preview page or the API lets a person change it (:mod:`.edits`, :mod:`.units`, :mod:`.defaults`);
``plan_import`` writes it in one transaction, with an audit event, or writes nothing and says which task and
field are wrong (:mod:`.saving`).
"""

from .defaults import at_save, default_first_period, default_missing_baselines, first_period_is_default, with_defaults
from .edits import apply_preview_edits, milestones_text
from .reading import county_by_code, parse_plan_file, parse_plan_files, plan_dates, plan_import_parse
from .saving import PlanProblems, plan_import
from .units import decide_units, match_units, rematch_units, split_known_names, suggest_units

__all__ = [
    "PlanProblems",
    "apply_preview_edits",
    "at_save",
    "county_by_code",
    "decide_units",
    "default_first_period",
    "default_missing_baselines",
    "first_period_is_default",
    "match_units",
    "milestones_text",
    "parse_plan_file",
    "parse_plan_files",
    "plan_dates",
    "plan_import",
    "plan_import_parse",
    "rematch_units",
    "split_known_names",
    "suggest_units",
    "with_defaults",
]
