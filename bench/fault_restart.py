"""Restart PostgreSQL and Redis under a running application; requests must fail cleanly (503 with a
message, never a stack trace), recover without restarting the app, and leave no half-written data.

Uses PRIVATE instances it starts itself, never the shared ones: a throwaway PostgreSQL cluster
(initdb + pg_ctl, port 5440, run as the `postgres` system user when started by root) and a
redis-server on port 6390. Then: migrate + demo data, gunicorn (DEBUG off), client threads that read
and write (draft this period's reports and keep correcting them with If-Match, through the API)
while the script restarts PostgreSQL, then Redis. Prints what the clients saw per phase and the
integrity checks; exits 1 if a request got a 500 or a stack trace, if the app did not recover, if an acknowledged write is not in
the database, or if a report's versions, audit events and saved copies do not tally.

    python bench/fault_restart.py
"""

import glob
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import requests

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
PG_PORT, REDIS_PORT, APP_PORT = 5440, 6390, 8029
APP = f"http://127.0.0.1:{APP_PORT}"


def sh(*args, **kwargs):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


class PrivatePostgres:
    def __init__(self, base):
        self.bin = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]
        self.data = Path(base) / "pg"
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def run(self, *args):
        return sh(*self.as_user, *args)

    def init(self):
        self.data.mkdir(parents=True)
        if self.as_user:
            shutil.chown(self.data.parent, "postgres")
            shutil.chown(self.data, "postgres")
        self.run(f"{self.bin}/initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.start()

    def start(self):
        self.run(
            f"{self.bin}/pg_ctl",
            "-D",
            str(self.data),
            "-w",
            "-l",
            str(self.data / "log"),
            "-o",
            f"-p {PG_PORT} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )

    def stop(self):
        self.run(f"{self.bin}/pg_ctl", "-D", str(self.data), "-w", "-m", "fast", "stop")


class PrivateRedis:
    def __init__(self, base):
        self.dir = Path(base)

    def start(self):
        sh(
            "redis-server",
            "--port",
            str(REDIS_PORT),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "yes",
            "--dir",
            str(self.dir),
            "--pidfile",
            str(self.dir / "redis.pid"),
            "--logfile",
            str(self.dir / "redis.log"),
        )
        for _ in range(50):
            if subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "ping"], capture_output=True).returncode == 0:
                return
            time.sleep(0.1)

    def stop(self):
        subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "shutdown", "nosave"], capture_output=True)


MARK = "fault-test"  # the narrative of every report the clients write, to find them afterwards


