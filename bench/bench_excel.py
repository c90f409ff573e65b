"""Benchmark the Excel import and export against the bare libraries on the same data.

    .venv/bin/python bench/bench_excel.py [--rows-in 10000] [--rows-out 100000]

Prints rows per second and peak memory (growth of the process's maximum resident set, so memory
held by calamine's Rust code counts too) for:

* import: a 10,000-row progress workbook through our path (safe checks: size, zip directory,
  inflating every part, XML prologs; calamine read; every row validated) against a bare
  ``python-calamine`` read of the same file;
* export: a 100,000-row ledger through ``core.xlsx.write_table`` (merged two-row header,
  light fills, percent format, formula-safe text, print set-up) against a bare openpyxl write-only
  append of the same values.

Each case runs in a forked child so one case's memory does not hide another's; the best of three
runs is shown. Database writes are not part of the figures (see the README for why).
"""

import argparse
import io
import os
import random
import resource
import sys
import time
from decimal import Decimal
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from core.uploads import check_upload, read_rows  # noqa: E402
from core.xlsx import write_table  # noqa: E402
from reports.excel import progress  # noqa: E402
from reports.excel.ledger import LedgerRow  # noqa: E402
from reports.excel.writers import LEDGER_COLUMNS  # noqa: E402
from targets.models import Indicator  # noqa: E402

LIGHTS = ["green", "amber", "red", "done", "not_started"]


def progress_workbook(rows: int) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(progress.SHEET)
    sheet.append(["单位 2025-05 目标任务进度填报表"])
    sheet.append(["请只填写黄色单元格"])
    sheet.append([c.header for c in progress.COLUMNS])
    for i in range(1, rows + 1):
        sheet.append(
            [
                i,
                i,
                f"任务{i % 70}",
                f"指标名称{i}",
                "个",
                1200,
                300 + i % 50,
                "2025-05-25",
                600 + i % 100,
                f"完成了第{i}项工作,推进顺利",
                "资金未到位" if i % 3 else "",
                "继续推进",
            ]
        )
    meta = workbook.create_sheet(progress.META)
    meta.append(["unit_id", 1])
    meta.append(["period", "2025-05"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ledger_data(rows: int) -> list[LedgerRow]:
    rng = random.Random(6)
    return [
        LedgerRow(
            seq=i // 3 + 1,
            task=f"任务名称{i // 3}",
            content=f"全区建设改造农村生活污水处理设施{i}个,覆盖率达98%以上",
            indicator=f"污水处理设施{i % 3}",
            measure="个",
            lead_units="区农业农村局",
            co_units="区住建局、各街道乡镇",
            target=Decimal(1200),
            actual=Decimal(rng.randint(0, 1300)),
            completion=Decimal(rng.randint(0, 1100)) / 1000,
            light=LIGHTS[i % 5],
            progress='=HYPERLINK("x")' if i % 1000 == 0 else f"本月完成{i % 40}个,累计推进顺利",
            problems="" if i % 4 else "资金未到位",
        )
        for i in range(rows)
    ]


def ours_import(data: bytes, rows: int, indicators: dict):
    upload = check_upload(io.BytesIO(data), name="bench.xlsx")
    items, errors = progress._parse_rows(read_rows(upload, progress.SHEET), indicators)
    assert len(items) == rows and not errors, errors[:3]


def bare_import(data: bytes, rows: int, _indicators=None):
    got = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(progress.SHEET).to_python()
    assert len(got) == rows + 3


def ours_export(data, rows: int):
    out = io.BytesIO()
    assert write_table(out, title="洞头区目标任务推进台账", columns=LEDGER_COLUMNS, rows=data) == rows


def bare_export(data, rows: int):
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in data:
        sheet.append(
            [
                row.seq,
                row.task,
                row.content,
                row.lead_units,
                row.co_units,
                float(row.target),
                float(row.actual),
                float(row.completion),
                row.light,
                row.progress,
                row.problems,
            ]
        )
    workbook.save(io.BytesIO())


def _child(case, args, queue):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.process_time()  # CPU seconds: other work on the machine does not blur the ratio
    case(*args)
    elapsed = time.process_time() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    queue.put((elapsed, peak / 1024))


def measure(case, *args, repeat=3):
    ctx = get_context("fork")
    results = []
    for _ in range(repeat):
        queue = ctx.Queue()
        child = ctx.Process(target=_child, args=(case, args, queue))
        child.start()
        results.append(queue.get())
        child.join()
    return min(r[0] for r in results), min(r[1] for r in results)


def report(label, rows, ours, bare, goal):
    ratio = ours[0] / bare[0]
    print(f"{label:<8} ours: {rows / ours[0]:>9,.0f} rows/s  {ours[0]:6.2f} s  peak +{ours[1]:6.1f} MB")
    print(f"{'':<8} bare: {rows / bare[0]:>9,.0f} rows/s  {bare[0]:6.2f} s  peak +{bare[1]:6.1f} MB")
    print(f"{'':<8} ratio {ratio:.2f}x (goal within {goal}x): {'met' if ratio <= goal else 'NOT met'}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows-in", type=int, default=10_000)
    parser.add_argument("--rows-out", type=int, default=100_000)
    args = parser.parse_args()
    workbook = progress_workbook(args.rows_in)
    print(f"import: progress workbook of {args.rows_in:,} rows, {len(workbook) / 1024:.0f} KB")
    # The unit's indicators come from one query in the real upload; here they are made before timing.
    indicators = {i: Indicator(pk=i, kind="increase") for i in range(1, args.rows_in + 1)}
    report(
        "import",
        args.rows_in,
        measure(ours_import, workbook, args.rows_in, indicators),
        measure(bare_import, workbook, args.rows_in),
        3,
    )
    data = ledger_data(args.rows_out)
    print(f"export: ledger of {args.rows_out:,} rows")
    report(
        "export",
        args.rows_out,
        measure(ours_export, data, args.rows_out),
        measure(bare_export, data, args.rows_out),
        1.3,
    )


if __name__ == "__main__":
    main()
