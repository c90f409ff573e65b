"""Attack script: hostile files at every upload path, and oversized bodies, against a running instance.

    .venv/bin/python bench/attack_uploads.py --base http://127.0.0.1:8000 [--office duchashi]
        [--reporter nongye] [--town damen] [--password Demo@2025]

Loopback only (it refuses any other host) and bounded: each file is sent once to each path, every
request has a 120 s timeout. It logs in with the demo accounts (`make run`), then sends each file of
tests/hostile.py (macro .xlsx/.docx renamed, a 412 KB zip that inflates to 400 MB, billion-laughs
.xlsx, OLE2 .xls/.doc with VBA, an Excel 4 macro sheet; PDFs that run JavaScript on opening, launch a
program through an escaped /#4Caunch, hide JavaScript in a compressed object stream, or inflate an
object stream to 100 MB) under its own name and renamed .xlsx to:
the plan import page and API, the evidence API (a draft report of the reporter, written if it has none), the village income
import, the region import and the progress workbook upload. Then it declares a 300 MB body (sending
only its first 64 KB) and a chunked body without a length, and times how soon the server answers.

It prints one line per try and a summary; the exit code is 1 if anything was accepted (2xx/3xx with
no refusal) or answered 5xx.
"""

import argparse
import http.client
import json
import re
import socket
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import hostile  # noqa: E402

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class Session:
    def __init__(self, base):
        parts = urlsplit(base)
        if parts.hostname not in LOOPBACK and not parts.hostname.startswith("127."):
            raise SystemExit(f"refusing {parts.hostname}: this script only attacks loopback")
        self.host, self.port, self.cookies = parts.hostname, parts.port or 80, {}

    def request(self, method, path, body=b"", headers=None):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection.request(
            method,
            path,
            body=body,
            headers={"Cookie": cookie, "Referer": f"http://{self.host}:{self.port}/", **(headers or {})},
        )
        response = connection.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";")[0].split("=", 1)
            self.cookies[name] = value
        content = response.read()
        connection.close()
        return response.status, content

    def login(self, username, password):
        _, page = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token}).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        if status != 302:
            raise SystemExit(f"log-in as {username} failed ({status}); is the demo loaded?")
        return self

    def post_multipart(self, path, fields, filename, data):
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in {**fields, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request(
            "POST",
            path,
            body,
            {
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "X-CSRFToken": self.cookies.get("csrftoken", ""),
            },
        )


def hostile_files():
    return {
        "宏.xlsx": hostile.macro_xlsx(),
        "宏.docx": hostile.macro_docx(),
        "炸弹.xlsx": hostile.zip_bomb(400),
        "笑.xlsx": hostile.billion_laughs_xlsx(),
        "宏.xls": hostile.macro_xls(),
        "宏.doc": hostile.macro_doc(),
        "宏表.xls": hostile.xlm_macro_xls(),
        "脚本.pdf": hostile.pdf_open_action_javascript(),
        "启动.pdf": hostile.pdf_escaped_launch(),
        "藏脚本.pdf": hostile.pdf_javascript_in_object_stream(),
        "炸弹.pdf": hostile.pdf_object_stream_bomb(),
    }


def draft_report(reporter) -> int | None:
    """The reporter's first draft, else a draft it writes through the API for a month it may still report."""
    status, content = reporter.request("GET", "/api/progress-reports/?status=draft")
    results = json.loads(content).get("results", []) if status == 200 else []
    if results:
        return results[0]["id"]
    status, content = reporter.request("GET", "/api/indicators/?page_size=20")
    indicators = json.loads(content).get("results", []) if status == 200 else []
    today = time.localtime()
    for indicator in indicators:
        for back in range(6):
            year, month = divmod(today.tm_year * 12 + today.tm_mon - 1 - back, 12)
            period = f"{year}-{month + 1:02d}"
            if indicator.get("frequency") == "quarterly":
                period = f"{year}-Q{month // 3 + 1}"
            body = {"indicator": indicator["id"], "period": period, "value": "1", "narrative": "attack_uploads"}
            body |= {"explanation": "attack_uploads", "confirmed": True}
            status, content = reporter.request(
                "POST",
                "/api/progress-reports/",
                json.dumps(body).encode(),
                {"Content-Type": "application/json", "X-CSRFToken": reporter.cookies.get("csrftoken", "")},
            )
            if status == 201:
                return json.loads(content)["id"]
    return None


def paths(office, reporter, town, report):
    found = [
        ("plan import page", office, "/reports/import/", {"region": "330305000000"}),
        ("plan import API", office, "/api/plans/import/", {"region": "330305000000"}),
        ("village income import", town, "/villages/income/import/", {}),
        ("region import", office, "/villages/regions/import/", {}),
        ("progress workbook", reporter, "/reports/progress/", {}),
    ]
    if report is not None:
        found.insert(2, ("evidence API", reporter, "/api/evidence/", {"report": report}))
    return found


def refused(status, content) -> bool:
    return status in (400, 403, 413, 422) or (
        status == 200
        and re.search(
            "宏|炸弹|XML 实体|不接受|不予接收|内容与其文件名|应为|refused|macros|bomb|not accepted".encode(), content
        )
        is not None
    )


def oversized(session, path, declared):
    """Declare a large body, send only 64 KB of it, and time the answer."""
    with socket.create_connection((session.host, session.port), timeout=30) as sock:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {session.host}\r\nContent-Type: application/octet-stream\r\n"
            + (f"Content-Length: {declared}\r\n" if declared else "Transfer-Encoding: chunked\r\n")
            + "Connection: close\r\n\r\n"
        ).encode()
        started = time.monotonic()
        sock.sendall(head + (b"ffff\r\n" if not declared else b"") + bytes(64 * 1024))
        answer = sock.recv(200).split(b"\r\n")[0].decode(errors="replace")
        return answer, time.monotonic() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--office", default="duchashi")
    parser.add_argument("--reporter", default="nongye")
    parser.add_argument("--town", default="damen")
    parser.add_argument("--password", default="Demo@2025")
    parser.add_argument(
        "--report",
        type=int,
        help="a draft report of --reporter for the evidence API (default: the first draft the API lists, else one it writes)",
    )
    args = parser.parse_args()
    office = Session(args.base).login(args.office, args.password)
    reporter = Session(args.base).login(args.reporter, args.password)
    town = Session(args.base).login(args.town, args.password)
    files, bad = hostile_files(), 0
    report = args.report or draft_report(reporter)
    if report is None:
        print("evidence API: skipped, the reporter has no draft report (give --report)")
    for label, session, path, fields in paths(office, reporter, town, report):
        for name, data in files.items():
            for sent_as in (name, "台账.xlsx"):
                started = time.monotonic()
                status, content = session.post_multipart(path, fields, sent_as, data)
                ok = refused(status, content)
                bad += not ok
                print(
                    f"{label:22} {name:10} as {sent_as:10} -> {status} {'refused' if ok else 'ACCEPTED'} "
                    f"{time.monotonic() - started:.2f} s"
                )
    for declared in (300 * 1024 * 1024, None):
        answer, seconds = oversized(office, "/villages/income/import/", declared)
        what = f"{declared // 1024 // 1024} MB declared" if declared else "chunked, no length"
        bad += not answer.split(" ")[1:2] in (["413"], ["411"])
        print(f"body cap               {what:20} -> {answer} after {seconds:.2f} s (64 KB sent)")
    print(f"summary: {bad} tries got through")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
