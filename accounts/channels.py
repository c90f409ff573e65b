"""Notices to a unit's DingTalk / Zhezhengding / WeCom group robot or an SMS gateway, behind one interface.

`channel_send` records one ChannelDelivery per enabled channel of the unit and hands it to Celery after
the commit; `deliver` makes the HTTP call. Only the URL an administrator set on the UnitChannel is called.
"""

import base64
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from core import queue
from regions.selectors import region_prefix

from . import permissions
from .audit import audit_record
from .models import ChannelDelivery, ChannelKind, DeliveryStatus, UnitChannel

TIMEOUT_SECONDS = 5
logger = logging.getLogger(__name__)


class ChannelError(Exception):
    """The channel did not take the message (network error, HTTP error or an error code in the answer)."""


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    """DingTalk's signing: sign = base64 of HMAC-SHA256(secret, "timestamp\\nsecret"), URL-encoded."""
    timestamp = str(timestamp_ms if timestamp_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={sign}"


def _request(channel: UnitChannel, title: str, text: str) -> tuple[str, dict, dict]:
    """The URL, JSON body and extra headers the vendor documents for this channel."""
    if channel.kind in (ChannelKind.DINGTALK, ChannelKind.ZWDING):
        url = dingtalk_signed_url(channel.url, channel.secret) if channel.secret else channel.url
        return url, {"msgtype": "markdown", "markdown": {"title": title, "text": text}}, {}
    if channel.kind == ChannelKind.WECOM:
        return channel.url, {"msgtype": "markdown", "markdown": {"content": text}}, {}
    headers = {"Authorization": f"Bearer {channel.secret}"} if channel.secret else {}
    return channel.url, {"phone": channel.phone, "text": f"{title}：{text}"}, headers


def deliver(delivery: ChannelDelivery) -> None:
    """One HTTP POST; raises ChannelError when the vendor did not accept it."""
    url, body, headers = _request(delivery.channel, delivery.title, delivery.text)
    request = urllib.request.Request(
        url,
        data=json.dumps(body, ensure_ascii=False).encode(),
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310 (admin-set URL)
            raw = answer.read(4000)
    except (urllib.error.URLError, OSError) as exc:
        raise ChannelError(str(exc)[:300]) from exc
    try:
        code = json.loads(raw or b"{}").get("errcode", 0)
    except (ValueError, AttributeError):
        code = 0  # an SMS gateway may answer with plain text; HTTP 2xx is then its yes
    if code:
        raise ChannelError(raw.decode("utf-8", "replace")[:300])


def channel_send(*, unit, title: str, text: str, by=None, dedupe_key: str = "") -> int:
    """Queue the notice for each enabled channel of the unit (once per dedupe_key); returns how many."""
    created = []
    for channel in UnitChannel.objects.filter(unit=unit, enabled=True):
        if dedupe_key and ChannelDelivery.objects.filter(channel=channel, dedupe_key=dedupe_key).exists():
            continue
        created.append(
            ChannelDelivery.objects.create(channel=channel, title=title[:100], text=text, dedupe_key=dedupe_key).pk
        )
    for pk in created:
        transaction.on_commit(lambda pk=pk: _enqueue(pk))
    return len(created)


@transaction.atomic
def channel_resend(*, deliveries, by) -> int:
    """Queue failed deliveries once more, attempts counted from zero (the office's "send again"); each
    one resent is audited as `channel.resend`. PermissionDenied, and nothing queued, unless `by` is the
    office of every delivery's unit."""
    if not permissions.is_office(by):
        raise PermissionDenied(_("Only the supervision office sends failed notices again."))
    failed = list(
        deliveries.filter(status=DeliveryStatus.FAILED)
        .select_related("channel__unit__county")
        .select_for_update(of=("self",))
    )
    outside = [d for d in failed if not permissions.can_resend_delivery(by, d)]
    if outside:
        raise PermissionDenied(
            _("%(unit)s is outside your region; its notices are not yours to send again.")
            % {"unit": outside[0].channel.unit.name}
        )
    ChannelDelivery.objects.filter(pk__in=[d.pk for d in failed]).update(status=DeliveryStatus.PENDING, attempts=0)
    for delivery in failed:
        audit_record(
            action="channel.resend",
            by=by,
            obj=delivery,
            old={"status": delivery.status, "attempts": delivery.attempts, "last_error": delivery.last_error},
            new={
                "status": DeliveryStatus.PENDING,
                "attempts": 0,
                "unit": delivery.channel.unit.name,
                "kind": delivery.channel.kind,
            },
        )
        transaction.on_commit(lambda pk=delivery.pk: _enqueue(pk))
    return len(failed)


def failed_deliveries(*, user):
    """The failed deliveries to the units of the user's region (all of them for a user without one),
    newest first: the office's list of what did not reach a group robot or SMS gateway."""
    qs = ChannelDelivery.objects.filter(status=DeliveryStatus.FAILED).select_related("channel__unit")
    if user.region_id is not None:
        qs = qs.filter(channel__unit__county__code__startswith=region_prefix(user.region))
    return qs.order_by("-created_at", "-id")


_SECRET_PARAMS = ("access_token", "key", "sign", "token", "secret")


def masked_url(url: str) -> str:
    """The webhook address with its token masked (a DingTalk access_token or a WeCom key is the robot's
    password): https://oapi.dingtalk.com/robot/send?access_token=••••3f9a."""
    parts = urllib.parse.urlsplit(url)
    query = "&".join(
        f"{urllib.parse.quote(name)}={_masked(value) if name.lower() in _SECRET_PARAMS else urllib.parse.quote(value)}"
        for name, value in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    )
    netloc = parts.hostname or ""  # user:password@ in the address is dropped
    netloc += f":{parts.port}" if parts.port else ""
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def _masked(value: str) -> str:
    return "••••" + value[-4:] if len(value) > 8 else "••••"


def _enqueue(pk: int) -> None:
    try:
        queue.enqueue("accounts.channel_deliver", pk)
    except Exception:  # a broker outage must not fail the request: the delivery stays pending, in the admin
        logger.exception("channel delivery %s not queued", pk)


def notice_title() -> str:
    return _("Target tracking notice")
