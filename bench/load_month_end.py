"""The month-end rush, as a locust file: reporters open My work and submit this period's figure,
supervisors work through the review queue and open plan pages, leaders look at the overviews. Demo
data and accounts (password Demo@2025).

Run it against gunicorn + PostgreSQL with the demo loaded (bench/run_load_test.sh does all of it):

    locust -f bench/load_month_end.py --headless -u 50 -r 10 -t 60s --host http://127.0.0.1:8019

At the end it prints requests per second, p50 / p95 / p99 and errors, overall and per request.

Every write is one a careful clerk would make, so that an error means the server failed:
- a reporter enters the period under way (this month, or this quarter) with a value that continues
  its own unit's series (the last value plus the usual increment), so no explanation or
  confirmation is asked for; a report already in draft or returned is corrected with If-Match and
  submitted; one already submitted is left alone;
- the application may still refuse the period (the unit does not owe it, or it is locked): that
  400 on "period" is counted apart as "refused (expected)";
- two supervisors may open the same queued report at once, and two users of one account may submit
  the same report: the loser's 412 (If-Match) is counted apart as "conflicts (expected)". Any
  other non-2xx answer is an error.
"""

import os
import random
import resource
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from locust import FastHttpUser, between, events, task

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from targets.rules import is_count_unit  # noqa: E402  (pure rules: no Django settings needed)

PASSWORD = "Demo@2025"
REPORTERS = ["nongye", "fagai", "damen", "xunyi_nongye"]
SUPERVISORS = ["duchashi", "xunyi_ducha"]
LEADERS = ["lingdao"]
CUMULATIVE_KINDS = {"increase", "decrease", "milestone"}
EXPECTED = {"refused": 0, "conflicts": 0, "nothing to do": 0}
# The goals of issue 17: p95 per number of users, with no errors.
GOAL_P95_MS = {50: 150, 100: 300}
SESSIONS: dict = {}
# CPU seconds when the statistics were reset (--reset-stats): locust's own, gunicorn's (its master
# and workers, when GUNICORN_PID names the master's pid file, as run_load_test.sh does) and the
# whole machine's, so the summary can say where the cores went per request: the server, the load
# generator, and the rest (PostgreSQL, Redis and anything else running).
CPU_AT_RESET: list[dict] = []
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _process_seconds(pid: int) -> float:
    # /proc/PID/stat: utime and stime are the 14th and 15th fields, after the parenthesised name.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def gunicorn_seconds() -> float | None:
    pid_file = os.environ.get("GUNICORN_PID")
    if not pid_file or not Path(pid_file).exists():
        return None
    master = int(Path(pid_file).read_text())
    total = _process_seconds(master)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                total += _process_seconds(int(stat.parent.name))
        except (OSError, ValueError):
            continue  # a process that ended while the directory was read
    return total


def machine_seconds() -> float:
    # The first line of /proc/stat: time each state took over all cores, in ticks; busy is all but idle and iowait.
    ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / TICKS


def cpu_now() -> dict:
    return {"locust": cpu_seconds(), "gunicorn": gunicorn_seconds(), "machine": machine_seconds(), "at": time.time()}


@events.spawning_complete.add_listener
def note_cpu(user_count, **kwargs):
    CPU_AT_RESET.append(cpu_now())


@events.test_start.add_listener
def log_in_accounts(environment, **kwargs):
    import requests

    for username in REPORTERS + SUPERVISORS + LEADERS:
        session = requests.Session()
        session.get(environment.host + "/accounts/login/")
        response = session.post(
            environment.host + "/accounts/login/",
            allow_redirects=False,
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
            headers={"Referer": environment.host + "/accounts/login/"},
        )
        if response.status_code != 302:
            raise SystemExit(f"log-in of {username} failed ({response.status_code}); is the demo loaded?")
        SESSIONS[username] = session.cookies


def current_period(indicator, today: date) -> str:
    """The period under way, in the form the API takes: "2026-11", or "2026-Q4" for a quarterly indicator."""
    if indicator["frequency"] == "quarterly":
        return f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    return f"{today.year}-{today.month:02d}"


def next_value(indicator, history: list[Decimal]) -> Decimal:
    """A figure that continues the unit's own series: no explanation or confirmation is needed; a
    whole number for things counted one by one (targets.rules.is_count_unit), as a clerk writes it."""
    value = _next_value(indicator, history)
    return value.quantize(Decimal(1)) if is_count_unit(indicator.get("unit", "")) else value


