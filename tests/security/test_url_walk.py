"""Every URL pattern and API route, with every role: no 500 anywhere, the auditor writes nothing, and a
table of writes is allowed exactly for the roles that should make them.

The walk reads the URL resolver, so a route added later is walked too; path parameters are filled
with real objects (the segment before a parameter names its model).
"""

import re
from datetime import date

import pytest
import time_machine
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role
from accounts.security import LEADER_WRITE_URL_NAMES, OWN_ACCOUNT_URL_NAMES
from targets.choices import ReportStatus

from ..factories import ProgressReportFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", Role.REPORTER, Role.SUPERVISOR, Role.LEADER, Role.ADMIN, Role.AUDITOR]
# Tables a refused request may still touch: sessions, the audit log, lockout bookkeeping.
SIDE_TABLES = {
    "sessions.session",
    "accounts.auditevent",
    "accounts.loginguard",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    "axes.accessattemptexpiration",
}


def walk(patterns, prefix=()):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + (entry.pattern,))
        elif isinstance(entry, URLPattern):
            yield prefix + (entry.pattern,), entry


def model_for(segment):
    key = segment.replace("-", "").replace("_", "").lower()
    for model in apps.get_models():
        names = {
            model._meta.model_name,
            model._meta.model_name + "s",
            str(model._meta.verbose_name_plural).replace(" ", ""),
        }
        if key in names or (key.endswith("s") and key[:-1] == model._meta.model_name):
            return model
    return None


def first_pk(model):
    return model._default_manager.order_by("pk").values_list("pk", flat=True).first() if model else None


SCALARS = {
    "format": "json",
    "period": "2025-05",
    "year": "2025",
    "month": "5",
    "quarter": "2",
    "code": "330305000000",
    "as_of": "2025-06-30",
}


def value_for(name, before):
    if name in SCALARS:
        return SCALARS[name]
    if name == "app_label":
        return "accounts"
    if name == "content_type_id":
        return str(ContentType.objects.get_for_model(apps.get_model("targets", "Plan")).pk)
    segment = name[:-3] if name.endswith("_id") and name != "object_id" else (before or "")
    if name == "object_id" and before:
        segment = before
    pk = first_pk(model_for(segment))
    return str(pk if pk is not None else 1)


TOKEN = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>|\(\?P<(?P<rname>\w+)>(?P<body>[^)]*)\)")


def fill(pattern_parts):
    url = ""
    for part in pattern_parts:
        text = str(part).lstrip("^").rstrip("$")
        text = text.replace(r"\.", ".").replace("/?", "/")

        def repl(match, url=url, text=text):
            name = match.group("name") or match.group("rname")
            body = match.group("body") or ""
            if (match.group("conv") or "").startswith("drf_format_suffix"):
                return ".json"
            if match.group("rname") and re.fullmatch(r"[\w|]+", body):
                return body.split("|")[0]
            before = (url + text[: match.start()]).rstrip("/").split("/")[-1]
            return value_for(name, before)

        url += TOKEN.sub(repl, text)
    return "/" + url.lstrip("/")


@pytest.fixture
def cast(county, dept, supervisor, dept_reporter, indicator):
    with time_machine.travel("2025-06-10 10:00 +0800"):
        report = ProgressReportFactory(
            indicator=indicator,
            unit=dept,
            period_start=date(2025, 5, 1),
            status=ReportStatus.DRAFT,
            created_by=dept_reporter,
        )
    # A device of someone outside the cast, so the admin's device pages have a real object while the
    # cast's own sessions need no second factor.
    TOTPDevice.objects.create(user=UserFactory(role=Role.REPORTER, unit=dept), name="phone", confirmed=True)
    return {
        "anonymous": None,
        Role.REPORTER: dept_reporter,
        Role.SUPERVISOR: supervisor,
        Role.LEADER: UserFactory(username="lingdao", role=Role.LEADER, region=county),
        Role.ADMIN: UserFactory(username="sysadmin", role=Role.ADMIN, is_staff=True, is_superuser=True),
        Role.AUDITOR: UserFactory(username="shenji", role=Role.AUDITOR, region=county),
        "report": report,
    }


def all_urls():
    urls = []
    for parts, entry in walk(get_resolver().url_patterns):
        url = fill(parts)
        try:
            match = resolve(url.split("?")[0])
        except Resolver404:
            urls.append((url, entry, None))
            continue
        urls.append((url, entry, match))
    return urls


