"""PDF evidence with active content is refused at the one upload door (core.uploads), with a Chinese reason,
on the evidence API and the entry page; clean PDFs (a view-only open action, images whose bytes look like
names, a PDF LibreOffice writes) are kept."""

import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from core.uploads import UnsafeFile, check_upload
from targets import services
from targets.models import Evidence
from tests import hostile
from tests.conftest import api_as

pytestmark = pytest.mark.django_db

HOSTILE = {
    "打开即运行脚本.pdf": (hostile.pdf_open_action_javascript, "OpenAction"),
    "转义的启动程序.pdf": (hostile.pdf_escaped_launch, "Launch"),
    "压缩流里的脚本.pdf": (hostile.pdf_javascript_in_object_stream, "JavaScript"),
    "压缩炸弹.pdf": (hostile.pdf_object_stream_bomb, "压缩炸弹"),
}


@pytest.fixture(autouse=True)
def june(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    with time_machine.travel("2025-06-10 10:00 +0800"):
        yield


@pytest.mark.parametrize("name", list(HOSTILE))
def test_each_hostile_pdf_is_refused_as_evidence_with_the_reason(name, settings, dept, dept_reporter, indicator):
    build, reason = HOSTILE[name]
    report = services.progress_report_create(
        indicator=indicator, unit=dept, period="2025-05", value=Decimal("400"), by=dept_reporter
    )
    response = api_as(dept_reporter).post(
        "/api/evidence/", {"report": report.pk, "file": SimpleUploadedFile(name, build())}, format="multipart"
    )
    body = response.content.decode()
    assert response.status_code == 400 and reason in body, body
    assert "不予接收" in body or "压缩炸弹" in body
    assert not Evidence.objects.exists()
    assert not any(p.is_file() for p in Path(settings.EVIDENCE_ROOT).rglob("*"))


def test_the_entry_page_refuses_it_too(client, dept_reporter, indicator):
    client.force_login(dept_reporter)
    page = client.post(
        f"/entry/{indicator.pk}/2025-05/",
        {
            "value": "400",
            "narrative": "",
            "problems": "",
            "next_steps": "",
            "version": "",
            "action": "save",
            "evidence": [SimpleUploadedFile("台账.pdf", hostile.pdf_open_action_javascript())],
        },
    )
    assert "OpenAction" in page.content.decode() and not Evidence.objects.exists()


@pytest.mark.parametrize(
    "build", [hostile.pdf_open_action_javascript, hostile.pdf_escaped_launch, hostile.pdf_javascript_in_object_stream]
)
def test_renaming_it_does_not_help(build):
    with pytest.raises(UnsafeFile):
        check_upload(SimpleUploadedFile("photo.pdf", build()), kinds=("pdf", "jpeg", "png"))


def test_a_clean_pdf_with_a_view_only_open_action_and_an_image_is_kept(dept_reporter, dept, indicator):
    report = services.progress_report_create(
        indicator=indicator, unit=dept, period="2025-05", value=Decimal("400"), by=dept_reporter
    )
    response = api_as(dept_reporter).post(
        "/api/evidence/",
        {"report": report.pk, "file": SimpleUploadedFile("验收扫描件.pdf", hostile.pdf_clean_with_view_and_image())},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert Evidence.objects.get().content_type == "application/pdf"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_a_pdf_libreoffice_writes_is_accepted(tmp_path):
    source = tmp_path / "验收报告.docx"
    source.write_bytes(hostile.plain_docx("农村改厕验收报告：已完成300户。"))
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    data = (tmp_path / "验收报告.pdf").read_bytes()
    assert check_upload(SimpleUploadedFile("验收报告.pdf", data), kinds=("pdf",)).kind == "pdf"
