"""A unit's notices reach its DingTalk / WeCom group robot and SMS gateway: checked against a local HTTP server."""

import base64
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from accounts import tasks
from accounts.channels import channel_send
from accounts.models import AuditEvent, ChannelDelivery, ChannelKind, DeliveryStatus, Notification, Role, UnitChannel
from accounts.services import notify

from ..factories import UserFactory


@pytest.fixture
def robot():
    """A local server that records each request and answers with the status set in `robot.status`."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"path": self.path, "body": json.loads(body), "headers": dict(self.headers)})
            self.send_response(server.status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"errcode":0,"errmsg":"ok"}')

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.status = 200
    server.received = received
    server.url = f"http://127.0.0.1:{server.server_port}/robot/send?access_token=abc"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_dingtalk_robot_gets_signed_markdown(robot, town_unit, town_reporter, django_capture_on_commit_callbacks):
    UnitChannel.objects.create(unit=town_unit, kind=ChannelKind.DINGTALK, url=robot.url, secret="SECtest")
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[town_reporter], kind="report.returned", message="你的报告已退回：数据有误", unit=town_unit)

    assert Notification.objects.filter(user=town_reporter, kind="report.returned").exists()
    [request] = robot.received
    assert request["body"] == {
        "msgtype": "markdown",
        "markdown": {"title": "目标跟踪提醒", "text": "你的报告已退回：数据有误"},
    }
    query = parse_qs(urlsplit(request["path"]).query)
    assert query["access_token"] == ["abc"]
    timestamp = query["timestamp"][0]
    expected = base64.b64encode(hmac.new(b"SECtest", f"{timestamp}\nSECtest".encode(), hashlib.sha256).digest())
    assert query["sign"] == [expected.decode()]
    delivery = ChannelDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)
    assert AuditEvent.objects.filter(action="channel.sent", object_id=str(delivery.pk)).exists()


def test_wecom_robot_and_sms_gateway_bodies(robot, town_unit, django_capture_on_commit_callbacks):
    UnitChannel.objects.create(unit=town_unit, kind=ChannelKind.WECOM, url=robot.url)
    UnitChannel.objects.create(
        unit=town_unit,
        kind=ChannelKind.SMS,
        url=robot.url.replace("robot", "sms"),
        secret="gw-token",
        phone="13800000000",
    )
    UnitChannel.objects.create(unit=town_unit, kind=ChannelKind.WECOM, url=robot.url, enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert channel_send(unit=town_unit, title="督办通知", text="请于本周内整改") == 2

    bodies = sorted((r["body"] for r in robot.received), key=lambda b: "phone" in b)
    assert bodies == [
        {"msgtype": "markdown", "markdown": {"content": "请于本周内整改"}},
        {"phone": "13800000000", "text": "督办通知：请于本周内整改"},
    ]
    sms = next(r for r in robot.received if "phone" in r["body"])
    assert sms["headers"]["Authorization"] == "Bearer gw-token"


def test_a_repeated_reminder_goes_to_the_robot_once(robot, town_unit, django_capture_on_commit_callbacks):
    UnitChannel.objects.create(unit=town_unit, kind=ChannelKind.WECOM, url=robot.url)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            notify(
                users=[],
                kind="report_remind",
                message="提醒",
                dedupe_key="reports:remind:2026-11:unit1",
                unit=town_unit,
            )
    assert len(robot.received) == 1


def test_a_failing_robot_is_retried_then_marked_failed_and_audited(
    robot, town_unit, django_capture_on_commit_callbacks
):
    robot.status = 500
    UnitChannel.objects.create(unit=town_unit, kind=ChannelKind.DINGTALK, url=robot.url)
    with django_capture_on_commit_callbacks(execute=True):
        channel_send(unit=town_unit, title="提醒", text="逾期未报")

    assert len(robot.received) == tasks.CHANNEL_MAX_ATTEMPTS
    delivery = ChannelDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, tasks.CHANNEL_MAX_ATTEMPTS)
    assert "500" in delivery.last_error
    event = AuditEvent.objects.get(action="channel.failed")
    assert event.outcome == "failure" and event.object_id == str(delivery.pk)


def test_a_robot_error_code_counts_as_failure(town_unit, django_capture_on_commit_callbacks, monkeypatch):
    # DingTalk answers HTTP 200 with errcode 310000 on a bad signature: that is not a delivery.
    class Answer:
        def __enter__(self):
            return self

        def __exit__(self, *args):
            return False

        def read(self, n):
            return b'{"errcode":310000,"errmsg":"sign not match"}'

    monkeypatch.setattr("urllib.request.urlopen", lambda *a, **k: Answer())
    UnitChannel.objects.create(unit=town_unit, kind=ChannelKind.DINGTALK, url="http://127.0.0.1:9/x", secret="S")
    with django_capture_on_commit_callbacks(execute=True):
        channel_send(unit=town_unit, title="提醒", text="x")
    delivery = ChannelDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and "sign not match" in delivery.last_error


def test_failed_deliveries_are_listed_for_the_office_in_the_admin(client, town_unit):
    client.force_login(UserFactory(username="sysadmin", role=Role.ADMIN, is_staff=True, is_superuser=True))
    channel = UnitChannel.objects.create(unit=town_unit, kind=ChannelKind.WECOM, url="http://127.0.0.1:9/x")
    ChannelDelivery.objects.create(
        channel=channel, title="提醒", text="a", status=DeliveryStatus.FAILED, last_error="HTTP Error 500"
    )
    ChannelDelivery.objects.create(channel=channel, title="第二条通知", text="b", status=DeliveryStatus.SENT)
    page = client.get("/admin/accounts/channeldelivery/?status__exact=failed").content.decode()
    assert "HTTP Error 500" in page and "第二条通知" not in page


def test_the_office_sends_a_failed_delivery_again_from_the_admin(
    client, robot, town_unit, django_capture_on_commit_callbacks
):
    client.force_login(UserFactory(username="sysadmin", role=Role.ADMIN, is_staff=True, is_superuser=True))
    channel = UnitChannel.objects.create(unit=town_unit, kind=ChannelKind.WECOM, url=robot.url)
    failed = ChannelDelivery.objects.create(
        channel=channel,
        title="提醒",
        text="重发",
        attempts=4,
        status=DeliveryStatus.FAILED,
        last_error="HTTP Error 500",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/accounts/channeldelivery/", {"action": "send_again", "_selected_action": [failed.pk]}, follow=True
        )
    assert "1 条推送已重新排队" in response.content.decode()
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.last_error) == (DeliveryStatus.SENT, 1, "")
    assert [r["body"]["markdown"]["content"] for r in robot.received] == ["重发"]


def _failed(unit, url="http://127.0.0.1:9/robot/send?access_token=0123456789abcdef", **fields):
    channel = UnitChannel.objects.create(unit=unit, kind=ChannelKind.DINGTALK, url=url)
    return ChannelDelivery.objects.create(
        channel=channel,
        title="逾期通知",
        text=fields.pop("text", "请尽快报送"),
        attempts=4,
        status=DeliveryStatus.FAILED,
        last_error="HTTP Error 500: Internal Server Error",
        **fields,
    )


def test_the_office_lists_its_regions_failed_deliveries_with_the_token_masked(client, supervisor, town_unit):
    from ..factories import RegionFactory, UnitFactory

    ours = _failed(town_unit)
    elsewhere = _failed(UnitFactory(county=RegionFactory(name="别县"), name="别县农业局"), text="别县的通知")
    sent = _failed(town_unit, text="已送达的通知")
    ChannelDelivery.objects.filter(pk=sent.pk).update(status=DeliveryStatus.SENT)
    client.force_login(supervisor)
    before = AuditEvent.objects.count()
    page = client.get("/accounts/channels/failed/").content.decode()
    assert f'data-delivery="{ours.pk}"' in page and "HTTP Error 500" in page
    assert f'data-delivery="{elsewhere.pk}"' not in page and "已送达的通知" not in page
    assert "0123456789abcdef" not in page and "access_token=••••cdef" in page
    assert AuditEvent.objects.count() == before  # reading writes nothing
    dashboard = client.get("/supervision/").content.decode()
    assert 'data-failed-deliveries="1"' in dashboard and 'href="/accounts/channels/failed/"' in dashboard


def test_reporters_and_leaders_do_not_get_the_failed_deliveries(client, town_unit, town_reporter, county):
    _failed(town_unit)
    client.force_login(town_reporter)
    assert client.get("/accounts/channels/failed/").status_code == 403
    client.force_login(UserFactory(username="lingdao", role=Role.LEADER, region=county))
    assert client.get("/accounts/channels/failed/").status_code == 403
    assert client.post("/accounts/channels/failed/resend/", {"delivery": "1"}).status_code == 403


def test_the_office_sends_a_failed_delivery_again_and_the_resend_is_audited(
    client, robot, supervisor, town_unit, django_capture_on_commit_callbacks
):
    failed = _failed(town_unit, url=robot.url, text="重发给钉钉")
    client.force_login(supervisor)
    assert client.get("/accounts/channels/failed/resend/").status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/channels/failed/resend/", {"delivery": [str(failed.pk)]}, follow=True)
    assert "1条推送已重新排队。" in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.SENT
    assert [r["body"]["markdown"]["text"] for r in robot.received] == ["重发给钉钉"]
    event = AuditEvent.objects.get(action="channel.resend")
    assert event.username == supervisor.username and event.object_id == str(failed.pk)
    assert event.old["status"] == "failed" and event.new["status"] == "pending"


def test_the_office_cannot_resend_another_countys_delivery(client, supervisor, django_capture_on_commit_callbacks):
    from ..factories import RegionFactory, UnitFactory

    theirs = _failed(UnitFactory(county=RegionFactory(name="别县"), name="别县农业局"))
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/channels/failed/resend/", {"delivery": [str(theirs.pk)]})
    theirs.refresh_from_db()
    assert theirs.status == DeliveryStatus.FAILED and not AuditEvent.objects.filter(action="channel.resend").exists()


def test_the_admin_never_shows_a_robot_secret_and_an_empty_box_keeps_it(client, town_unit):
    client.force_login(UserFactory(username="sysadmin", role=Role.ADMIN, is_staff=True, is_superuser=True))
    channel = UnitChannel.objects.create(
        unit=town_unit,
        kind=ChannelKind.DINGTALK,
        secret="SECverysecret123",
        url="https://oapi.dingtalk.com/robot/send?access_token=feedface12345678",
    )
    listing = client.get("/admin/accounts/unitchannel/").content.decode()
    form = client.get(f"/admin/accounts/unitchannel/{channel.pk}/change/").content.decode()
    assert "SECverysecret123" not in listing and "SECverysecret123" not in form
    assert "feedface12345678" not in listing and "access_token=••••5678" in listing
    assert 'type="password"' in form
    data = {
        "unit": town_unit.pk,
        "kind": ChannelKind.DINGTALK,
        "url": channel.url,
        "secret": "",
        "phone": "",
        "enabled": "on",
    }
    assert client.post(f"/admin/accounts/unitchannel/{channel.pk}/change/", data).status_code == 302
    channel.refresh_from_db()
    assert channel.secret == "SECverysecret123"
    client.post(f"/admin/accounts/unitchannel/{channel.pk}/change/", {**data, "secret": "SECnew"})
    channel.refresh_from_db()
    assert channel.secret == "SECnew"
    client.post(f"/admin/accounts/unitchannel/{channel.pk}/change/", {**data, "clear_secret": "on"})
    channel.refresh_from_db()
    assert channel.secret == ""
    delivery = ChannelDelivery.objects.create(channel=channel, title="t", text="x", status=DeliveryStatus.FAILED)
    detail = client.get(f"/admin/accounts/channeldelivery/{delivery.pk}/change/").content.decode()
    assert "feedface12345678" not in detail


def test_the_resend_service_refuses_a_reporter_and_an_office_of_another_county(
    supervisor, town_unit, town_reporter, django_capture_on_commit_callbacks
):
    from django.core.exceptions import PermissionDenied

    from accounts.channels import channel_resend

    from ..factories import RegionFactory, UnitFactory

    ours = _failed(town_unit)
    theirs = _failed(UnitFactory(county=RegionFactory(name="别县"), name="别县农业局"))
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(PermissionDenied):
            channel_resend(deliveries=ChannelDelivery.objects.filter(pk=ours.pk), by=town_reporter)
        with pytest.raises(PermissionDenied, match="别县农业局"):
            channel_resend(deliveries=ChannelDelivery.objects.all(), by=supervisor)
    for delivery in (ours, theirs):
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.FAILED
    assert not AuditEvent.objects.filter(action="channel.resend").exists()


def test_a_webhook_typed_without_a_scheme_is_taken_as_https_without_a_deprecation_warning(town_unit, rf):
    import warnings

    from django.contrib import admin as django_admin
    from django.utils.deprecation import RemovedInDjango60Warning

    from accounts.admin import UnitChannelForm

    request = rf.get("/admin/accounts/unitchannel/add/")
    request.user = UserFactory(username="sysadmin", role=Role.ADMIN, is_staff=True, is_superuser=True)
    data = {"unit": town_unit.pk, "kind": ChannelKind.WECOM, "url": "qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}
    with warnings.catch_warnings():
        warnings.simplefilter("error", RemovedInDjango60Warning)
        admin_form = django_admin.site._registry[UnitChannel].get_form(request)
        forms = [UnitChannelForm(data=dict(data, enabled="on")), admin_form(data=dict(data, enabled="on"))]
    for form in forms:
        assert form.is_valid(), form.errors
        assert form.cleaned_data["url"] == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"
