"""A Celery worker that stops in the middle of every report while a file exists (tests/reports/test_worker.py).

Run as `python -m tests.reports.held_worker HOLD_FILE worker <worker options>`. It wraps
reports.services.snapshots_for_report, the first step after a report is claimed, so that a test can kill
the worker while the report is RUNNING; the product's code carries no hook for it.
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

    claimed = services.snapshots_for_report

    def held(**kwargs):
        Path(f"{hold}.reached").write_text(kwargs["region"].code)
        deadline = time.monotonic() + 120
        while hold.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        return claimed(**kwargs)

    services.snapshots_for_report = held
    from config.celery import app

    app.worker_main(sys.argv[2:])


if __name__ == "__main__":
    main()
