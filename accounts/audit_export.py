"""The audit log as an .xlsx file, streamed row by row through core.xlsx.write_list (its formula guard keeps a
user name such as "=HYPERLINK(...)" as text)."""

import json
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.xlsx import Column, write_list


def _json(value):
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


# (header, getter, width)
COLUMNS = [
    (_("Time"), lambda e: timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"), 20),
    (_("User"), lambda e: e.username, 14),
    (_("Address"), lambda e: e.ip or "", 16),
    (_("Action"), lambda e: e.action, 24),
    (_("Object type"), lambda e: e.object_type, 18),
    (_("Object id"), lambda e: e.object_id, 10),
    (_("Object"), lambda e: e.object_repr, 30),
    (_("Old values"), lambda e: _json(e.old), 40),
    (_("New values"), lambda e: _json(e.new), 40),
    (_("Outcome"), lambda e: e.outcome, 10),
    (_("Record id"), lambda e: e.id, 10),
    (_("Hash"), lambda e: e.hash, 30),
]


def audit_workbook(events, *, author: str = "") -> bytes:
    columns = [Column(group=str(header), header=str(header), get=get, width=width) for header, get, width in COLUMNS]
    out = BytesIO()
    write_list(
        out, sheet_title=str(_("Audit log")), columns=columns, rows=events.iterator(chunk_size=2000), author=author
    )
    return out.getvalue()