class Clients:
    """Threads that keep reading and writing; every answer is classified under the current phase.

    Each thread drafts this period's report on one of the reporter's indicators (explained and
    confirmed, so the value checks never refuse it), then keeps correcting it with If-Match, as a
    clerk does at month end, and now and then drafts another. Every acknowledged write is
    remembered, so the integrity check can find each one in the database afterwards.
    """

    def __init__(self, token, indicators, n=6):
        self.token, self.n = token, n
        today = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the server's day, whatever this machine's zone
        self.periods = {
            "monthly": f"{today.year}-{today.month:02d}",
            "quarterly": f"{today.year}-Q{(today.month - 1) // 3 + 1}",
        }
        self.free = [i for i in indicators if i["frequency"] in self.periods]
        random.shuffle(self.free)
        self.lock = threading.Lock()
        self.phase = "warm-up"
        self.seen = Counter()
        self.bad = []
        self.created = []  # report ids answered 201
        self.written = []  # (report id, version, value) answered 200 to a PATCH
        self.stop = threading.Event()

    def classify(self, response):
        body = response.text
        if "Traceback" in body or 'File "/' in body:
            self.bad.append((self.phase, response.status_code, body[:300]))
        if response.status_code >= 500 and response.status_code != 503:
            self.bad.append((self.phase, response.status_code, body[:300]))
        if response.status_code == 503:
            try:
                answer = response.json()
                assert answer["code"] == "unavailable" and answer["message"]
            except Exception:  # noqa: BLE001
                self.bad.append((self.phase, 503, "503 without the API's JSON message: " + body[:200]))
        self.seen[(self.phase, response.status_code)] += 1
        return response

    def next_indicator(self):
        with self.lock:
            return self.free.pop() if self.free else None

    def draft(self, session):
        """This period's report on a fresh indicator: (id, version, value), or None."""
        indicator = self.next_indicator()
        if indicator is None:
            return None
        response = self.classify(
            session.post(
                f"{APP}/api/progress-reports/",
                timeout=10,
                json={
                    "indicator": indicator["id"],
                    "period": self.periods[indicator["frequency"]],
                    "value": "1",
                    "narrative": MARK,
                    "explanation": MARK,
                    "confirmed": True,
                },
            )
        )
        if response.status_code != 201:
            return None
        self.created.append(response.json()["id"])
        return response.json()["id"], response.json()["version"], 1

    def work(self):
        session = requests.Session()
        session.headers["Authorization"] = f"Token {self.token}"
        report, step = None, 0
        # The answer to this thread's last correction: each thread alone writes its report, so a
        # 412 means an earlier correction landed after all. After a 503 ("nothing was saved") that
        # is a broken promise, a failure; after no answer (a timeout) the client could not know,
        # so it is counted apart.
        previous = None
        while not self.stop.is_set():
            step += 1
            try:
                self.classify(session.get(f"{APP}/api/plans/", timeout=10))
                if report is None or step % 15 == 0:
                    fresh = self.draft(session)
                    if fresh is not None:
                        report, previous = fresh, None
                if report is not None:
                    report_id, version, value = report
                    try:
                        response = self.classify(
                            session.patch(
                                f"{APP}/api/progress-reports/{report_id}/",
                                timeout=10,
                                json={"value": str(value + 1), "confirmed": True},
                                headers={"If-Match": f'"{version}"'},
                            )
                        )
                    except requests.RequestException:
                        previous = "no answer"
                        raise
                    if response.status_code == 200:
                        report = (report_id, response.json()["version"], value + 1)
                        self.written.append(report)
                    elif response.status_code == 412:
                        if previous == "no answer":
                            self.seen[(self.phase, "412 after no answer")] += 1
                        else:
                            self.bad.append(
                                (
                                    self.phase,
                                    412,
                                    f"report {report_id} changed behind its only writer "
                                    f"(its last correction was answered {previous})",
                                )
                            )
                        current = session.get(f"{APP}/api/progress-reports/{report_id}/", timeout=10).json()
                        report = (report_id, current["version"], int(float(current["value"])))
                    previous = response.status_code
            except (requests.RequestException, ValueError, KeyError) as exc:
                self.seen[(self.phase, type(exc).__name__)] += 1
            time.sleep(0.05)

    def start(self):
        self.threads = [threading.Thread(target=self.work, daemon=True) for _ in range(self.n)]
        for thread in self.threads:
            thread.start()

    def join(self):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=15)


def wait_healthy(timeout=60):
    start = time.time()
    while time.time() - start < timeout:
        try:
            if requests.get(f"{APP}/healthz", timeout=2).status_code == 200:
                return time.time() - start
        except requests.RequestException:
            pass
        time.sleep(0.2)
    return None


