"""The office's failed-deliveries page in a real browser: it fits at 1366 px and 375 px, reads in Chinese,
and "send again" delivers to the robot."""

import pytest

from accounts.models import AuditEvent, ChannelDelivery, ChannelKind, DeliveryStatus, UnitChannel

from ..browser_checks import at_each_width
from ..conftest import browser_login
from .test_channels import robot  # noqa: F401 (the local robot fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_sends_a_failed_robot_notice_again_from_its_page(
    browser_page,
    robot,  # noqa: F811
    supervisor,
    town_unit,
):
    channel = UnitChannel.objects.create(
        unit=town_unit,
        kind=ChannelKind.WECOM,
        url=robot.url.replace("access_token=abc", "key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"),
    )
    long_error = "HTTP Error 502: Bad Gateway <html><body>upstream connect error or disconnect/reset before headers</body></html>"
    failed = ChannelDelivery.objects.create(
        channel=channel,
        title="逾期通知",
        text="大门镇2026年11月进度填报逾期未报",
        attempts=4,
        status=DeliveryStatus.FAILED,
        last_error=long_error,
    )
    page, base = browser_page, browser_page.base_url
    browser_login(page, supervisor.username)
    page.set_viewport_size({"width": 1280, "height": 812})
    page.goto(f"{base}/supervision/")
    page.click("[data-failed-deliveries] a")
    page.shot("failures-1280")
    at_each_width(
        page,
        f"{base}/accounts/channels/failed/",
        "failures",
        allowed=(
            "HTTP",
            "Error",
            "Bad",
            "Gateway",
            "html",
            "body",
            "upstream",
            "connect",
            "error",
            "or",
            "disconnect",
            "reset",
            "before",
            "headers",
            "key",
            "http",
            "robot",
            "send",
        ),
    )
    assert "0ec2sifa5aaa" not in page.content()
    page.check(f"tr[data-delivery='{failed.pk}'] input[name=delivery]")
    page.click("#resend")
    page.wait_for_load_state("networkidle")
    page.shot("resent-375")
    assert "1条推送已重新排队" in page.inner_text(".messages")
    assert page.locator(f"tr[data-delivery='{failed.pk}']").count() == 0
    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.SENT and len(robot.received) == 1
    assert AuditEvent.objects.filter(action="channel.resend", object_id=str(failed.pk)).exists()
