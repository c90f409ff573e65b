"""Benchmark of the home page and the supervision dashboards at province scale (not a test: it prints figures).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rp_bench_lights .venv/bin/python bench/bench_dashboards.py

Loads, once, a synthetic province into PostgreSQL: 90 counties (9 cities of 10), about 1,080
townships and 20,000 villages, 3,330 units, one plan per county with nested sections, 30,000
indicators (5 % allocated to every township of their county), 60 months of monthly reports
(about 2.6 million rows, written with COPY), then runs ANALYZE, fills the table of current lights
(`targets.lights.lights_rejudge_all`, timed: a deployment's `manage.py judge_lights`), freezes the
previous month end with `supervision.services.snapshot_freeze` itself (timed: the month-end task)
and copies its rows to the 11 month ends before, so the 12-month trend reads its real volume. A
second run finds the data and reuses it; `--reload` drops and loads again, `--refreeze` only fills
and freezes again.

Then, for each page, it prints the server time (Django test Client, so middleware, view, queries
and template are all in it): cold is the first request of the page, for its own data, in this
process (which has served one small page and each county page once for another county before, a
worker's own warm-up: templates compiled, first-use work done), warm the median of --runs
requests after it; the number of queries; and, in the same sitting, the time of hand-written SQL computing every
figure the page shows from the same tables (PAGE_SQL lists them; median of --runs), and the ratio
cold ÷ bare. `cpu` is the warm requests' median process time: this process's own work (Python,
template, driver), which other processes on a busy machine do not stretch as they stretch wall time. The pages use no cache, so cold and warm differ only by PostgreSQL's own buffers and
Python's warm-up.
"""

import argparse
import csv
import io
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")  # no query log, no debug toolbar costs: production-like timings

PROVINCE = "990000000000"
CITIES, COUNTIES_PER_CITY, TOWNSHIPS, VILLAGES_PER_COUNTY = 9, 10, 12, 222
DEPARTMENTS = 25
INDICATORS_PER_COUNTY, INDICATORS_PER_TARGET = 333, 3
MONTHS = 60
SEED = 20251124


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reload", action="store_true", help="drop the benchmark data and load it again")
    parser.add_argument("--refreeze", action="store_true", help="freeze the current and previous month again")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per page (median printed)")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit(
            "Set DATABASE_URL=postgres://postgres@127.0.0.1:5432/rp_bench_lights: the benchmark measures PostgreSQL."
        )
    _create_database(url)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from targets.models import Plan

    loaded = Plan.objects.filter(doc_number="BENCH").count()
    if args.reload or loaded != CITIES * COUNTIES_PER_CITY:
        if loaded:
            _drop()
        _timed("load", _load)
        args.refreeze = True
    else:
        print(f"reusing the loaded province ({loaded} county plans)")
    if args.refreeze:
        _freeze_history()
    _vacuum_lights()
    _report_sizes()
    _bench(args.runs)


def _vacuum_lights():
    """VACUUM the table of current lights, as autovacuum does after the nightly task rewrites them
    (it is on in production's PostgreSQL, off on the development server): storing the lights deletes
    and inserts every row, and until a VACUUM marks the pages all-visible an index-only scan reads
    the table too. Quick on a table already vacuumed."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) targets_currentlight")
    print(f"  VACUUM (ANALYZE) of the current lights: {time.perf_counter() - started:.1f} s")


def _create_database(url):
    from urllib.parse import urlparse

    import psycopg2

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = psycopg2.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def _timed(label, fn, *args):
    started = time.perf_counter()
    result = fn(*args)
    print(f"{label}: {time.perf_counter() - started:.1f} s")
    return result


# Loading -----------------------------------------------------------------------------------------


def _copy(model, rows):
    """COPY rows (dicts by attribute name) into the model's table; missing fields take the defaults below."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields]
    buffer, count = io.StringIO(), 0
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([_csv(row.get(f.attname, _default(f))) for f in fields])
        count += 1
        if buffer.tell() > 32 * 1024 * 1024:
            _flush(connection, model, fields, buffer)
            buffer = io.StringIO()
            writer = csv.writer(buffer)
    _flush(connection, model, fields, buffer)
    return count


