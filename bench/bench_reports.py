"""Print how long each kind of report takes to generate, and how many queries it makes, per region.

    .venv/bin/python bench/bench_reports.py --month 2026-11            # every region with plans
    .venv/bin/python bench/bench_reports.py --month 2026-11 --region 330305000000
    .venv/bin/python bench/bench_reports.py --month 2026-11 --pdf      # and the LibreOffice PDF, timed apart

`seconds` is the whole generation (snapshots, figures, text, .docx and .xlsx) without the PDF, which
follows in its own task. `writers` is the time the product's .docx and .xlsx writers take for the report's
stored content, `bare` what python-docx and openpyxl take to write the same paragraphs and tables
plain (no fonts, widths or print setup), and `ratio` is writers / bare.

Each run makes real report rows (new versions) in the database DATABASE_URL names; use a scratch one
(e.g. after `manage.py load_demo`).
"""

import argparse
import os
import sys
import time
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import translation  # noqa: E402
from docx import Document  # noqa: E402

from core.periods import parse_period  # noqa: E402
from reports import services  # noqa: E402
from reports.bulletins.docx_writer import write_docx  # noqa: E402
from reports.bulletins.pdf import report_pdf, soffice  # noqa: E402
from reports.bulletins.xlsx_writer import write_xlsx  # noqa: E402
from reports.models import ReportKind  # noqa: E402
from reports.selectors import schedule_regions  # noqa: E402
from supervision.figures import indicators_in  # noqa: E402


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


def one(region, count, kind, start, pdf) -> str:
    report = services.report_request(region=region, kind=kind, month=start, enqueue=False)
    began = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        report = services.report_generate(report_id=report.pk, render_pdf=False)
    took = time.perf_counter() - began
    if report.status != "done":  # the runner records an error on the row instead of raising it
        raise RuntimeError(f"report {report.pk} of {region.code} failed: {report.failure_reason}")
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
    return line


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--month", required=True, help="YYYY-MM, the last month covered.")
    parser.add_argument("--region", help="Division code; every region with plans when absent.")
    parser.add_argument("--pdf", action="store_true", help="Also time the LibreOffice PDF of each report.")
    args = parser.parse_args()
    try:
        start, _frequency = parse_period(args.month)
    except ValueError as error:
        parser.error(str(error))
    if args.pdf and soffice() is None:
        parser.error("--pdf needs LibreOffice (soffice) on the PATH")
    regions = schedule_regions()
    if args.region:
        regions = regions.filter(code=args.region)
    print(
        f"{'region':<14}{'indicators':>11}  {'kind':<10}{'seconds':>9}{'queries':>9}{'rows':>7}"
        f"{'writers':>9}{'bare':>8}{'ratio':>7}" + (f"{'pdf':>7}" if args.pdf else "")
    )
    for region in regions:
        count = indicators_in(region=region).count()
        for kind in ReportKind.values:
            print(one(region, count, kind, start, args.pdf), flush=True)


if __name__ == "__main__":
    main()
