"""One client address for the throttle, the lockout and the audit log: X-Forwarded-For counts only when
a trusted proxy (TRUSTED_PROXIES) sent it, so a script cannot pick a fresh address per request."""

import pytest
from django.test import RequestFactory

from accounts.models import AuditEvent
from core.network import client_ip

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_a_forwarded_header_from_an_untrusted_peer_is_ignored(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/30"]
    assert client_ip(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"
    settings.TRUSTED_PROXIES = []
    assert client_ip(request_from("10.0.0.1", "198.51.100.1")) == "10.0.0.1"


def test_behind_trusted_proxies_the_first_untrusted_hop_from_the_right_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/30", "fd00::/8"]
    # The client wrote the leftmost hop itself; the proxy appended the address it really saw.
    assert client_ip(request_from("10.0.0.1", "6.6.6.6, 198.51.100.7")) == "198.51.100.7"
    assert client_ip(request_from("10.0.0.1", "198.51.100.7, 10.0.0.2")) == "198.51.100.7"
    assert client_ip(request_from("10.0.0.1", "not-an-address")) == "10.0.0.1"
    assert client_ip(request_from("10.0.0.1")) == "10.0.0.1"


def test_25_token_requests_each_with_a_new_forwarded_address_are_throttled(api, dept_reporter):
    statuses = []
    for n in range(25):
        response = api.post(
            "/api/auth/token/",
            {"username": f"guess{n}", "password": "wrong-Pass-1"},
            REMOTE_ADDR="192.0.2.10",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n + 1}",
        )
        statuses.append(response.status_code)
    assert statuses.count(429) >= 15
    # The right password from the throttled address gets no token either.
    response = api.post(
        "/api/auth/token/",
        {"username": "nongye", "password": PASSWORD},
        REMOTE_ADDR="192.0.2.10",
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    assert response.status_code == 429 and "token" not in response.json()


def test_the_audit_log_and_the_lockout_record_the_same_address(client, settings, dept_reporter):
    settings.TRUSTED_PROXIES = ["10.0.0.1/32"]
    client.post(
        "/accounts/login/",
        {"username": "nongye", "password": "wrong-Pass-1"},
        REMOTE_ADDR="192.0.2.20",
        HTTP_X_FORWARDED_FOR="198.51.100.50",
    )
    client.post(
        "/accounts/login/",
        {"username": "nongye", "password": "wrong-Pass-1"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.51",
    )
    from axes.models import AccessFailureLog

    assert list(AuditEvent.objects.filter(action="auth.login_failed").order_by("id").values_list("ip", flat=True)) == [
        "192.0.2.20",
        "198.51.100.51",
    ]
    assert sorted(AccessFailureLog.objects.values_list("ip_address", flat=True)) == ["192.0.2.20", "198.51.100.51"]