def _default(field):
    if field.has_default():
        value = field.get_default()
        return value
    if field.null:
        return None
    if field.get_internal_type() in ("DateTimeField",):
        return datetime(2020, 1, 1, 0, 0)
    return ""


def _csv(value):
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return value


def _flush(connection, model, fields, buffer):
    buffer.seek(0)
    columns = ", ".join(f'"{f.column}"' for f in fields)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY \"{model._meta.db_table}\" ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer
        )


def _load():
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from accounts.models import Role, User
    from regions.models import Region, Unit
    from targets.models import Allocation, Indicator, Plan, ProgressReport, Section, Target

    rng = random.Random(SEED)
    today = date.today()
    first_month = _add_months(today.replace(day=1), -MONTHS)
    with transaction.atomic():
        regions, counties, townships = _regions()
        _copy(Region, regions)
        units, departments, towns = _units(counties, townships)
        _copy(Unit, units)
        plans, sections, targets, leads, indicators, allocations = _plans(
            rng, counties, departments, towns, first_month
        )
        _copy(Plan, plans)
        _copy(Section, sections)
        _copy(Target, targets)
        _copy(Target.lead_units.through, leads)
        _copy(Indicator, indicators)
        _copy(Allocation, allocations)
        admin = User.objects.create_user("bench_admin", password="Bench@2025", role=Role.ADMIN)
        User.objects.create_user(
            "bench_county",
            password="Bench@2025",
            role=Role.SUPERVISOR,
            region=Region.objects.get(code=counties[0]["code"]),
        )
        count = _copy(ProgressReport, _reports(rng, indicators, allocations, leads, today, admin.pk))
        print(f"  {len(regions)} regions, {len(units)} units, {len(indicators)} indicators, {count} reports")
        models = [Region, Unit, Plan, Section, Target, Target.lead_units.through, Indicator, Allocation, ProgressReport]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _add_months(d, months):
    year, month0 = divmod(d.year * 12 + d.month - 1 + months, 12)
    return date(year, month0 + 1, 1)


def _regions():
    regions, counties, townships = [], [], {}
    pk = 1
    regions.append({"id": pk, "code": PROVINCE, "name": "基准省", "level": "province"})
    for c in range(CITIES):
        pk += 1
        city = {"id": pk, "code": f"99{c + 1:02d}00000000", "name": f"基准市{c + 1}", "level": "city", "parent_id": 1}
        regions.append(city)
        for k in range(COUNTIES_PER_CITY):
            pk += 1
            county = {
                "id": pk,
                "code": f"99{c + 1:02d}{k + 1:02d}000000",
                "name": f"基准县{c + 1}-{k + 1}",
                "level": "county",
                "parent_id": city["id"],
            }
            regions.append(county)
            counties.append(county)
            townships[pk] = []
            for t in range(TOWNSHIPS):
                pk += 1
                town = {
                    "id": pk,
                    "code": county["code"][:6] + f"{t + 101:03d}000",
                    "name": f"{county['name']}镇{t + 1}",
                    "level": "township",
                    "parent_id": county["id"],
                    "kind": "镇",
                }
                regions.append(town)
                townships[county["id"]].append(town)
            for v in range(VILLAGES_PER_COUNTY):
                pk += 1
                town = townships[county["id"]][v % TOWNSHIPS]
                regions.append(
                    {
                        "id": pk,
                        "code": town["code"][:9] + f"{v // TOWNSHIPS + 1:03d}",
                        "name": f"村{v + 1}",
                        "level": "village",
                        "parent_id": town["id"],
                        "kind": "行政村",
                    }
                )
    return regions, counties, townships


def _units(counties, townships):
    units, departments, towns = [], {}, {}
    pk = 0
    for county in counties:
        departments[county["id"]], towns[county["id"]] = [], []
        for d in range(DEPARTMENTS):
            pk += 1
            units.append({"id": pk, "county_id": county["id"], "name": f"部门{d + 1}", "kind": "department"})
            departments[county["id"]].append(pk)
        for town in townships[county["id"]]:
            pk += 1
            units.append(
                {
                    "id": pk,
                    "county_id": county["id"],
                    "name": town["name"],
                    "kind": "township",
                    "township_id": town["id"],
                }
            )
            towns[county["id"]].append(pk)
    return units, departments, towns