def client_for(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def test_every_url_can_be_filled_with_real_objects(cast):
    unresolved = [(url, str(entry.pattern)) for url, entry, match in all_urls() if match is None]
    assert not unresolved
    assert len(all_urls()) > 40


@pytest.mark.parametrize("role", ROLES)
def test_no_url_answers_500_to_any_role(client, cast, role):
    client_for(client, cast[role])
    client.raise_request_exception = False
    failures = []
    for url, entry, _match in all_urls():
        response = client.get(url)
        if response.status_code >= 500:
            failures.append((url, response.status_code))
    assert not failures


def row_counts():
    return {
        m._meta.label_lower: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.label_lower not in SIDE_TABLES
    }


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.LEADER])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_read_only_roles_are_refused_every_write_and_nothing_changes(client, cast, role, method):
    client_for(client, cast[role])
    client.raise_request_exception = False
    before = row_counts()
    allowed = []
    for url, entry, match in all_urls():
        if match is None or match.url_name in OWN_ACCOUNT_URL_NAMES:
            continue
        if role == Role.LEADER and match.view_name in LEADER_WRITE_URL_NAMES:
            continue  # the 批示, walked in test_a_leader_writes_only_instructions; nothing may change here either
        response = getattr(client, method)(url, {}, content_type="application/json")
        if response.status_code not in (403, 404, 405):
            allowed.append((url, response.status_code))
    assert not allowed
    assert row_counts() == before


def writes(cast, indicator, target, dept):
    report = cast["report"]
    return [
        (
            "create indicator",
            "post",
            "/api/indicators/",
            {
                "target": target.pk,
                "name": "新增指标",
                "kind": "increase",
                "baseline": 0,
                "target_value": 5,
                "start_date": "2025-01-01",
                "deadline": "2025-12-31",
            },
            {Role.SUPERVISOR, Role.ADMIN},
        ),
        (
            "draft report",
            "post",
            "/api/progress-reports/",
            {"indicator": indicator.pk, "period": "2025-06", "value": 3},
            {Role.REPORTER},
        ),
        ("submit report", "post", f"/api/progress-reports/{report.pk}/submit/", {}, {Role.REPORTER}),
        (
            "add user in admin",
            "post",
            "/admin/accounts/user/add/",
            {
                "username": "walker",
                "password1": "Walk-pass-2025",
                "password2": "Walk-pass-2025",
                "role": Role.REPORTER,
                "unit": dept.pk,
                "usable_password": "true",
            },
            {Role.ADMIN},
        ),
        (
            "write an instruction",
            "post",
            "/api/instructions/",
            {"on": "indicator", "object_id": indicator.pk, "text": "抓紧推进"},
            {Role.LEADER},
        ),
        ("read audit log", "get", "/accounts/audit/", None, {Role.AUDITOR}),
        ("export audit log", "get", "/accounts/audit/export.xlsx", None, {Role.AUDITOR}),
    ]


@time_machine.travel("2025-06-10 10:00 +0800")
@pytest.mark.parametrize("role", ROLES)
def test_writes_are_allowed_exactly_for_their_roles(client, cast, role, indicator, target, dept):
    from rest_framework.test import APIClient

    user = cast[role]
    for label, method, url, data, allowed_roles in writes(cast, indicator, target, dept):
        api = APIClient()
        if user is not None:
            api.force_login(user)
        if method == "get":
            response = api.get(url)
        elif url.startswith("/admin/"):
            response = api.post(url, data)
        else:
            response = api.post(url, data, format="json")
        allowed = response.status_code in (200, 201) or (
            response.status_code == 302 and "/login/" not in response["Location"]
        )
        assert allowed == (role in allowed_roles), (label, role, response.status_code)


def test_a_leader_cannot_comment_on_a_report_by_page_api_or_service(client, cast):
    from rest_framework.test import APIClient

    from accounts.models import Notification
    from targets.services import report_comment_add

    leader, report = cast[Role.LEADER], cast["report"]
    api = APIClient()
    api.force_authenticate(leader)
    assert api.post("/api/report-comments/", {"report": report.pk, "text": "抓紧"}, format="json").status_code == 403
    client.force_login(leader)
    client.raise_request_exception = False
    from django.urls import reverse

    page = client.post(reverse("report-comment", args=[report.pk]), {"text": "抓紧"})
    assert page.status_code == 403
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        report_comment_add(report=report, by=leader, text="抓紧")
    assert not report.comments.exists() and not Notification.objects.filter(kind="report.comment").exists()


