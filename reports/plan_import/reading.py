"""Reading a plan's file or files into the preview's data: title, period, sections, tasks, proposed indicators.

Nothing is written; the unit names are matched against the county's units (:mod:`.units`).
"""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.uploads import UnreadableFile
from regions.models import Region, RegionLevel

from ..excel import indicators as extraction
from ..intake import beside, prose
from ..intake import head as plan_head
from ..intake import parts as intake_parts
from ..intake.dates import period_from_text, year_of_title
from ..intake.files import read_plan_file
from ..intake.table import grid_title, parse_grid
from .units import match_units

PLAN_YEARS = re.compile(r"(20\d{2})\s*[-—–~至到]+\s*(20\d{2})")


def county_by_code(code: str) -> Region:
    region = Region.objects.filter(code=str(code).strip(), level=RegionLevel.COUNTY).first()
    if region is None:
        raise ValidationError(
            {"region": _("No county with division code %(code)s is in the platform.") % {"code": code}}
        )
    return region


def plan_dates(title: str, today: date | None = None) -> tuple[date, date]:
    """ "…(2023—2027年)" → 2023-01-01 … 2027-12-31; without years, this year and the four after it."""
    match = PLAN_YEARS.search(extraction.normalise(title))
    if match:
        return date(int(match.group(1)), 1, 1), date(int(match.group(2)), 12, 31)
    year = (today or timezone.localdate()).year
    return date(year, 1, 1), date(year + 4, 12, 31)


def _stated_period(title: str, plan_file, head) -> tuple[date, date] | None:
    """The period the typed title states, else the one the document states (its own title, a sentence), else the
    one year a title names ("禾丰县2024年乡村振兴重点工作实施方案": that calendar year)."""
    titles = [title, grid_title(plan_file.grid) if plan_file.grid is not None else "", head.title]
    if plan_file.grid is not None:
        stated = (
            period_from_text(title)
            or period_from_text(titles[1])
            or (period_from_text(head.title) if head.title else None)
            or (plan_head.find_period(plan_file.lines, head) if plan_file.lines else None)
        )
    else:
        stated = period_from_text(title) or plan_head.find_period(plan_file.lines, head)
    return stated or next((year for t in titles if t and (year := year_of_title(t))), None)


def _with_text_beside(parsed: dict, plan_file, start: date, end: date) -> None:
    """The text around a table read as well: its tasks the table does not cover are kept aside for the person to
    import (``text_tasks``), its sentences that are no task listed as not understood (reports.intake.beside)."""
    lines = plan_file.lines[: plan_file.table_line] if plan_file.table_line is not None else plan_file.lines
    if not any(line.strip() for line in lines):
        parsed["text_tasks"] = []
        return
    text = prose.parse_lines(lines, start=start, end=end, head=plan_head.document_head(lines))
    parsed["text_tasks"] = beside.text_tasks_beside(parsed, text)
    parsed["not_understood"] = parsed.get("not_understood", []) + [
        dict(row, section=None) for row in text["not_understood"]
    ]
    if parsed["text_tasks"]:
        parsed["warnings"].append(beside.aside_warning(len(parsed["text_tasks"])))


def parse_plan_file(plan_file, *, title: str = "", start: date | None = None, end: date | None = None) -> dict:
    """The preview's data for a file already read (reports.intake.files), before units are matched; pure.

    A document that states no period gets a guessed one, marked `period_assumed`: the preview asks
    the person to set it and the import refuses it until then.
    """
    head = plan_head.document_head(plan_file.lines)
    if plan_file.table_line is not None:  # a plan text whose annex is the responsibility table, as text
        title = title or head.title or grid_title(plan_file.grid) or plan_file.name
    elif plan_file.grid is not None:
        title = title or grid_title(plan_file.grid) or head.title or plan_file.name
    elif not plan_file.lines or not any(line.strip() for line in plan_file.lines):
        raise UnreadableFile(_("The file holds no text to read a plan from."))
    else:
        title = title or head.title or plan_file.name
    stated = _stated_period(title, plan_file, head)
    period_assumed = stated is None and not (start and end)
    title_start, title_end = stated or plan_dates(title)
    start, end = start or title_start, end or title_end
    if plan_file.grid is not None:
        parsed = parse_grid(plan_file.grid, start=start, end=end)
        plan_head.body_end(plan_file.lines, head)  # the signature and date at the foot fill the issuer and date
        head.issuer = head.issuer or plan_head.issuer_from_number(head.doc_number, plan_file.lines)
        parsed.update(head.as_dict())
        if plan_file.table_line is not None:
            parsed["warnings"].insert(
                0,
                {
                    "row": plan_file.table_line + 1,
                    "message": _(
                        "The tasks were read from the responsibility table that starts on line %(line)s; the plan's text "
                        "above it was read for its title, number, issuer and period only."
                    )
                    % {"line": plan_file.table_line + 1},
                },
            )
        _with_text_beside(parsed, plan_file, start, end)
    else:
        parsed = prose.parse_lines(plan_file.lines, start=start, end=end, head=head)
    parsed.update(
        title=title[:300],
        file_name=plan_file.name,
        start=start.isoformat(),
        end=end.isoformat(),
        period_assumed=period_assumed,
    )
    return parsed


def parse_plan_files(plan_files: list, *, title: str = "", start: date | None = None, end: date | None = None) -> dict:
    """Several files of one plan (its text and its table, or tables of its parts) as one preview
    (reports.intake.parts); the period the first file states holds for all, so their dates agree."""
    parts = [parse_plan_file(f, title=title, start=start, end=end) for f in plan_files]
    stated = next((p for p in parts if not p["period_assumed"]), None)
    if len(parts) > 1 and stated is not None and not (start and end):
        start, end = date.fromisoformat(stated["start"]), date.fromisoformat(stated["end"])
        parts = [parse_plan_file(f, title=title, start=start, end=end) for f in plan_files]
    return intake_parts.combined(parts)


def plan_import_parse(
    *, file, region: Region, title: str = "", start: date | None = None, end: date | None = None
) -> dict:
    """Read a plan file (a table, or a plan written as text), or a list of the files of one plan, into the
    preview's data; nothing is written."""
    uploads = list(file) if isinstance(file, (list, tuple)) else [file]
    parsed = parse_plan_files([read_plan_file(f) for f in uploads], title=title, start=start, end=end)
    parsed.update(region=region.code, units=match_units(parsed, region))
    return parsed