def _plans(rng, counties, departments, towns, first_month):
    plans, sections, targets, leads, indicators, allocations = [], [], [], [], [], []
    section_pk = target_pk = lead_pk = indicator_pk = allocation_pk = 0
    for p, county in enumerate(counties, start=1):
        plans.append(
            {
                "id": p,
                "title": f"{county['name']}乡村振兴实施方案",
                "doc_number": "BENCH",
                "region_id": county["id"],
                "start_date": first_month,
                "end_date": _add_months(first_month, 72) - timedelta(days=1),
                "amber_gap": Decimal(10),
                "red_gap": Decimal(20),
                "due_day": 25,
                "created_at": datetime(2020, 1, 1),
            }
        )
        tops = []
        for s in range(5):
            section_pk += 1
            sections.append({"id": section_pk, "plan_id": p, "title": f"{'一二三四五'[s]}、行动", "order": s * 3})
            tops.append(section_pk)
            for sub in range(2):
                section_pk += 1
                sections.append(
                    {
                        "id": section_pk,
                        "plan_id": p,
                        "parent_id": tops[-1],
                        "title": f"({sub + 1})子行动",
                        "order": s * 3 + sub + 1,
                    }
                )
        for t in range(INDICATORS_PER_COUNTY // INDICATORS_PER_TARGET):
            target_pk += 1
            targets.append(
                {
                    "id": target_pk,
                    "plan_id": p,
                    "section_id": tops[t % 5] + 1 + t % 2,
                    "seq": t + 1,
                    "name": f"任务{t + 1}",
                    "content": "",
                    "all_townships": False,
                }
            )
            for unit in rng.sample(departments[county["id"]], 1 + (t % 4 == 0)):
                lead_pk += 1
                leads.append({"id": lead_pk, "target_id": target_pk, "unit_id": unit})
            for i in range(INDICATORS_PER_TARGET):
                indicator_pk += 1
                kind = "increase" if indicator_pk % 10 < 8 else ("milestone" if indicator_pk % 10 == 8 else "ceiling")
                target_value = Decimal(100) if kind == "milestone" else Decimal(rng.randrange(100, 5000))
                indicators.append(
                    {
                        "id": indicator_pk,
                        "target_id": target_pk,
                        "name": f"指标{t + 1}-{i + 1}",
                        "kind": kind,
                        "unit": "个",
                        "baseline": Decimal(0),
                        "target_value": target_value,
                        "start_date": first_month,
                        "deadline": _add_months(first_month, rng.choice((48, 66, 72, 72))) - timedelta(1),
                        "frequency": "monthly",
                        "order": i,
                        "county": county["id"],
                    }
                )
                if indicator_pk % 20 == 0:
                    for town in towns[county["id"]]:
                        allocation_pk += 1
                        allocations.append(
                            {
                                "id": allocation_pk,
                                "indicator_id": indicator_pk,
                                "unit_id": town,
                                "target_value": (target_value / TOWNSHIPS).quantize(Decimal("0.01")),
                            }
                        )
    return plans, sections, targets, leads, indicators, allocations


def _reports(rng, indicators, allocations, leads, today, author):
    first_lead = {}
    for lead in leads:
        first_lead.setdefault(lead["target_id"], lead["unit_id"])
    shares = {}
    for a in allocations:
        shares.setdefault(a["indicator_id"], []).append((a["unit_id"], a["target_value"]))
    pk = 0
    for ind in indicators:
        owners = shares.get(ind["id"]) or [(first_lead[ind["target_id"]], ind["target_value"])]
        span = (ind["deadline"] - ind["start_date"]).days
        for unit, goal in owners:
            pace = rng.choice((Decimal("1.05"), Decimal("1.0"), Decimal("0.95"), Decimal("0.8"), Decimal("0.6")))
            missing = rng.choice((0, 0, 0, 0, 0, 1, 2))
            month = ind["start_date"]
            while True:
                due = month.replace(day=25)
                if due >= today or month > ind["deadline"]:
                    break
                if missing and due >= today - timedelta(days=31 * missing):
                    break
                expected = min(Decimal(1), Decimal((due - ind["start_date"]).days) / span)
                if ind["kind"] == "ceiling":
                    value = goal * Decimal("0.9") if pace > Decimal("0.7") else goal * Decimal("1.1")
                else:
                    value = min(goal, goal * expected * pace)
                late = rng.random() < 0.1
                submitted = datetime.combine(due + timedelta(days=3 if late else -3), datetime.min.time()) + timedelta(
                    hours=8
                )
                pk += 1
                yield {
                    "id": pk,
                    "indicator_id": ind["id"],
                    "unit_id": unit,
                    "period_start": month,
                    "value": value.quantize(Decimal("0.01")),
                    "status": "approved",
                    "is_late": late,
                    "version": 1,
                    "created_by_id": author,
                    "created_at": submitted.isoformat() + "+08:00",
                    "updated_at": submitted.isoformat() + "+08:00",
                    "submitted_by_id": author,
                    "submitted_at": submitted.isoformat() + "+08:00",
                }
                month = _add_months(month, 1)


def _drop():
    from django.db import connection

    print("dropping the previous benchmark data")
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE supervision_statussnapshot, supervision_supervisionitem, targets_progressreport, "
            "targets_allocation, targets_milestone, targets_indicator, targets_target_lead_units, "
            "targets_target_co_units, targets_target, targets_section, targets_plan, "
            "accounts_notification, accounts_apitoken, accounts_user_groups, accounts_user_user_permissions, "
            "django_admin_log, accounts_user, villages_unit, villages_region CASCADE"
        )


