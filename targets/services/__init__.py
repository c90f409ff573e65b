"""Every write to plans, indicators and progress reports: checked, saved and audited in one transaction.

A progress report also keeps every version of itself (ReportVersion) and tells the people who act
next: the supervision office of the region sees a new submission, the unit sees a return or an
approval (in-app notifications).

One module per kind of record: `indicators` (indicators and a task's units), `reports` (a progress
report's cycle), `evidence` (comments and files), `entry` (a unit's entry of a period, as the form
and the workbook make it), `late_entry` (申请补报 and grants), and `common` (the role checks and
notices they share). Every app imports the writes from here: `from targets import services`.
"""

from .common import (  # noqa: F401 (the app's writes, imported from here)
    report_link,
)
from .entry import (  # noqa: F401 (the app's writes, imported from here)
    report_enter,
)
from .evidence import (  # noqa: F401 (the app's writes, imported from here)
    evidence_add,
    evidence_open,
    evidence_remove,
    report_comment_add,
)
from .indicators import (  # noqa: F401 (the app's writes, imported from here)
    INDICATOR_FIELDS,
    check_indicator_bounds,
    indicator_create,
    indicator_fingerprint,
    indicator_update,
    target_units_set,
)
from .late_entry import (  # noqa: F401 (the app's writes, imported from here)
    GRANT_DAYS,
    GRANT_FIELDS,
    REQUEST_FIELDS,
    late_entry_grant_create,
    late_entry_request_create,
    late_entry_request_decide,
)
from .reports import (  # noqa: F401 (the app's writes, imported from here)
    EDITABLE_FIELDS,
    REPORT_FIELDS,
    VALUE_PLACES,
    VERSION_FIELDS,
    grant_in_force,
    progress_report_create,
    progress_report_reopen,
    progress_report_review,
    progress_report_submit,
    progress_report_update,
    report_version,
)
