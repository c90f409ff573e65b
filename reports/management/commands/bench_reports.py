"""Print how long each kind of report takes to generate, and how many queries it makes, per region.

    python manage.py bench_reports --month 2026-11            # every region with plans
    python manage.py bench_reports --month 2026-11 --region 330305000000
    python manage.py bench_reports --month 2026-11 --pdf      # and the LibreOffice PDF, timed apart

`seconds` is the whole generation (snapshots, figures, text, .docx and .xlsx) without the PDF, which
follows in its own task. `writers` is the time our .docx and .xlsx writers take for the report's
stored content, `bare` what python-docx and openpyxl take to write the same paragraphs and tables
plain (no fonts, widths or print setup), and `ratio` is writers / bare.

Each run makes real report rows (new versions); use a scratch database (e.g. after `load_demo`).
"""

import time
from io import BytesIO

import openpyxl
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from docx import Document

from core.periods import parse_period
from reports import services
from reports.bulletins.docx_writer import write_docx
from reports.bulletins.pdf import report_pdf, soffice
from reports.bulletins.xlsx_writer import write_xlsx
from reports.models import ReportKind
from reports.selectors import schedule_regions
from supervision.figures import indicators_in


def bare_docx(content: dict) -> bytes:
    """The report's paragraphs and tables through python-docx's own API, nothing set but the text."""
    document = Document()
    document.add_paragraph(content["title"])
    for block in content["blocks"]:
        if block["type"] != "table":
            document.add_paragraph(block["text"])
            continue
        table = document.add_table(rows=1 + len(block["rows"]), cols=len(block["columns"]))
        for cell, column in zip(table.rows[0].cells, block["columns"]):
            cell.text = column["header"]
        for row, values in zip(table.rows[1:], block["rows"]):
            for cell, value in zip(row.cells, values):
                cell.text = "" if value is None else str(value)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def bare_xlsx(content: dict) -> bytes:
    """The report's tables as plain openpyxl sheets: a header row and the values."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for n, block in enumerate(b for b in content["blocks"] if b["type"] == "table"):
        sheet = workbook.create_sheet(f"s{n}")
        sheet.append([column["header"] for column in block["columns"]])
        for values in block["rows"]:
            sheet.append(values)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _timed(write, content, repeat: int = 3) -> float:
    """The best of `repeat` runs: the machine is shared, the least disturbed run is the writer's cost."""
    best = None
    for _ in range(repeat):
        began = time.perf_counter()
        write(content)
        took = time.perf_counter() - began
        best = took if best is None else min(best, took)
    return best


class Command(BaseCommand):
    help = "Generate each kind of report for a month and print the seconds and queries each took."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM, the last month covered.")
        parser.add_argument("--region", help="Division code; every region with plans when absent.")
        parser.add_argument("--pdf", action="store_true", help="Also time the LibreOffice PDF of each report.")

    def handle(self, *args, month, region=None, pdf=False, **options):
        try:
            start, _frequency = parse_period(month)
        except ValueError as error:
            raise CommandError(str(error)) from None
        if pdf and soffice() is None:
            raise CommandError("--pdf needs LibreOffice (soffice) on the PATH")
        regions = schedule_regions()
        if region:
            regions = regions.filter(code=region)
        self.stdout.write(
            f"{'region':<14}{'indicators':>11}  {'kind':<10}{'seconds':>9}{'queries':>9}{'rows':>7}"
            f"{'writers':>9}{'bare':>8}{'ratio':>7}" + (f"{'pdf':>7}" if pdf else "")
        )
        for r in regions:
            count = indicators_in(region=r).count()
            for kind in ReportKind.values:
                self._one(r, count, kind, start, pdf)

    def _one(self, region, count, kind, start, pdf) -> None:
        report = services.report_request(region=region, kind=kind, month=start, enqueue=False)
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            report = services.report_generate(report_id=report.pk, render_pdf=False)
        took = time.perf_counter() - began
        content = report.content
        with translation.override(settings.LANGUAGE_CODE):
            writers = _timed(write_docx, content) + _timed(write_xlsx, content)
        bare = _timed(bare_docx, content) + _timed(bare_xlsx, content)
        rows = sum(len(b["rows"]) for b in content.get("blocks", []) if b["type"] == "table")
        line = (
            f"{region.code:<14}{count:>11}  {kind:<10}{took:>9.2f}{len(queries):>9}{rows:>7}"
            f"{writers:>9.3f}{bare:>8.3f}{writers / bare:>7.2f}"
        )
        if pdf:
            began = time.perf_counter()
            with translation.override(settings.LANGUAGE_CODE):
                report_pdf(write_docx(content), content)
            line += f"{time.perf_counter() - began:>7.1f}"
        self.stdout.write(line)