def _freeze_history():
    """The lights of the previous month end stored (timed: what `manage.py judge_lights` costs at
    province scale), that month end frozen by snapshot_freeze itself (timed: the month-end task, which
    copies the stored lights that held that day), today's lights stored, and the 11 month ends before
    as copies of the frozen rows, so that the 12-month trend reads its real volume of rows without an
    hour of freezing on this 2-core machine."""
    from django.db import connection
    from django.utils import timezone

    from core.periods import previous_month_end
    from supervision.models import MonthCount, StatusSnapshot
    from supervision.services import snapshot_freeze
    from targets.lights import lights_rejudge_all

    today = timezone.localdate()
    previous = previous_month_end(today)
    started = time.perf_counter()
    count = lights_rejudge_all(today=previous)
    print(
        f"  judged and stored the lights of {previous} (as the nightly job leaves them): {count} indicators in "
        f"{time.perf_counter() - started:.1f} s"
    )
    started = time.perf_counter()
    count = snapshot_freeze(as_of=previous)
    print(
        f"  month-end freeze of {previous:%Y-%m} from the stored lights: {count} indicators in "
        f"{time.perf_counter() - started:.1f} s"
    )
    started = time.perf_counter()
    count = lights_rejudge_all(today=today)
    print(f"  judged and stored today's lights: {count} indicators in {time.perf_counter() - started:.1f} s")
    older, end = [], previous
    for _ in range(11):
        end = previous_month_end(end)
        older.append(end)
    StatusSnapshot.objects.filter(as_of__in=older).delete()
    MonthCount.objects.filter(as_of__in=older).delete()
    columns = [
        f.column for f in StatusSnapshot._meta.concrete_fields if f.column not in ("id", "as_of", "evaluated_on")
    ]
    names = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        for end in older:
            cursor.execute(
                f"INSERT INTO supervision_statussnapshot ({names}, as_of, evaluated_on) "
                f"SELECT {names}, %s, %s FROM supervision_statussnapshot WHERE as_of = %s",
                [end, end, previous],
            )
            cursor.execute(
                "INSERT INTO supervision_monthcount (as_of, plan_id, status, count) "
                "SELECT %s, plan_id, status, count FROM supervision_monthcount WHERE as_of = %s",
                [end, previous],
            )
        cursor.execute("ANALYZE")
    print(f"  copied {previous:%Y-%m} to the 11 month ends before it (trend volume)")


