"""The month-end rush, as a locust file: reporters open their work and submit, supervisors review the
queue and plan pages, leaders look at the overviews. Demo data and accounts (password Demo@2025).

Run it against gunicorn + PostgreSQL with the demo loaded (scripts/run_load_test.sh does all of it):

    locust -f scripts/load_month_end.py --headless -u 50 -r 10 -t 60s --host http://127.0.0.1:8019

At the end it prints requests per second, p50 / p95 / p99 and errors, overall and per request.
Creating a report for a period that already has one answers 400 ("open it to edit"): that is the
application's expected answer to a clerk repeating a submission, so it is counted apart
("duplicates"), not as an error. Any other non-2xx answer is an error.
"""
import random
from datetime import date

from locust import HttpUser, between, events, task

PASSWORD = "Demo@2025"
REPORTERS = ["nongye", "fagai", "damen", "xunyi_nongye"]
SUPERVISORS = ["duchashi", "xunyi_ducha"]
LEADERS = ["lingdao"]
DUPLICATES = {"n": 0}
SESSIONS: dict[str, dict] = {}


@events.test_start.add_listener
def log_in_accounts(environment, **kwargs):
    import requests

    for username in REPORTERS + SUPERVISORS + LEADERS:
        session = requests.Session()
        session.get(environment.host + "/accounts/login/")
        response = session.post(environment.host + "/accounts/login/", allow_redirects=False, data={
            "username": username, "password": PASSWORD, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
            headers={"Referer": environment.host + "/accounts/login/"})
        if response.status_code != 302:
            raise SystemExit(f"log-in of {username} failed ({response.status_code}); is the demo loaded?")
        SESSIONS[username] = session.cookies.get_dict()


def periods(indicator, today):
    """Every period of the indicator from its start to this month, in the form the API takes."""
    start = date.fromisoformat(indicator["start_date"])
    months = [(y, m) for y in range(start.year, today.year + 1) for m in range(1, 13)
              if (y, m) >= (start.year, start.month) and (y, m) <= (today.year, today.month)]
    if indicator["frequency"] == "quarterly":
        return sorted({f"{y}-Q{(m - 1) // 3 + 1}" for y, m in months})
    return [f"{y}-{m:02d}" for y, m in months]


class PlatformUser(HttpUser):
    abstract = True
    wait_time = between(0.5, 2)
    accounts: list[str] = []

    def on_start(self):
        # Log-ins happened once per account at test start (see log_in_accounts): fifty password
        # hashes would otherwise be what this test measures. Users of one account share its session,
        # as colleagues at one desk would not, but the server cannot tell the difference.
        cookies = SESSIONS[random.choice(self.accounts)]
        self.client.cookies.update(cookies)
        self.client.headers["X-CSRFToken"] = cookies["csrftoken"]
        self.client.headers["Referer"] = self.host + "/"
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
        self.client.get("/", name="/ (my plans)")
        self.client.get("/api/progress-reports/?status=draft", name="/api/progress-reports/?status=draft")
        self.client.get("/api/progress-reports/?status=returned", name="/api/progress-reports/?status=returned")

    @task(1)
    def plan_page(self):
        self.open_plan()

    @task(2)
    def submit_progress(self):
        if not self.indicators:
            return
        indicator = random.choice(self.indicators)
        options = periods(indicator, date.today())
        if not options:
            return
        payload = {"indicator": indicator["id"], "period": random.choice(options),
                   "value": round(random.uniform(0, float(indicator["target_value"] or 1)), 2),
                   "narrative": "月末集中填报压力测试"}
        with self.client.post("/api/progress-reports/", json=payload, name="/api/progress-reports/ (create)",
                              catch_response=True) as response:
            if response.status_code == 400 and "period" in response.text:
                DUPLICATES["n"] += 1
                response.success()
                return
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return
            report = response.json()
        self.client.post(f"/api/progress-reports/{report['id']}/submit/", name="/api/progress-reports/[id]/submit/")


class Supervisor(PlatformUser):
    weight = 3
    accounts = SUPERVISORS

    @task(3)
    def review_queue(self):
        self.client.get("/api/progress-reports/?status=submitted", name="/api/progress-reports/?status=submitted")

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


@events.quitting.add_listener
def summary(environment, **kwargs):
    stats = environment.stats
    total = stats.total
    seconds = max(total.last_request_timestamp - total.start_time, 1e-9) if total.num_requests else 1
    print("\n=== month-end load summary ===")
    print(f"users {environment.parsed_options.num_users if environment.parsed_options else '?'}  "
          f"requests {total.num_requests}  rps {total.num_requests / seconds:.1f}  "
          f"p50 {total.get_response_time_percentile(0.5):.0f} ms  p95 {total.get_response_time_percentile(0.95):.0f} ms  "
          f"p99 {total.get_response_time_percentile(0.99):.0f} ms  errors {total.num_failures}  "
          f"duplicates(expected 400) {DUPLICATES['n']}")
    for name, entry in sorted(stats.entries.items(), key=lambda kv: kv[0][0]):
        print(f"  {entry.method:5} {entry.name:48} n={entry.num_requests:6}  p50={entry.get_response_time_percentile(0.5):5.0f}"
              f"  p95={entry.get_response_time_percentile(0.95):5.0f}  p99={entry.get_response_time_percentile(0.99):5.0f}"
              f"  errors={entry.num_failures}")
    for error in stats.errors.values():
        print(f"  error x{error.occurrences}: {error.method} {error.name}: {str(error.error)[:160]}")
    p95 = total.get_response_time_percentile(0.95)
    verdict = "MET" if p95 < 300 and total.num_failures == 0 else "NOT MET"
    print(f"goal p95 < 300 ms with no errors: {verdict}")
