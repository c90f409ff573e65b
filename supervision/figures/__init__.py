"""The figures of the supervision dashboards and the bulletins: the month under way read from today's
stored lights (targets.CurrentLight), a past month from its month-end snapshots.

Pure selectors: keyword arguments in, plain dataclasses out, a fixed number of queries whatever the
size of the region (every count is a GROUP BY in the database, never a loop over indicators).
Nothing here writes: `supervision.services.snapshot_freeze(as_of=month_end)` freezes a month, the
Celery task `supervision.tasks.freeze_month_end` does so on the 1st and the office's button (a
POST) whenever asked. A past month without snapshots is a month of zero indicators, never a guess.

Every function takes `as_of` (any day; the month end on or after it is used) or `month`, the
region to look at (a county, a city, a province, or None for everything), and optional filters:
`plan`, `section` (with its sub-sections), `unit` (indicators it leads, shares or is allocated) and
`township` (the township's own lights on its allocated shares, plus the indicators its unit
answers for that are not allocated).

The figures are a package: `scope` (the filters every figure reads over), `counts` (tiles,
splits, trend), `reporting` (reporting rates, league tables), `flagged` (red and amber lists) and
`items` (done this month, open items, unowned). Every caller imports them from here.
"""

from .counts import (  # noqa: F401 (the dashboards' figures, imported from here)
    GroupCounts,
    LightCounts,
    TrendPoint,
    light_counts,
    light_counts_by,
    overview_counts,
    trend,
)
from .flagged import (  # noqa: F401 (the dashboards' figures, imported from here)
    FlaggedList,
    FlaggedRow,
    flagged,
    flagged_lists,
)
from .items import (  # noqa: F401 (the dashboards' figures, imported from here)
    DoneRow,
    OpenItem,
    follow_ups,
    newly_done,
    open_items,
    unowned,
)
from .reporting import (  # noqa: F401 (the dashboards' figures, imported from here)
    LeagueRow,
    Ranked,
    ReportingRate,
    league_table,
    league_tables,
    reporting_rates,
)
from .scope import (  # noqa: F401 (the dashboards' figures, imported from here)
    DIMENSIONS,
    FLAGGED,
    LIGHTS,
    indicators_in,
    is_current,
    lights_of,
    snapshots,
)