def _report_sizes():
    from regions.models import Region
    from supervision.models import StatusSnapshot
    from targets.models import Indicator, ProgressReport

    print(
        f"data: {Region.objects.filter(level='county').count()} counties, "
        f"{Region.objects.filter(level='village').count()} villages, {Indicator.objects.count()} indicators, "
        f"{ProgressReport.objects.count()} reports, {StatusSnapshot.objects.count()} snapshots"
    )


# Timing ------------------------------------------------------------------------------------------

# The bare SQL of each page's figures, written by hand against the same tables: for each page, every
# figure the page shows (the counts, splits, trend, reporting table, lists and their totals), so that
# "bare" is the database's share of the same work and cold / bare what Django adds to it.
_LIGHT = """FROM targets_currentlight l JOIN targets_indicator i ON i.id = l.indicator_id
    JOIN targets_target t ON t.id = i.target_id JOIN targets_plan p ON p.id = t.plan_id
    JOIN villages_region r ON r.id = p.region_id WHERE r.code LIKE %(prefix)s"""
_LIGHTS = _LIGHT + " AND l.unit_id IS NULL"
_VALID = " AND l.judged_on <= %(today)s AND (l.valid_until IS NULL OR l.valid_until > %(today)s)"
_SNAP = """FROM supervision_statussnapshot l JOIN targets_indicator i ON i.id = l.indicator_id
    JOIN targets_target t ON t.id = i.target_id JOIN targets_plan p ON p.id = t.plan_id
    JOIN villages_region r ON r.id = p.region_id WHERE r.code LIKE %(prefix)s AND l.as_of = %(closed)s"""
_LEADS = """(SELECT string_agg(u.name, '、' ORDER BY lu.id) FROM targets_target_lead_units lu
    JOIN villages_unit u ON u.id = lu.unit_id WHERE lu.target_id = t.id)"""
_FLAGGED = (
    "SELECT l.indicator_id, i.name, t.name, l.status, l.gap, l.completion, l.reasons, "
    + _LEADS
    + " "
    + _LIGHTS
    + " AND l.status = %(light)s ORDER BY l.gap DESC NULLS LAST, l.indicator_id LIMIT %(rows)s"
)
# Each cell (indicator, reporter) carries its indicator's calendar and its plan's first period from
# the scope, as figures.reporting._reporting_counts does: joined again to the indicators, tasks and plans, the
# province's 30,000 indicators were hashed for a county's 333 (80 of the county overview's 85 ms).
_REPORTING_PART = """SELECT {owner} AS owner, count(*) AS expected, count(rep.id) AS submitted,
        count(CASE WHEN NOT rep.is_late THEN 1 END) AS on_time
    FROM cells c JOIN villages_unit u ON u.id = c.reporter
    LEFT JOIN targets_progressreport rep ON rep.indicator_id = c.indicator_id AND rep.unit_id = c.reporter
        AND rep.period_start = %(month)s AND rep.status IN ('submitted', 'approved')
    WHERE c.frequency = 'monthly' AND c.start_date <= %(month)s AND c.deadline >= %(month)s
      AND (c.first_period IS NULL OR c.first_period <= %(month_end)s) GROUP BY 1"""
_REPORTING = """WITH scope AS (SELECT i.id, i.target_id, i.frequency, i.start_date, i.deadline, p.first_period
        FROM targets_indicator i JOIN targets_target t ON t.id = i.target_id
        JOIN targets_plan p ON p.id = t.plan_id JOIN villages_region r ON r.id = p.region_id WHERE r.code LIKE %(prefix)s),
    cells AS (SELECT a.indicator_id, a.unit_id AS reporter, s.frequency, s.start_date, s.deadline, s.first_period
        FROM targets_allocation a JOIN scope s ON s.id = a.indicator_id
        UNION ALL
        SELECT s.id, lu.unit_id, s.frequency, s.start_date, s.deadline, s.first_period FROM scope s
        JOIN (SELECT target_id, min(id) AS first FROM targets_target_lead_units
              WHERE target_id IN (SELECT target_id FROM scope) GROUP BY target_id) fl ON fl.target_id = s.target_id
        JOIN targets_target_lead_units lu ON lu.id = fl.first
        WHERE NOT EXISTS (SELECT 1 FROM targets_allocation a WHERE a.indicator_id = s.id))
    SELECT x.owner, x.expected, x.submitted, x.on_time, {label} FROM ({part}) x"""
