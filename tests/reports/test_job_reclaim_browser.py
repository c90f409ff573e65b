"""What the person waiting on an export sees when its worker died at every start: 失败 and the reason."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reports import jobs
from reports.models import ExportJob

from ..conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_export_given_up_after_its_worker_died_shows_why_on_its_page(browser_page, plan, supervisor, settings):
    settings.JOB_MAX_ATTEMPTS = 3
    long_ago = timezone.now() - timedelta(hours=1)
    job = ExportJob.objects.create(
        kind=ExportJob.Kind.LEDGER,
        plan=plan,
        params={"as_of": "2025-06-30"},
        created_by=supervisor,
        status=ExportJob.Status.RUNNING,
        started_at=long_ago,
        heartbeat_at=long_ago,
        attempts=3,
    )
    assert jobs.jobs_reclaim().failed == 1
    page = browser_page
    browser_login(page, supervisor.username)
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(page.base_url + reverse("excel-export-job", args=[job.pk]))
        assert page.inner_text("#job-status") == "失败"
        reason = page.locator("#job-error")
        assert reason.is_visible() and "3 次启动中均已中断" in reason.inner_text()
        assert not page.locator("#job-download").is_visible()
        page.shot(f"export-given-up-{width}")
