"""The shared API machinery of core/api.py: error bodies, throttles, pagination, the docs without a CDN."""

import logging

from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from core.api import exception_handler

from ..conftest import PASSWORD, api_as


def test_an_anonymous_request_gets_a_code_and_a_message(api):
    response = api.get("/api/plans/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "not_authenticated"
    assert body["message"] == "Authentication credentials were not provided."


def test_the_error_message_follows_the_request_language(api):
    english = api.get("/api/plans/", HTTP_ACCEPT_LANGUAGE="en").json()
    chinese = api.get("/api/plans/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert english["code"] == chinese["code"] == "not_authenticated"
    assert chinese["message"] and chinese["message"] != english["message"]


def test_a_validation_error_keeps_the_detail_of_each_field(supervisor, target):
    response = api_as(supervisor).post(
        "/api/indicators/",
        {"target": target.pk, "name": "", "kind": "sideways"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert {"name", "kind", "target_value", "start_date", "deadline"} <= set(body["fields"])
    assert body["message"].startswith("The data sent is not valid")


def test_an_unknown_object_is_a_json_404(supervisor):
    response = api_as(supervisor).get("/api/plans/999999/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_unexpected_exception_is_a_json_500_without_a_stack_trace(caplog):
    class Broken(APIView):
        permission_classes = []
        authentication_classes = []

        def get(self, request):
            raise ZeroDivisionError("secret internals")

    request = APIRequestFactory().get("/broken/")
    with caplog.at_level(logging.ERROR, logger="core.api"):
        response = Broken.as_view()(request)
    response.render()
    assert response.status_code == 500
    assert response.data["code"] == "server_error"
    assert b"secret internals" not in response.content
    assert b"Traceback" not in response.content
    assert "ZeroDivisionError" in caplog.text  # logged for the operators, not sent to the client


def test_the_handler_is_the_configured_one():
    from django.conf import settings

    assert settings.REST_FRAMEWORK["EXCEPTION_HANDLER"] == "core.api.exception_handler"
    assert exception_handler(ValueError("x"), {"view": None}).status_code == 500


def test_guessing_passwords_on_the_token_endpoint_is_throttled(api, dept_reporter, monkeypatch):
    from core.api import LoginRateThrottle

    monkeypatch.setattr(LoginRateThrottle, "THROTTLE_RATES", {"login": "3/min"})
    codes = [
        api.post("/api/auth/token/", {"username": "nongye", "password": "wrong"}, format="json").status_code
        for _ in range(3)
    ]
    assert codes == [400, 400, 400]
    blocked = api.post("/api/auth/token/", {"username": "nongye", "password": PASSWORD}, format="json")
    assert blocked.status_code == 429
    assert blocked.json()["code"] == "throttled"
    assert blocked.json()["retry_after"] > 0
    assert "token" not in blocked.json()


def test_issuing_a_token_is_audited(api, dept_reporter):
    from accounts.models import AuditEvent

    response = api.post("/api/auth/token/", {"username": "nongye", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="auth.token")
    assert event.user == dept_reporter and set(event.new) == {"expiry", "key"}
    assert event.new["key"] == response.json()["token"][:15] and response.json()["token"] not in str(event.new)


def test_exports_are_throttled_per_user(dept_reporter, supervisor, monkeypatch):
    from rest_framework.response import Response

    from core.api import ExportRateThrottle

    class Export(APIView):
        throttle_classes = [ExportRateThrottle]

        def get(self, request):
            return Response({"file": "ok"})

    monkeypatch.setattr(ExportRateThrottle, "THROTTLE_RATES", {"export": "2/hour"})
    factory = APIRequestFactory()

    def call(user):
        request = factory.get("/export/")
        force_authenticate(request, user)
        return Export.as_view()(request).status_code

    assert [call(dept_reporter) for _ in range(3)] == [200, 200, 429]
    assert call(supervisor) == 200  # another user has a count of its own


def test_lists_are_paginated_with_a_page_size_parameter(supervisor, plan):
    from ..factories import PlanFactory

    PlanFactory.create_batch(3, region=plan.region)
    body = api_as(supervisor).get("/api/plans/?page_size=2").json()
    assert body["count"] == 4 and len(body["results"]) == 2 and body["next"]


def test_the_docs_page_serves_swagger_ui_from_our_own_static_files(supervisor):
    response = api_as(supervisor).get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()


def test_the_schema_describes_every_field_of_every_resource(api):
    schema = api.get("/api/schema/?format=json&lang=en").json()
    undescribed = [
        f"{name}.{field}"
        for name, component in schema["components"]["schemas"].items()
        for field, prop in component.get("properties", {}).items()
        if not prop.get("description")
    ]
    assert undescribed == []
    assert (
        "lead units (牵头单位)" in schema["components"]["schemas"]["Target"]["properties"]["lead_units"]["description"]
    )