_PERFORMANCE = "SELECT {group}, avg(CASE WHEN l.completion > 1 THEN 1 ELSE l.completion END), count(l.completion), count(CASE WHEN l.status = 'red' THEN 1 END) "
BARE = {
    # The home's cards: each plan's title, document, issuer, region and dates, and the light of every
    # indicator of the plan (from the indicators: one without a valid stored light is counted too,
    # under NULL, as the page finds it to judge it afresh).
    "plans": """SELECT p.id, p.title, p.doc_number, p.issuer, r.name, p.start_date, p.end_date FROM targets_plan p
        JOIN villages_region r ON r.id = p.region_id WHERE r.code LIKE %(prefix)s ORDER BY p.start_date DESC, p.id""",
    # (The plans are a semi-join: joined to their regions, the 30,000 rows would be hashed twice more.)
    "light counts per plan": """SELECT t.plan_id, l.status, count(*) FROM targets_indicator i
        JOIN targets_target t ON t.id = i.target_id
        LEFT JOIN targets_currentlight l ON l.indicator_id = i.id AND l.unit_id IS NULL"""
    + _VALID
    + """ WHERE t.plan_id IN (SELECT p.id FROM targets_plan p JOIN villages_region r ON r.id = p.region_id
            WHERE r.code LIKE %(prefix)s) GROUP BY 1, 2""",
    "light counts": "SELECT l.status, count(*) " + _LIGHTS + " GROUP BY 1",
    "light counts at the month end before": "SELECT l.status, count(*) "
    + _SNAP.replace("%(closed)s", "%(before)s")
    + " AND l.unit_id IS NULL GROUP BY 1",
    "light counts per county": "SELECT r.id, r.name, r.code, l.status, count(*) " + _LIGHTS + " GROUP BY 1, 2, 3, 4",
    "light counts per top section": """SELECT coalesce(s.parent_id, s.id), l.status, count(*) """
    + _LIGHTS.replace("WHERE", "JOIN targets_section s ON s.id = t.section_id WHERE")
    + " GROUP BY 1, 2",
    "light counts per lead unit": "SELECT lu.unit_id, u.name, l.status, count(*) "
    + _LIGHTS.replace(
        "WHERE",
        "JOIN targets_target_lead_units lu ON lu.target_id = t.id JOIN villages_unit u ON u.id = lu.unit_id WHERE",
    )
    + " GROUP BY 1, 2, 3",
    "light counts per township (shares)": "SELECT u.township_id, l.status, count(*) "
    + _LIGHT.replace("WHERE", "JOIN villages_unit u ON u.id = l.unit_id WHERE")
    + " AND l.unit_id IS NOT NULL GROUP BY 1, 2",
    "12-month trend": """SELECT m.as_of, m.status, sum(m.count) FROM supervision_monthcount m
        JOIN targets_plan p ON p.id = m.plan_id JOIN villages_region r ON r.id = p.region_id
        WHERE r.code LIKE %(prefix)s AND m.as_of >= %(year_before)s GROUP BY 1, 2""",
    "reporting per county": _REPORTING.format(
        part=_REPORTING_PART.format(owner="u.county_id"), label="(SELECT name FROM villages_region WHERE id = x.owner)"
    ),
    "reporting per unit": _REPORTING.format(
        part=_REPORTING_PART.format(owner="u.id"), label="(SELECT name FROM villages_unit WHERE id = x.owner)"
    ),
    "red list": _FLAGGED.replace("%(light)s", "'red'"),
    "red total": "SELECT count(*) " + _LIGHTS + " AND l.status = 'red'",
    "amber list": _FLAGGED.replace("%(light)s", "'amber'"),
    "amber total": "SELECT count(*) " + _LIGHTS + " AND l.status = 'amber'",
    "done since the month end before": "SELECT l.indicator_id, i.name, t.name "
    + _LIGHTS
    + """ AND l.status = 'done'
        AND NOT EXISTS (SELECT 1 FROM supervision_statussnapshot b WHERE b.indicator_id = l.indicator_id
            AND b.unit_id IS NULL AND b.as_of = %(before)s AND b.status = 'done')""",
    "open supervision items": """SELECT si.id, i.name, u.name, si.status, si.reply_due FROM supervision_supervisionitem si
        JOIN targets_indicator i ON i.id = si.indicator_id JOIN targets_target t ON t.id = i.target_id
        JOIN targets_plan p ON p.id = t.plan_id JOIN villages_region r ON r.id = p.region_id
        JOIN villages_unit u ON u.id = si.unit_id WHERE r.code LIKE %(prefix)s AND si.status <> 'closed'""",
    "performance per county": _PERFORMANCE.format(group="p.region_id") + _SNAP + " AND l.unit_id IS NULL GROUP BY 1",
    "performance per lead unit": _PERFORMANCE.format(group="lu.unit_id")
    + _SNAP.replace("WHERE", "JOIN targets_target_lead_units lu ON lu.target_id = t.id WHERE")
    + " AND l.unit_id IS NULL GROUP BY 1",
    "performance per township share": _PERFORMANCE.format(group="l.unit_id") + _SNAP + " AND l.unit_id IS NOT NULL "
    "GROUP BY 1",
    "plan's lights": """SELECT t.id, t.seq, t.name, i.id, i.name, i.unit, i.target_value, l.status, l.actual,
        l.completion, l.gap, l.reasons, """
    + _LEADS
    + """ FROM targets_indicator i JOIN targets_target t ON t.id = i.target_id
        LEFT JOIN targets_currentlight l ON l.indicator_id = i.id AND l.unit_id IS NULL
        WHERE t.plan_id = %(plan)s ORDER BY t.seq, i."order", i.id""",
}
OVERVIEW = [
    "light counts",
    "light counts at the month end before",
    "12-month trend",
    "red list",
    "red total",
    "amber list",
    "amber total",
    "done since the month end before",
    "open supervision items",
]
PAGE_SQL = {
    "province home": ["plans", "light counts per plan"],
    "province overview": [*OVERVIEW, "light counts per county", "reporting per county"],
    "province league": ["reporting per county", "performance per county"],
    "county overview": [
        *OVERVIEW,
        "light counts per top section",
        "light counts per lead unit",
        "light counts per township (shares)",
        "reporting per unit",
    ],
    "county league": ["reporting per unit", "performance per lead unit", "performance per township share"],
    "county red list": ["red list", "red total"],
    "county plan page": ["plan's lights"],
}
LATEST_COUNTED = """SELECT count(*), sum(x.value) FROM targets_indicator i
    JOIN targets_target t ON t.id = i.target_id JOIN targets_plan p ON p.id = t.plan_id
    JOIN villages_region r ON r.id = p.region_id
    CROSS JOIN LATERAL (SELECT value FROM targets_progressreport pr WHERE pr.indicator_id = i.id
        AND pr.status IN ('submitted', 'approved') ORDER BY pr.period_start DESC, pr.submitted_at DESC
        LIMIT 1) x WHERE r.code LIKE %(prefix)s"""