def test_a_leader_writes_only_instructions_and_an_empty_one_changes_nothing(client, cast):
    """The leader's allowed writes (accounts.security.LEADER_WRITE_URL_NAMES) with an empty body: refused as
    input, never a 500, nothing written; every other write is walked above."""
    client_for(client, cast[Role.LEADER])
    client.raise_request_exception = False
    before = row_counts()
    walked = set()
    for url, entry, match in all_urls():
        if match is not None and match.view_name in LEADER_WRITE_URL_NAMES:
            walked.add(match.view_name)
            assert client.post(url, {}, content_type="application/json").status_code in (302, 400, 404), url
    assert walked == LEADER_WRITE_URL_NAMES
    assert row_counts() == before


# ----------------------------------------------------------------- "not yours" answers as "not there"


def _same_answer(first, second, ids):
    """Two answers a client cannot tell apart, once the id it sent itself is taken out of the text."""
    texts = []
    for response, sent in zip((first, second), ids):
        texts.append((response.status_code, response.content.decode().replace(str(sent), "<id>")))
    return texts[0] == texts[1], texts


def _model_filters(viewset):
    from django_filters import ModelChoiceFilter, ModelMultipleChoiceFilter
    from django_filters.rest_framework import DjangoFilterBackend

    view = viewset()
    filterset_class = DjangoFilterBackend().get_filterset_class(view, viewset.queryset)
    if filterset_class is None:
        return []
    return [
        (name, f.queryset.model)
        for name, f in filterset_class.base_filters.items()
        if isinstance(f, (ModelChoiceFilter, ModelMultipleChoiceFilter)) and f.queryset is not None
    ]


def test_every_list_filter_on_another_units_object_answers_as_a_missing_id(cast, stranger):
    from rest_framework.test import APIClient

    from config.urls import router
    from core import visibility
    from supervision.models import SupervisionItem

    SupervisionItem.objects.create(
        indicator=cast["report"].indicator,
        unit=cast["report"].unit,
        notice="n",
        reply_due=date(2025, 7, 8),
        issued_by=cast[Role.SUPERVISOR],
    )
    api = APIClient()
    api.force_authenticate(stranger)
    checked, differing = [], []
    for prefix, viewset, _basename in router.registry:
        for name, model in _model_filters(viewset):
            if not visibility.is_scoped(model):
                continue  # units and regions: every user may know they exist
            hidden = model._default_manager.exclude(pk__in=visibility.scoped(model._default_manager.all(), stranger))
            pk = hidden.values_list("pk", flat=True).first()
            if pk is None:
                continue
            missing = (model._default_manager.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
            same, texts = _same_answer(
                api.get(f"/api/{prefix}/?{name}={pk}"), api.get(f"/api/{prefix}/?{name}={missing}"), (pk, missing)
            )
            checked.append(f"{prefix}?{name}")
            if not same:
                differing.append((prefix, name, texts))
    assert not differing
    assert {
        "progress-reports?indicator",
        "report-comments?report",
        "evidence?report",
        "supervision-items?indicator",
    } <= set(checked)


def test_another_units_objects_in_a_request_body_answer_as_missing_ids(cast, stranger):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(stranger)
    report, indicator = cast["report"], cast["report"].indicator
    for url, field, hidden, extra in [
        ("/api/progress-reports/", "indicator", indicator.pk, {"period": "2025-06", "value": 3}),
        ("/api/report-comments/", "report", report.pk, {"text": "看看"}),
    ]:
        missing = hidden + 1000
        same, texts = _same_answer(
            api.post(url, {field: hidden, **extra}, format="json"),
            api.post(url, {field: missing, **extra}, format="json"),
            (hidden, missing),
        )
        assert same, texts
        assert texts[0][0] == 400


def test_another_units_supervision_item_answers_as_a_missing_one(client, cast, stranger):
    from rest_framework.test import APIClient

    from supervision.models import SupervisionItem

    item = SupervisionItem.objects.create(
        indicator=cast["report"].indicator,
        unit=cast["report"].unit,
        notice="n",
        reply_due=date(2025, 7, 8),
        issued_by=cast[Role.SUPERVISOR],
    )
    client.force_login(stranger)
    page, none = client.get(f"/supervision/items/{item.pk}/"), client.get(f"/supervision/items/{item.pk + 1000}/")
    assert page.status_code == none.status_code == 404
    api = APIClient()
    api.force_authenticate(stranger)
    same, texts = _same_answer(
        api.get(f"/api/supervision-items/{item.pk}/"),
        api.get(f"/api/supervision-items/{item.pk + 1000}/"),
        (item.pk, item.pk + 1000),
    )
    assert same and texts[0][0] == 404
