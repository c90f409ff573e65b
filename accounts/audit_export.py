"""The audit log as an .xlsx file, streamed row by row (openpyxl write-only mode)."""

import json
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from core.xlsx import safe_value


def _json(value):
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


COLUMNS = [
    (_("Time"), lambda e: timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S")),
    (_("User"), lambda e: e.username),
    (_("Address"), lambda e: e.ip or ""),
    (_("Action"), lambda e: e.action),
    (_("Object type"), lambda e: e.object_type),
    (_("Object id"), lambda e: e.object_id),
    (_("Object"), lambda e: e.object_repr),
    (_("Old values"), lambda e: _json(e.old)),
    (_("New values"), lambda e: _json(e.new)),
    (_("Outcome"), lambda e: e.outcome),
    (_("Record id"), lambda e: e.id),
    (_("Hash"), lambda e: e.hash),
]


def audit_workbook(events) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("Audit log")))
    sheet.append([str(header) for header, _getter in COLUMNS])
    for event in events.iterator(chunk_size=2000):
        # core.xlsx.safe_value is the product's one formula guard: a user name such as "=HYPERLINK(...)" stays text.
        sheet.append([safe_value(sheet, getter(event)) for _header, getter in COLUMNS])
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
