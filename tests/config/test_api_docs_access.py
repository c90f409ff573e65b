"""The API schema and its docs page: behind log-in when API_DOCS_REQUIRE_LOGIN is on (config.production)."""

import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import api_as

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_with_the_setting_on_anonymous_callers_get_neither_schema_nor_docs(client, api, settings):
    settings.API_DOCS_REQUIRE_LOGIN = True
    schema = api.get("/api/schema/?format=json")
    assert schema.status_code in (401, 403) and "paths" not in schema.content.decode()
    docs = client.get("/api/docs/")
    assert docs.status_code == 302 and docs["Location"].startswith("/accounts/login/?next=/api/docs/")


def test_with_the_setting_on_a_logged_in_user_reads_both(client, supervisor, settings):
    settings.API_DOCS_REQUIRE_LOGIN = True
    assert "/api/plans/" in api_as(supervisor).get("/api/schema/?format=json").json()["paths"]
    client.force_login(supervisor)
    assert client.get("/api/docs/").status_code == 200


def test_with_the_setting_off_the_schema_is_open(api, settings):
    settings.API_DOCS_REQUIRE_LOGIN = False
    assert api.get("/api/schema/?format=json").status_code == 200


def test_production_puts_the_schema_behind_log_in_by_default(tmp_path):
    env = {
        "DJANGO_SETTINGS_MODULE": "config.production",
        "DJANGO_SECRET_KEY": "k" * 60,
        "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3",
        "PATH": "/usr/bin:/bin",
    }
    code = "import django; django.setup(); from django.conf import settings; print(settings.API_DOCS_REQUIRE_LOGIN)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
