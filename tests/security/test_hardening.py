"""Headers, scripts, error pages: what a browser and an assessor see."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError
from django.test import override_settings
from django.urls import path
from rest_framework.decorators import api_view, permission_classes

from accounts.errors import server_error

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_every_page_carries_a_csp_without_inline_scripts(client, supervisor, plan):
    client.force_login(supervisor)
    for url in ("/", f"/plans/{plan.pk}/", "/accounts/login/", "/accounts/password/"):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in policy


def test_templates_have_no_inline_scripts_or_event_handlers():
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+\s*=", text):
            offenders.append(template.name)
    assert not offenders


def broken_view(request):
    raise OperationalError("server closed the connection unexpectedly")


def crashing_view(request):
    raise ValueError("secret internals")


@api_view(["GET"])
@permission_classes([])
def broken_api_view(request):
    # The database goes away in the middle of an API view: DRF's own exception handler sees it first.
    raise OperationalError("server closed the connection unexpectedly")


urlpatterns = [
    path("broken/", broken_view),
    path("api/broken/", broken_view),
    path("crash/", crashing_view),
    path("api/broken-view/", broken_api_view),
]
handler500 = server_error


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_database_outage_answers_503_without_a_stack_trace(client):
    client.raise_request_exception = False
    page = client.get("/broken/")
    assert page.status_code == 503 and page["Retry-After"] == "30"
    assert b'data-error="503"' in page.content and b"Traceback" not in page.content
    api = client.get("/api/broken/")
    assert api.status_code == 503 and api.json()["code"] == "unavailable" and api.json()["message"]
    inside = client.get("/api/broken-view/")
    assert inside.status_code == 503 and inside["Retry-After"] == "30"
    assert inside.json()["code"] == "unavailable" and "server closed" not in inside.content.decode()
    crash = client.get("/crash/")
    assert crash.status_code == 500 and b"secret internals" not in crash.content and b"Traceback" not in crash.content


def test_unknown_page_is_a_plain_404(client, supervisor):
    client.force_login(supervisor)
    response = client.get("/no/such/page/")
    assert response.status_code == 404


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        "DJANGO_SETTINGS_MODULE": "config.production",
        "DJANGO_SECRET_KEY": "k" * 20 + "Q7#x" * 10,
        "DATABASE_URL": f"sqlite:///{tmp_path}/check.sqlite3",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_production_serves_no_public_media_and_keeps_debug_off(tmp_path):
    env = {
        "DJANGO_SETTINGS_MODULE": "config.production",
        "DJANGO_SECRET_KEY": "k" * 60,
        "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3",
        "PATH": "/usr/bin:/bin",
    }
    code = (
        "import django; django.setup(); from django.conf import settings; from django.urls import resolve, Resolver404\n"
        "try:\n    resolve('/media/x.xlsx'); print('public')\nexcept Resolver404:\n    print('private')\n"
        "print(settings.DEBUG, settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["private", "False", "True", "True", "True"]


def test_upload_size_is_limited(client, supervisor, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client.force_login(supervisor)
    client.raise_request_exception = False
    response = client.post("/api/indicators/", data="x" * 4096, content_type="application/json")
    assert response.status_code == 400
