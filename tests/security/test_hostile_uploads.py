"""Every hostile file is refused on every upload path, with a Chinese sentence, and nothing is written.

The red-team pass found POST /api/evidence/ taking files the plan import refused; every path now
goes through core.uploads, and this test sends each file to each path twice: under its own name
and renamed .xlsx (the name every path accepts).
"""

from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from regions.models import Region
from targets import services
from targets.models import Evidence, Plan, ProgressReport
from tests import hostile
from tests.conftest import api_as
from villages.models import IncomeRecord

MACROS, BOMB, ENTITIES, LEGACY = "宏", "压缩炸弹", "XML 实体", "不接受旧版"


@pytest.fixture(scope="module")
def hostile_files():
    """name → (bytes, the refusal phrases that may explain it); the 400 MB bomb is built once."""
    return {
        "宏.xlsx": (hostile.macro_xlsx(), {MACROS}),
        "宏.docx": (hostile.macro_docx(), {MACROS}),
        "炸弹.xlsx": (hostile.zip_bomb(400), {BOMB}),
        "笑.xlsx": (hostile.billion_laughs_xlsx(), {ENTITIES}),
        "宏.xls": (hostile.macro_xls(), {MACROS, LEGACY}),
        "宏.doc": (hostile.macro_doc(), {MACROS, LEGACY}),
    }


@pytest.fixture(autouse=True)
def june(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    with time_machine.travel("2025-06-10 10:00 +0800"):
        yield


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def _draft(indicator, dept, dept_reporter):
    return services.progress_report_create(
        indicator=indicator, unit=dept, period="2025-05", value=Decimal("400"), by=dept_reporter
    )


def post_plan_page(ctx, upload):
    return logged_in(ctx["supervisor"]).post(reverse("import-upload"), {"region": "330305000000", "file": upload})


def post_plan_api(ctx, upload):
    return api_as(ctx["supervisor"]).post(
        "/api/plans/import/", {"region": "330305000000", "file": upload}, format="multipart"
    )


def post_evidence_api(ctx, upload):
    report = _draft(ctx["indicator"], ctx["dept"], ctx["dept_reporter"])
    return api_as(ctx["dept_reporter"]).post(
        "/api/evidence/", {"report": report.pk, "file": upload}, format="multipart"
    )


def post_evidence_page(ctx, upload):
    data = {
        "value": "400",
        "narrative": "",
        "problems": "",
        "next_steps": "",
        "version": "",
        "action": "save",
        "evidence": [upload],
    }
    return logged_in(ctx["dept_reporter"]).post(f"/entry/{ctx['indicator'].pk}/2025-05/", data)


def post_income(ctx, upload):
    return logged_in(ctx["town_reporter"]).post(reverse("villages:income-import"), {"file": upload})


def post_regions(ctx, upload):
    return logged_in(ctx["supervisor"]).post(reverse("villages:regions-import"), {"file": upload})


def post_progress_workbook(ctx, upload):
    return logged_in(ctx["dept_reporter"]).post(reverse("excel-progress"), {"file": upload})


PATHS = [
    post_plan_page,
    post_plan_api,
    post_evidence_api,
    post_evidence_page,
    post_income,
    post_regions,
    post_progress_workbook,
]
NAMES = ["宏.xlsx", "宏.docx", "炸弹.xlsx", "笑.xlsx", "宏.xls", "宏.doc"]


def written():
    return (
        Plan.objects.count(),
        Evidence.objects.count(),
        IncomeRecord.objects.count(),
        Region.objects.count(),
        ProgressReport.objects.exclude(status="draft").count(),
    )


@pytest.mark.parametrize("renamed", [False, True], ids=["own-name", "renamed-xlsx"])
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("post", PATHS, ids=lambda f: f.__name__)
def test_every_hostile_file_is_refused_on_every_upload_path(
    post, name, renamed, hostile_files, settings, supervisor, dept, dept_reporter, town_reporter, indicator
):
    data, phrases = hostile_files[name]
    ctx = {
        "supervisor": supervisor,
        "dept": dept,
        "dept_reporter": dept_reporter,
        "town_reporter": town_reporter,
        "indicator": indicator,
    }
    before = written()
    response = post(ctx, SimpleUploadedFile("台账.xlsx" if renamed else name, data))
    body = response.content.decode()
    assert response.status_code in (200, 400), response.status_code
    assert any(phrase in body for phrase in phrases), body[:2000]
    assert written()[:4] == before[:4]
    assert not any(p.is_file() for p in Path(settings.EVIDENCE_ROOT).rglob("*"))


def test_a_clean_legacy_workbook_is_accepted_as_evidence(dept_reporter, dept, indicator):
    report = _draft(indicator, dept, dept_reporter)
    response = api_as(dept_reporter).post(
        "/api/evidence/",
        {"report": report.pk, "file": SimpleUploadedFile("旧台账.xls", hostile.clean_xls())},
        format="multipart",
    )
    assert response.status_code == 201 and response.json()["content_type"] == "application/vnd.ms-excel"
