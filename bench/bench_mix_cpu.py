"""The month-end mix of bench/load_month_end.py replayed in one process, one request at a time:
CPU seconds (time.process_time) per request, overall and per page, and beside them the CPU seconds of
the PostgreSQL backend that served them (read from /proc: the database must run on this machine).
The connection is kept open for the whole run (DATABASE_CONN_MAX_AGE, as production keeps it for
60 s), so neither side pays for a connection per request.

Wall-clock load figures on a shared 2-core machine swing with its speed; this replay is the steady
way to compare two versions of the code (run both back to back on the same fresh data). Writes
(create, submit, approve) change the data, so load a fresh demo database before each run:

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/ruralplan_bench REDIS_CACHE_URL=redis://127.0.0.1:6379/12
    psql postgres://postgres@127.0.0.1:5432/postgres -c "DROP DATABASE IF EXISTS ruralplan_bench WITH (FORCE)" \\
         -c "CREATE DATABASE ruralplan_bench"
    redis-cli -n 12 flushdb
    python manage.py migrate && python manage.py load_demo
    psql postgres://postgres@127.0.0.1:5432/ruralplan_bench -c ANALYZE   # as autovacuum would
    python bench/bench_mix_cpu.py 800 2>/dev/null

(stderr carries Django's log lines for the 400 and 412 answers the mix expects.)

The Django test client is used (middleware included); it also instruments template rendering, so
HTML pages weigh a little more here than under gunicorn.
"""

import collections
import os
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "86400")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402

REPORTERS = ["nongye", "fagai", "damen", "xunyi_nongye"]
SUPERVISORS = ["duchashi", "xunyi_ducha"]
CPU = collections.defaultdict(list)
DB_CPU = collections.defaultdict(list)
TICKS = os.sysconf("SC_CLK_TCK")
CLIENTS: dict[str, Client] = {}


def client(username: str) -> Client:
    if username not in CLIENTS:
        CLIENTS[username] = Client()
        CLIENTS[username].force_login(User.objects.get(username=username))
    return CLIENTS[username]


def backend_seconds() -> float:
    """CPU seconds (user + system) of the PostgreSQL backend of this process's connection so far."""
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def timed(name: str, call):
    db_started = backend_seconds()
    started = time.process_time()
    response = call()
    CPU[name].append(time.process_time() - started)
    DB_CPU[name].append(backend_seconds() - db_started)
    return response


def get(username, url, name):
    return timed(name, lambda: client(username).get(url))


def post(username, url, name, data):
    return timed(name, lambda: client(username).post(url, data, content_type="application/json"))


def reporter_task(rng, username, indicators, plans, today):
    task = rng.choices(["work", "plan", "enter"], [3, 1, 2])[0]
    if task == "work":
        get(username, "/my-work/", "my work")
        get(username, "/api/progress-reports/?status=returned", "returned list")
    elif task == "plan":
        get(username, f"/plans/{rng.choice(plans)}/", "plan page")
    else:
        indicator = rng.choice(indicators)
        get(username, f"/api/progress-reports/?indicator={indicator['id']}&page_size=24", "own reports")
        period = (
            f"{today.year}-{today.month:02d}"
            if indicator["frequency"] == "monthly"
            else f"{today.year}-Q{(today.month - 1) // 3 + 1}"
        )
        created = post(
            username, "/api/progress-reports/", "create", {"indicator": indicator["id"], "period": period, "value": "1"}
        )
        if created.status_code == 201:
            post(username, f"/api/progress-reports/{created.json()['id']}/submit/", "submit", {})


def supervisor_task(rng, username, plans):
    task = rng.choices(["queue", "plan", "indicators"], [3, 2, 1])[0]
    if task == "queue":
        queue = get(username, "/api/progress-reports/?status=submitted", "review queue").json()["results"]
        if queue:
            post(username, f"/api/progress-reports/{rng.choice(queue)['id']}/approve/", "approve", {"comment": ""})
    elif task == "plan":
        get(username, f"/plans/{rng.choice(plans)}/", "plan page")
    else:
        listed = get(username, "/api/indicators/", "indicator list").json()["results"]
        get(username, f"/api/indicators/{rng.choice(listed)['id']}/status/", "indicator status")


def main(tasks: int) -> None:
    rng, today = random.Random(7), date.today()
    indicators = {u: client(u).get("/api/indicators/?page_size=500").json()["results"] for u in REPORTERS}
    plans = {
        u: [p["id"] for p in client(u).get("/api/plans/").json()["results"]]
        for u in REPORTERS + SUPERVISORS + ["lingdao"]
    }
    for _ in range(tasks):
        role = rng.choices(["reporter", "supervisor", "leader"], [6, 3, 1])[0]
        if role == "reporter":
            username = rng.choice(REPORTERS)
            reporter_task(rng, username, indicators[username], plans[username], today)
        elif role == "supervisor":
            username = rng.choice(SUPERVISORS)
            supervisor_task(rng, username, plans[username])
        elif rng.random() < 0.4:
            get("lingdao", "/", "home")
        else:
            get("lingdao", f"/plans/{rng.choice(plans['lingdao'])}/", "plan page")
    total, count = sum(map(sum, CPU.values())), sum(map(len, CPU.values()))
    db_total = sum(map(sum, DB_CPU.values()))
    print(
        f"{count} requests, {total / count * 1000:.1f} ms CPU per request in Django, "
        f"{db_total / count * 1000:.1f} ms in the PostgreSQL backend ({1000 // TICKS} ms ticks)"
    )
    for name, seconds in sorted(CPU.items(), key=lambda item: -sum(item[1])):
        print(
            f"  {name:17} n={len(seconds):4}  mean {statistics.mean(seconds) * 1000:6.1f} ms  "
            f"share {sum(seconds) / total * 100:4.1f} %  PostgreSQL {statistics.mean(DB_CPU[name]) * 1000:5.1f} ms"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 800)