def _bare(names, params, runs):
    """The median over `runs` of the time of all these queries, run one after the other (ms)."""
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            started = time.perf_counter()
            for name in names:
                cursor.execute(BARE.get(name, name), params)
                cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _bench(runs):
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from core.periods import month_end, previous_month_end
    from regions.models import Region
    from targets.models import Indicator

    county = Region.objects.filter(level="county", code__startswith="99").order_by("code").first()
    indicator = Indicator.objects.filter(target__plan__region=county, allocations__isnull=False).first()
    admin = User.objects.get(username="bench_admin")
    client = Client()
    client.force_login(admin)
    today = timezone.localdate()
    closed = previous_month_end(today)
    month, last = today.strftime("%Y-%m"), closed.strftime("%Y-%m")
    year_before = closed
    for _ in range(11):
        year_before = previous_month_end(year_before)
    province, local = PROVINCE[:2], county.code[:6]
    # The overview shows the month under way (its reporting table the month asked for); the league
    # ranks the last closed month, as each page does by default.
    now = {
        "today": today,
        "before": closed,
        "closed": closed,
        "month": today.replace(day=1),
        "month_end": month_end(today),
        "year_before": year_before,
        "rows": 20,
        "plan": indicator.target.plan_id,
    }
    ranked = dict(now, month=closed.replace(day=1), month_end=closed)
    pages = [
        ("province home (90 plans)", "/", "province home", province, now),
        ("province overview", f"/supervision/?region={PROVINCE}&as_of={month}", "province overview", province, now),
        (
            "province league table",
            f"/supervision/league/?region={PROVINCE}&as_of={last}",
            "province league",
            province,
            ranked,
        ),
        ("county overview", f"/supervision/?region={county.code}&as_of={month}", "county overview", local, now),
        (
            "county league table",
            f"/supervision/league/?region={county.code}&as_of={last}",
            "county league",
            local,
            ranked,
        ),
        (
            "county red list",
            f"/supervision/list/?region={county.code}&as_of={month}&light=red",
            "county red list",
            local,
            dict(now, rows=50),
        ),
        ("county plan page", f"/plans/{indicator.target.plan_id}/", "county plan page", local, now),
        ("indicator page", f"/supervision/indicators/{indicator.pk}/", None, local, now),
    ]
    # The process's own warm-up first, as a worker that has served a while has it: one small page
    # (imports, URL patterns, the base template, the database connection), then each county page
    # once for another county (its templates compiled, its code's first-use work done). None of the
    # measured county's figures is read, and no page keeps figures between requests, so "cold" below
    # is each page's first reading of its own data.
    assert client.get("/supervision/items/").status_code == 200
    other = Region.objects.filter(level="county", code__startswith="99").exclude(pk=county.pk).order_by("code").first()
    other_indicator = Indicator.objects.filter(target__plan__region=other, allocations__isnull=False).first()
    for url in (
        f"/supervision/?region={other.code}&as_of={month}",
        f"/supervision/league/?region={other.code}&as_of={last}",
        f"/supervision/list/?region={other.code}&as_of={month}&light=red",
        f"/plans/{other_indicator.target.plan_id}/",
        f"/supervision/indicators/{other_indicator.pk}/",
    ):
        assert client.get(url).status_code == 200, url
    print(
        f"\nserver time in ms (Django test Client, DEBUG off), after one request to each county page of "
        f"{other.name}; load average before: "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; warm = median of {runs}; bare = every figure the "
        f"page shows, by hand-written SQL (median of {runs})"
    )
    print(
        f"  {'page':<26}{'cold':>7}{'warm':>7}{'cpu':>6}{'queries':>9}{'bare SQL':>10}{'cold/bare':>11}{'queries':>9}"
    )
    for label, url, bare, prefix, params in pages:
        queries = []
        started = time.perf_counter()
        with connection.execute_wrapper(lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)):
            response = client.get(url)
        cold = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code)
        warm, cpu = [], []
        for _ in range(runs):
            started, cpu_started = time.perf_counter(), time.process_time()
            client.get(url)
            warm.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
        names = PAGE_SQL.get(bare, [])
        bare_ms = _bare(names, dict(params, prefix=prefix + "%"), runs) if names else None
        ratio = f"{cold / bare_ms:10.1f}x" if bare_ms else f"{'':>11}"
        print(
            f"  {label:<26}{cold:7.0f}{statistics.median(warm):7.0f}{statistics.median(cpu):6.0f}{len(queries):9d}"
            f"{bare_ms if bare_ms else 0:10.1f}{ratio}{len(names):9d}"
        )
    for label, names in PAGE_SQL.items():
        print(f"  bare SQL of the {label}: {', '.join(names)}")
    latest = _bare([LATEST_COUNTED], {"prefix": province + "%"}, runs)
    print(f"  reference: each indicator's latest counted report, whole province (LATERAL): {latest:.0f} ms")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
