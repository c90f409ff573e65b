"""The shared cast, as healthchecks does with alice and bob: one county, its units and its people.

- `supervisor`: the county supervision office, sees the whole county;
- `dept_reporter`: reporter of the agriculture bureau (区农业农村局), lead of `indicator`;
- `town_reporter`: reporter of 大门镇, a township of the county;
- `stranger`: reporter of another unit (区教育局), who must see none of the above;
- `offices`: the supervision offices above, below, beside and outside the county, for who is told what.
"""

import os
from datetime import date

import pytest
from django.conf import settings as django_settings
from rest_framework.test import APIClient

from accounts.models import Role
from regions.models import RegionLevel, UnitKind

from .factories import IndicatorFactory, PlanFactory, RegionFactory, TargetFactory, UnitFactory, UserFactory

PASSWORD = "Test-pass-123"

# Hashing at production strength costs a noticeable fraction of a second per password and the suite
# creates hundreds of users; set here, before any fixture (module-scoped ones included) hashes one.
django_settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEMO_TODAY = date(2026, 11, 24)

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
# The marks of a module that needs PostgreSQL (row locks, roles, concurrent sessions) and commits for real;
# the SQLite pass skips it, the PostgreSQL pass of .ci/run runs it.
POSTGRES_ONLY = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (DATABASE_URL=postgres://...)"),
]


@pytest.fixture
def county(db):
    return RegionFactory(code="330305000000", name="洞头区", level=RegionLevel.COUNTY)


@pytest.fixture
def township(county):
    return RegionFactory(code="330305101000", name="大门镇", level=RegionLevel.TOWNSHIP, parent=county, kind="镇")


@pytest.fixture
def dept(county):
    return UnitFactory(county=county, name="区农业农村局")


@pytest.fixture
def town_unit(county, township):
    return UnitFactory(county=county, name="大门镇", kind=UnitKind.TOWNSHIP, township=township)


@pytest.fixture
def other_unit(county):
    return UnitFactory(county=county, name="区教育局")


@pytest.fixture
def supervisor(county):
    return UserFactory(username="duchashi", role=Role.SUPERVISOR, region=county)


@pytest.fixture
def offices(county, township, supervisor):
    """The supervision offices around `county` (whose own office is `supervisor`, 洞头区), by name: the
    township's, the city's and the province's above it, one with no region (every region), another county's
    and a township's of that county, and a county office no longer active."""
    province = RegionFactory(code="330000000000", name="浙江省", level=RegionLevel.PROVINCE)
    city = RegionFactory(code="330300000000", name="温州市", level=RegionLevel.CITY, parent=province)
    other = RegionFactory(code="330324000000", name="永嘉县", level=RegionLevel.COUNTY, parent=city)
    other_town = RegionFactory(code="330324101000", name="上塘镇", level=RegionLevel.TOWNSHIP, parent=other)
    regions = {
        "township": township,
        "city": city,
        "province": province,
        "everywhere": None,
        "other_county": other,
        "other_township": other_town,
    }
    people = {
        name: UserFactory(username=f"office_{name}", role=Role.SUPERVISOR, region=r) for name, r in regions.items()
    }
    people["retired"] = UserFactory(username="office_retired", role=Role.SUPERVISOR, region=county, is_active=False)
    return {"county": supervisor, **people}


@pytest.fixture
def dept_reporter(dept):
    return UserFactory(username="nongye", role=Role.REPORTER, unit=dept)


@pytest.fixture
def town_reporter(town_unit):
    return UserFactory(username="damen", role=Role.REPORTER, unit=town_unit)


@pytest.fixture
def stranger(other_unit):
    return UserFactory(username="jiaoyu", role=Role.REPORTER, unit=other_unit)


@pytest.fixture
def plan(county):
    return PlanFactory(region=county)


@pytest.fixture
def target(plan, dept):
    target = TargetFactory(plan=plan, name="农村改厕")
    target.lead_units.add(dept)
    return target


@pytest.fixture
def indicator(target):
    return IndicatorFactory(target=target)


@pytest.fixture(autouse=True)
def celery_in_process(request):
    """Tasks run in-process in every test except those that bring a real worker (marked celery_worker).

    With CELERY_BROKER_URL set (CI's PostgreSQL + Redis pass) a `.delay()` would otherwise wait for
    a worker that only the celery_worker tests start.
    """
    from config.celery import app

    if request.node.get_closest_marker("celery_worker"):
        yield
        return
    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.fixture(scope="session")