def _next_value(indicator, history: list[Decimal]) -> Decimal:
    if not history:
        return (Decimal(indicator["target_value"] or 1) / 10).quantize(Decimal("0.01"))
    if indicator["kind"] in CUMULATIVE_KINDS:
        steps = [b - a for a, b in zip(history, history[1:])] or [Decimal(0)]
        return max(history[-1] + max(sum(steps) / len(steps), Decimal(0)), Decimal(0)).quantize(Decimal("0.01"))
    return (sum(history) / len(history)).quantize(Decimal("0.01"))


def judged(response, wanted: int):
    """The body of a write that got `wanted`; None for the application's expected refusals (a
    period the unit does not owe, a lost If-Match race), counted apart, and for failures."""
    if response.status_code == 412:
        EXPECTED["conflicts"] += 1
        response.success()
        return None
    if response.status_code == 400 and "period" in response.json().get("fields", {}):
        EXPECTED["refused"] += 1
        response.success()
        return None
    if response.status_code != wanted:
        response.failure(f"{response.status_code}: {response.text[:200]}")
        return None
    return response.json()


class PlatformUser(FastHttpUser):
    abstract = True
    wait_time = between(0.5, 2)
    accounts: list[str] = []

    def on_start(self):
        # Log-ins happened once per account at test start (see log_in_accounts): fifty password
        # hashes would otherwise be what this test measures. Users of one account share its session,
        # as colleagues at one desk would not, but the server cannot tell the difference.
        cookies = SESSIONS[random.choice(self.accounts)]
        for cookie in cookies:
            self.client.cookiejar.set_cookie(cookie)
        self.client.client.default_headers.update({"X-CSRFToken": cookies["csrftoken"], "Referer": self.host + "/"})
        plans = self.client.get("/api/plans/", name="/api/plans/").json()["results"]
        self.plan_ids = [p["id"] for p in plans] or [None]

    def open_plan(self):
        plan = random.choice(self.plan_ids)
        if plan:
            self.client.get(f"/plans/{plan}/", name="/plans/[id]/ (plan overview)")


class Reporter(PlatformUser):
    weight = 6
    accounts = REPORTERS

    def on_start(self):
        super().on_start()
        self.indicators = self.client.get("/api/indicators/", name="/api/indicators/").json()["results"]

    @task(3)
    def my_work(self):
        self.client.get("/my-work/", name="/my-work/")
        self.client.get("/api/progress-reports/?status=returned", name="/api/progress-reports/?status=returned")

    @task(1)
    def plan_page(self):
        self.open_plan()

    @task(2)
    def enter_this_period(self):
        if not self.indicators:
            return
        indicator = random.choice(self.indicators)
        period = current_period(indicator, date.today())
        own = self.client.get(
            f"/api/progress-reports/?indicator={indicator['id']}&page_size=24",
            name="/api/progress-reports/?indicator=[id]",
        ).json()["results"]
        existing = next((r for r in own if r["period"] == period), None)
        history = [
            Decimal(r["value"])
            for r in reversed(own)
            if r["period"] < period and r["status"] in ("submitted", "approved")
        ][-12:]
        value = str(next_value(indicator, history))
        if existing is None:
            report = self.create(indicator, period, value)
        elif existing["status"] in ("draft", "returned"):
            report = self.correct(existing, value)
        else:
            EXPECTED["nothing to do"] += 1
            return
        if report is not None:
            # Two simulated users of one account may work the same report: a 412 here is the
            # application refusing to submit a version the other one has just changed.
            with self.client.post(
                f"/api/progress-reports/{report['id']}/submit/",
                catch_response=True,
                name="/api/progress-reports/[id]/submit/",
                headers={"If-Match": f'"{report["version"]}"'},
            ) as response:
                judged(response, 200)

    def create(self, indicator, period, value):
        payload = {"indicator": indicator["id"], "period": period, "value": value, "narrative": "月末集中填报压力测试"}
        with self.client.post(
            "/api/progress-reports/", json=payload, name="/api/progress-reports/ (create)", catch_response=True
        ) as response:
            return judged(response, 201)

    def correct(self, report, value):
        with self.client.patch(
            f"/api/progress-reports/{report['id']}/",
            json={"value": value},
            headers={"If-Match": f'"{report["version"]}"'},
            name="/api/progress-reports/[id] (correct)",
            catch_response=True,
        ) as response:
            return judged(response, 200)


