"""Upload previews live server-side for their uploader until they expire, never in the session."""

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from reports import previews
from reports.beat import JOBS
from reports.models import UploadPreview
from reports.tasks import purge_upload_previews

from ..factories import UserFactory
from .tables import dongtou, dongtou_xlsx, upload

pytestmark = pytest.mark.django_db
NOON = datetime(2026, 6, 10, 4, 0, tzinfo=dt_timezone.utc)


def uploaded(client, supervisor):
    client.force_login(supervisor)
    response = client.post(
        reverse("import-upload"),
        {"region": "330305000000", "title": "", "file": upload(dongtou_xlsx(dongtou.TASKS[:2]), "t.xlsx")},
    )
    assert response.status_code == 302
    return response["Location"]


def test_the_parsed_plan_is_kept_server_side_and_not_in_the_session(client, supervisor):
    url = uploaded(client, supervisor)
    preview = UploadPreview.objects.get()
    assert preview.user == supervisor and preview.kind == previews.Kind.PLAN_IMPORT
    assert len(preview.data["tasks"]) == 2
    assert not [k for k in client.session.keys() if "plan_import" in k or "preview" in k]
    assert client.get(url).status_code == 200


def test_another_office_user_cannot_open_someone_elses_preview(client, supervisor, county):
    url = uploaded(client, supervisor)
    client.force_login(UserFactory(username="second-office", role=Role.SUPERVISOR, region=county))
    assert client.get(url).status_code == 404


def test_a_preview_expires_after_upload_preview_hours(client, supervisor, settings):
    settings.UPLOAD_PREVIEW_HOURS = 12
    with time_machine.travel(NOON, tick=False):
        url = uploaded(client, supervisor)
    # A new session each time: a session itself lasts only half an hour idle.
    with time_machine.travel(NOON + timedelta(hours=11, minutes=59), tick=False):
        client.logout()
        client.force_login(supervisor)
        assert client.get(url).status_code == 200
    with time_machine.travel(NOON + timedelta(hours=12), tick=False):
        client.logout()
        client.force_login(supervisor)
        assert client.get(url).status_code == 404


def test_editing_the_preview_gives_it_its_full_time_again(supervisor, settings):
    settings.UPLOAD_PREVIEW_HOURS = 12
    with time_machine.travel(NOON, tick=False):
        token = previews.preview_save(by=supervisor, kind=previews.Kind.PLAN_IMPORT, data={"tasks": []})
    with time_machine.travel(NOON + timedelta(hours=10), tick=False):
        assert previews.preview_update(by=supervisor, kind=previews.Kind.PLAN_IMPORT, token=token, data={"tasks": [1]})
    with time_machine.travel(NOON + timedelta(hours=21), tick=False):
        assert previews.preview_get(by=supervisor, kind=previews.Kind.PLAN_IMPORT, token=token).data == {"tasks": [1]}


def test_a_token_of_one_kind_does_not_open_the_other(dept_reporter):
    token = previews.preview_save(by=dept_reporter, kind=previews.Kind.PROGRESS_MARKED, content=b"PK")
    assert previews.preview_get(by=dept_reporter, kind=previews.Kind.PLAN_IMPORT, token=token) is None
    assert (
        bytes(previews.preview_get(by=dept_reporter, kind=previews.Kind.PROGRESS_MARKED, token=token).content) == b"PK"
    )


def test_the_nightly_purge_deletes_only_expired_previews(supervisor, settings):
    settings.UPLOAD_PREVIEW_HOURS = 12
    with time_machine.travel(NOON, tick=False):
        old = previews.preview_save(by=supervisor, kind=previews.Kind.PLAN_IMPORT, data={})
    with time_machine.travel(NOON + timedelta(hours=6), tick=False):
        fresh = previews.preview_save(by=supervisor, kind=previews.Kind.PLAN_IMPORT, data={})
    with time_machine.travel(NOON + timedelta(hours=13), tick=False):
        assert purge_upload_previews() == 1
    assert list(UploadPreview.objects.values_list("token", flat=True)) == [fresh]
    assert old != fresh


def test_the_purge_is_a_nightly_beat_job():
    assert [j.hour for j in JOBS if j.task == "reports.tasks.purge_upload_previews"] == ["3"]