def demo_shared_folder(tmp_path_factory):
    """A folder every pytest-xdist worker of this run sees (tests/demo_rows.py keeps the demo's rows there)."""
    base = tmp_path_factory.getbasetemp()
    return (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "demo-rows"


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker, demo_shared_folder):
    """The demo counties as of DEMO_TODAY, in once per test module (inside a transaction rolled back at the
    end): loaded by the run's first module that asks, copied in as rows for the others (tests/demo_rows.py).

    Tests using it also need the `db` fixture or `pytest.mark.django_db`.
    """
    from django.db import transaction

    from .demo_rows import demo_loaded

    with django_db_blocker.unblock():
        with transaction.atomic():
            summary = demo_loaded(today=DEMO_TODAY, shared=demo_shared_folder)
            yield summary
            transaction.set_rollback(True)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    """One migrated, empty SQLite file for the process, for the tests that run the product in subprocesses on
    databases of their own: they copy it where they would each run `manage.py migrate` (several seconds)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    path = tmp_path_factory.mktemp("migrated") / "empty.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{path}",
        "DJANGO_MEDIA_ROOT": str(path.parent / "media"),
        "DJANGO_EVIDENCE_ROOT": str(path.parent / "evidence"),
        "AUDIT_ANCHOR_FILE": str(path.parent / "anchors.jsonl"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CELERY_BROKER_URL": "",
    }
    root = Path(__file__).resolve().parents[1]
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=root, env=env, check=True)
    return path


@pytest.fixture
def api():
    return APIClient()


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# The Playwright and Chromium of this process while browser tests follow one another: each test gets its own
# context (cookies, storage), and a launch, which costs a second or two, is made once per run of browser tests.
_CHROMIUM: dict = {}


def _chromium(sync_api, executable):
    browser = _CHROMIUM.get("browser")
    if browser is not None and browser.is_connected():
        return browser
    _chromium_stop()
    _CHROMIUM["playwright"] = sync_api.sync_playwright().start()
    _CHROMIUM["browser"] = _CHROMIUM["playwright"].chromium.launch(
        executable_path=executable,
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    )
    return _CHROMIUM["browser"]


def _chromium_stop():
    browser, playwright = _CHROMIUM.pop("browser", None), _CHROMIUM.pop("playwright", None)
    if browser is not None and browser.is_connected():
        browser.close()
    if playwright is not None:
        playwright.stop()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The browser tests run one after another, so that a process launches Chromium once for them: after
    pytest-django's ordering (which puts them among the transactional tests), they go to the end of that group."""
    browser = [k for k, item in enumerate(items) if "browser_page" in item.fixturenames]
    if browser:
        block = items[browser[0] : browser[-1] + 1]
        items[browser[0] : browser[-1] + 1] = [i for i in block if "browser_page" not in i.fixturenames] + [
            i for i in block if "browser_page" in i.fixturenames
        ]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Chromium stops before any test that is no browser test: while Playwright runs, this thread has a running
    event loop, under which Django's async_to_sync refuses to run (as it did when each test had its own)."""
    yield
    if nextitem is None or "browser_page" not in getattr(nextitem, "fixturenames", ()):
        _chromium_stop()


@pytest.fixture
def browser_page(live_server, tmp_path_factory, request):
    """A Playwright page in Debian's Chromium (never a downloaded browser), 375 px wide like a phone.

    Screenshots go to test-artifacts/<test name>/ (printed at the end of the test); `page.shot(name)`
    saves one.
    """
    import os
    import shutil
    from pathlib import Path

    sync_api = pytest.importorskip("playwright.sync_api")
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(executable):
        pytest.fail("Debian's chromium is not installed (apt-get install chromium); .ci/run installs it.")
    # Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from such a
    # thread unless told the test knows what it is doing.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    shots = Path("test-artifacts") / request.node.name
    shots.mkdir(parents=True, exist_ok=True)
    browser = _chromium(sync_api, executable)
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    page = context.new_page()
    page.base_url = live_server.url
    counter = {"n": 0}

    def shot(name):
        counter["n"] += 1
        page.screenshot(path=str(shots / f"{counter['n']:02d}-{name}.png"), full_page=True)

    page.shot = shot
    page.shots = shots
    yield page
    context.close()
    print(f"\nscreenshots: {shots.resolve()}")


def browser_login(page, username, password=PASSWORD):
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def browser_upload_plan(page, path):
    """Uploads a plan document on the import page and waits for its preview."""
    page.goto(page.base_url + "/reports/import/")
    page.set_input_files("input[name=file]", str(path))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#preview-form")


def browser_create_unknown_units(page):
    """On the import preview, answers 'create' for every unit the county does not know yet."""
    for select in page.locator("#units select").all():
        if not select.input_value():
            select.select_option("create")


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language (zh-hans). A request sent with Accept-Language: en leaves
    English active in the thread that served it (LocaleMiddleware activates and never resets), so the next
    test in that process would read the services' messages in English."""
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache, so API throttle counts never leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _own_audit_anchors(settings, tmp_path):
    """Each test's audit anchors in its own file: an anchor names a record of that test's database."""
    settings.AUDIT_ANCHOR_FILE = tmp_path / "audit-anchors.jsonl"