class Supervisor(PlatformUser):
    weight = 3
    accounts = SUPERVISORS

    @task(3)
    def review_queue(self):
        queue = self.client.get(
            "/api/progress-reports/?status=submitted", name="/api/progress-reports/?status=submitted"
        ).json()["results"]
        if queue:
            report = random.choice(queue)
            with self.client.post(
                f"/api/progress-reports/{report['id']}/approve/",
                json={"comment": ""},
                headers={"If-Match": f'"{report["version"]}"'},
                name="/api/progress-reports/[id]/approve/",
                catch_response=True,
            ) as response:
                judged(response, 200)

    @task(2)
    def plan_overview(self):
        self.open_plan()

    @task(1)
    def indicator_status(self):
        body = self.client.get("/api/indicators/", name="/api/indicators/").json()
        if body["results"]:
            indicator = random.choice(body["results"])
            self.client.get(f"/api/indicators/{indicator['id']}/status/", name="/api/indicators/[id]/status/")


class Leader(PlatformUser):
    weight = 1
    accounts = LEADERS

    @task(2)
    def dashboard(self):
        self.client.get("/", name="/ (my plans)")

    @task(3)
    def plan_overview(self):
        self.open_plan()


def cpu_split(before: dict, after: dict, requests: int) -> str:
    """CPU ms per request of locust, gunicorn and the rest of the machine, and how busy the cores were."""
    per = {name: (after[name] - before[name]) / requests * 1000 for name in ("locust", "machine")}
    cores = (after["machine"] - before["machine"]) / max(after["at"] - before["at"], 1e-9)
    line = f"locust CPU {per['locust']:.1f} ms per request"
    if before["gunicorn"] is not None and after["gunicorn"] is not None:
        server = (after["gunicorn"] - before["gunicorn"]) / requests * 1000
        rest = per["machine"] - server - per["locust"]
        line += f"; gunicorn {server:.1f} ms, the rest of the machine (PostgreSQL, Redis, other) {rest:.1f} ms"
    return line + f"; cores busy {cores:.2f} of {os.cpu_count()}"


@events.quitting.add_listener
def summary(environment, **kwargs):
    stats = environment.stats
    total = stats.total
    seconds = max(total.last_request_timestamp - total.start_time, 1e-9) if total.num_requests else 1
    print("\n=== month-end load summary ===")
    print(
        f"users {environment.parsed_options.num_users if environment.parsed_options else '?'}  "
        f"requests {total.num_requests}  rps {total.num_requests / seconds:.1f}  "
        f"p50 {total.get_response_time_percentile(0.5):.0f} ms  p95 {total.get_response_time_percentile(0.95):.0f} ms  "
        f"p99 {total.get_response_time_percentile(0.99):.0f} ms  errors {total.num_failures}  "
        + "  ".join(f"{name} {n}" for name, n in EXPECTED.items())
    )
    if CPU_AT_RESET and total.num_requests:
        print(cpu_split(CPU_AT_RESET[0], cpu_now(), total.num_requests))
    for name, entry in sorted(stats.entries.items(), key=lambda kv: kv[0][0]):
        print(
            f"  {entry.method:5} {entry.name:48} n={entry.num_requests:6}  p50={entry.get_response_time_percentile(0.5):5.0f}"
            f"  p95={entry.get_response_time_percentile(0.95):5.0f}  p99={entry.get_response_time_percentile(0.99):5.0f}"
            f"  errors={entry.num_failures}"
        )
    for error in stats.errors.values():
        print(f"  error x{error.occurrences}: {error.method} {error.name}: {str(error.error)[:160]}")
    p95 = total.get_response_time_percentile(0.95)
    users = environment.parsed_options.num_users if environment.parsed_options else None
    goal = GOAL_P95_MS.get(users)
    if goal is None:
        print(f"no goal is set for {users} users (goals: {GOAL_P95_MS})")
    else:
        verdict = "MET" if p95 <= goal and total.num_failures == 0 else "NOT MET"
        print(f"goal at {users} users, p95 <= {goal} ms with no errors: {verdict}")