def main():
    base = tempfile.mkdtemp(prefix="ruralplan-fault-")
    os.chmod(base, 0o755)
    pg, redis = PrivatePostgres(base), PrivateRedis(base)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PG_PORT}/postgres",
        "REDIS_CACHE_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
        "CELERY_BROKER_URL": "",
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": f"{base}/static",
        "DJANGO_SECRET_KEY": "fault-test-" + os.urandom(16).hex(),
        "DJANGO_LOG_LEVEL": "CRITICAL",
    }
    gunicorn = None
    failures = []
    try:
        pg.init()
        redis.start()
        subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run([PY, "manage.py", "load_demo"], cwd=ROOT, env=env, check=True, capture_output=True)
        # The server logs each outage with its traceback (for the operator); the clients must not see it.
        server_log = open(f"{base}/server.log", "w")
        gunicorn = subprocess.Popen(
            [
                str(Path(PY).parent / "gunicorn"),
                "config.wsgi",
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{APP_PORT}",
                "--timeout",
                "30",
                "--error-logfile",
                f"{base}/gunicorn.log",
            ],
            cwd=ROOT,
            env=env,
            stdout=server_log,
            stderr=server_log,
        )
        assert wait_healthy() is not None, "the app did not start"
        token = requests.post(f"{APP}/api/auth/token/", data={"username": "nongye", "password": "Demo@2025"}).json()[
            "token"
        ]
        indicators = requests.get(f"{APP}/api/indicators/", headers={"Authorization": f"Token {token}"}).json()[
            "results"
        ]
        clients = Clients(token, indicators)
        clients.start()
        time.sleep(3)
        for name, stop, start in (("PostgreSQL", pg.stop, pg.start), ("Redis", redis.stop, redis.start)):
            clients.phase = f"{name} down"
            stop()
            time.sleep(4)
            clients.phase = f"{name} back"
            start()
            recovered = wait_healthy(30)
            time.sleep(3)
            print(
                f"{name}: restarted; app healthy again {recovered:.1f} s after the restart"
                if recovered is not None
                else f"{name}: app did NOT recover"
            )
            if recovered is None:
                failures.append(f"no recovery after {name} restart")
        clients.phase = "after"
        time.sleep(3)
        clients.join()
        for (phase, status), count in sorted(clients.seen.items(), key=str):
            print(f"  {phase:16} {status!s:28} {count}")
        if not any(status in (200, 201) for (phase, status) in clients.seen if phase == "after"):
            failures.append("no successful request after both restarts")
        for phase, status, body in clients.bad[:5]:
            failures.append(f"{phase}: {status} {body}")
        failures += integrity(env, clients.created, clients.written)
    finally:
        if gunicorn:
            gunicorn.send_signal(signal.SIGTERM)
            gunicorn.wait(timeout=20)
            server_log.close()
            tracebacks = Path(f"{base}/server.log").read_text().count("Traceback")
            print(f"server log: {tracebacks} tracebacks logged for the operator (none sent to clients)")
        redis.stop()
        try:
            pg.stop()
        except subprocess.CalledProcessError:
            pass
        if failures and gunicorn:
            kept = shutil.copy(f"{base}/server.log", tempfile.mktemp(prefix="ruralplan-fault-", suffix=".log"))
            print(f"server log kept for the failures below: {kept}")
        shutil.rmtree(base, ignore_errors=True)
    print("RESULT:", "PASS" if not failures else "FAIL")
    for failure in failures:
        print("  -", failure)
    return 1 if failures else 0


def integrity(env, created_ids, written):
    """Every acknowledged create and correction is in the database, and every version of every
    report the clients wrote has its audit event and its saved copy: nothing half-written."""
    code = (
        "import django, json; django.setup()\n"
        "from django.db.models import Count\n"
        "from targets.models import ProgressReport, ReportVersion; from accounts.models import AuditEvent\n"
        "from accounts.audit_chain import verify_chain\n"
        f"reports = {{r.id: r.version for r in ProgressReport.objects.filter(narrative={MARK!r})}}\n"
        "events = dict(AuditEvent.objects.filter(object_type='targets.ProgressReport', object_id__in=[str(i) for i in reports])"
        ".values_list('object_id').annotate(n=Count('id')))\n"
        "copies = {f'{r}:{v}': str(d.get('value')) for r, v, d in ReportVersion.objects.filter(report_id__in=reports)"
        ".values_list('report_id', 'version', 'data')}\n"
        "print(json.dumps({'reports': reports, 'events': events, 'copies': copies, 'chain': verify_chain()[1] is None}))\n"
    )
    out = subprocess.run([PY, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    if out.returncode:
        return [f"integrity check could not run: {out.stderr[-500:]}"]
    data = json.loads(out.stdout.strip().splitlines()[-1])
    reports = {int(k): v for k, v in data["reports"].items()}
    events = {int(k): v for k, v in data["events"].items()}
    copies = data["copies"]
    print(
        f"integrity: {len(created_ids)} reports and {len(written)} corrections acknowledged; "
        f"{len(reports)} reports, {sum(reports.values())} versions in the database; "
        f"audit chain intact: {data['chain']}"
    )
    problems = []
    missing = sorted(set(created_ids) - set(reports))
    if missing:
        problems.append(f"acknowledged but missing reports: {missing[:10]}")
    lost = [(r, v, value) for r, v, value in written if f"{r}:{v}" not in copies or float(copies[f"{r}:{v}"]) != value]
    if lost:
        problems.append(f"acknowledged corrections not in the database: {lost[:10]}")
    half = [
        (r, version, events.get(r, 0), sum(1 for key in copies if key.startswith(f"{r}:")))
        for r, version in reports.items()
        if not (version == events.get(r, 0) == sum(1 for key in copies if key.startswith(f"{r}:")))
    ]
    if half:
        problems.append(f"half-written (report, version, audit events, saved copies): {half[:10]}")
    if not written:
        problems.append("no correction was acknowledged: the run proved nothing about writes")
    if not data["chain"]:
        problems.append("audit chain broken")
    return problems


if __name__ == "__main__":
    sys.exit(main())
