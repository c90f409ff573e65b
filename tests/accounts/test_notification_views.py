"""The notifications page behind the bell: only one's own, opening marks read, mark all read."""

import pytest

from accounts.services import notify


@pytest.fixture
def as_dept(client, dept_reporter):
    client.force_login(dept_reporter)
    return client


def test_notifications_open_marks_read_and_follows_the_link(as_dept, dept_reporter, stranger):
    notify(users=[dept_reporter], kind="report.returned", message="退回:请补充", link="/my-work/")
    notify(users=[stranger], kind="report.returned", message="别人的", link="/my-work/")
    note = dept_reporter.notifications.get()
    html = as_dept.get("/notifications/").content.decode()
    assert "退回:请补充" in html and "别人的" not in html and 'data-unread="1"' in html
    response = as_dept.post(f"/notifications/{note.pk}/open/")
    assert response["Location"] == "/my-work/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert 'data-unread="0"' in as_dept.get("/notifications/").content.decode()
    other = stranger.notifications.get()
    assert as_dept.post(f"/notifications/{other.pk}/open/").status_code == 404


def test_mark_all_read(as_dept, dept_reporter):
    notify(users=[dept_reporter], kind="x", message="一")
    notify(users=[dept_reporter], kind="x", message="二")
    as_dept.post("/notifications/read-all/")
    assert not dept_reporter.notifications.filter(read_at__isnull=True).exists()


def test_the_bell_counts_unread_notifications_on_every_page(as_dept, dept_reporter):
    notify(users=[dept_reporter], kind="x", message="一")
    notify(users=[dept_reporter], kind="x", message="二")
    assert 'data-unread="2"' in as_dept.get("/").content.decode()
