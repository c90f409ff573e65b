"""A Celery worker that stops in the middle of every report and export while a file exists
(tests/reports/test_worker.py).

Run as `python -m tests.reports.held_worker HOLD_FILE worker <worker options>`. It wraps the first step
after a job is claimed (reports.services.snapshots_for_report, reports.excel.jobs._rows_and_layout), so
that a test can kill the worker while the job is RUNNING; the product's code carries no hook for it.
"""

import os
import sys
import time
from pathlib import Path


def main() -> None:
    hold = Path(sys.argv[1])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from reports import services
    from reports.excel import jobs as export_jobs

    def held(step, what):
        def step_held(*args, **kwargs):
            Path(f"{hold}.reached").write_text(what)
            deadline = time.monotonic() + 120
            while hold.exists() and time.monotonic() < deadline:
                time.sleep(0.1)
            return step(*args, **kwargs)

        return step_held

    services.snapshots_for_report = held(services.snapshots_for_report, "report")
    export_jobs._rows_and_layout = held(export_jobs._rows_and_layout, "export")
    from config.celery import app

    app.worker_main(sys.argv[2:])


if __name__ == "__main__":
    main()
