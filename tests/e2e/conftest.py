"""Browser tests (Playwright + Debian chromium), with axe-core and the Nu Html Checker on every page.

The demo data (`devdata.demo.seed_demo`) is loaded once for the e2e package in the test database and
served by a live server thread; it is flushed at the end of the package. Screenshots go to
`test-artifacts/e2e/<test>/<step>.png`.
"""

import json
import os
import re
import shutil
import subprocess
import warnings
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_PASSWORD = "portail-demo-2025"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "mobile": {"width": 375, "height": 740}}

# Known errors in files this suite may not change, each with where to fix it. They are reported as
# warnings, not failures; remove the entry once fixed (an unused entry fails the journey that checks).
# Nu Html Checker messages tolerated for now, with where to fix them (none at the moment).
KNOWN_VNU_ERRORS: dict[str, str] = {}

# url_names reached by each journey (keyed by test function name), for test_url_coverage.py.
VISITED: dict[str, set[str]] = defaultdict(set)
JOURNEY_OUTCOMES: dict[str, str] = {}


def _missing_tools() -> str | None:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install -r requirements-dev.txt)"
    if not Path(CHROMIUM).exists():
        return f"chromium is missing at {CHROMIUM} (apt-get install -y chromium)"
    if not AXE_JS.exists() or not VNU_JAR.exists():
        return "node_modules/axe-core or node_modules/vnu-jar is missing (run `npm ci`)"
    if not shutil.which("java"):
        return "java is missing (the Nu Html Checker needs a JRE)"
    return None


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: browser test (Playwright, chromium, axe-core, Nu Html Checker)")


def pytest_collection_modifyitems(config, items):
    reason = _missing_tools()
    # Only the tests that drive the browser need the tools (the static URL coverage check does not).
    e2e_items = [item for item in items if "e2e" in item.keywords and "page" in getattr(item, "fixturenames", ())]
    if reason and e2e_items and os.environ.get("E2E_REQUIRED"):
        raise pytest.UsageError(f"E2E_REQUIRED is set but the browser tests cannot run: {reason}")
    if reason:
        for item in e2e_items:
            item.add_marker(pytest.mark.skip(reason=f"e2e: {reason}"))
    # The coverage test compares with what the journeys visited: it runs after them.
    coverage = [item for item in items if item.fspath.basename == "test_url_coverage.py"]
    if coverage:
        items[:] = [item for item in items if item not in coverage] + coverage


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" or report.skipped:
        JOURNEY_OUTCOMES[item.name] = report.outcome


# --- The live server on the seeded test database ------------------------------------------------


@pytest.fixture(scope="package")
def _sync_django_in_playwright():
    """Playwright's sync API runs an event loop in the main thread: Django's ORM (test setup, the
    assertions) must be told it is still synchronous code. Only for the e2e package."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def e2e_server(_sync_django_in_playwright, django_db_setup, django_db_blocker):
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test.testcases import LiveServerThread
    from django.test.utils import setup_databases, teardown_databases

    from devdata.demo import seed_demo

    with django_db_blocker.unblock():
        # pytest-django creates the test database only for tests marked django_db; the e2e tests
        # share one seeded database instead (seeding renders PDFs: ~20 s), so create it if needed.
        own_db = None
        if connection.settings_dict["NAME"] != connection.creation._get_test_db_name():
            own_db = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        call_command("load_reference_data", verbosity=0)
        demo = seed_demo()
        overrides = {}
        for conn in connections.all():
            if conn.vendor == "sqlite" and conn.is_in_memory_db():
                overrides[conn.alias] = conn
                conn.inc_thread_sharing()

        def static_handler(_media_handler):
            # Static files from the finders, like runserver; media files are never served by URL.
            return StaticFilesHandler(WSGIHandler())

        thread = LiveServerThread("localhost", static_handler, connections_override=overrides, port=0)
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        try:
            yield {"url": f"http://localhost:{thread.port}", "demo": demo}
        finally:
            thread.terminate()
            for conn in overrides.values():
                conn.dec_thread_sharing()
            # Leave an empty database to the tests that may run after.
            if own_db is not None:
                teardown_databases(own_db, verbosity=0)
            else:
                call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def live_url(e2e_server):
    return e2e_server["url"]


# --- Browser ------------------------------------------------------------------------------------


@pytest.fixture(scope="package")
def browser(_sync_django_in_playwright):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _test_dir(request) -> Path:
    name = re.sub(r"[^\w.-]+", "_", request.node.name).strip("_")
    path = ARTIFACTS / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True, exist_ok=True)
    return path


class Shots:
    """Numbered screenshots and the checks (axe, vnu) of every page a journey reaches."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.count = 0

    def path(self, step: str, suffix: str) -> Path:
        self.count += 1
        slug = re.sub(r"[^\w-]+", "-", step)
        return self.directory / f"{self.count:02d}-{slug}{suffix}"


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def viewport(request):
    return request.param


@pytest.fixture
def page(request, live_url, browser, viewport):
    from django.urls import Resolver404, resolve

    journey = request.node.originalname
    context = browser.new_context(
        base_url=live_url,
        viewport=VIEWPORTS[viewport],
        locale="fr-FR",
        accept_downloads=True,
        bypass_csp=True,  # axe-core is injected as an inline script
        is_mobile=viewport == "mobile",
        has_touch=viewport == "mobile",
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.shots = Shots(_test_dir(request))
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def record(req):
        url = urlsplit(req.url)
        if not req.url.startswith(live_url) or url.path.startswith("/static/"):
            return
        try:
            match = resolve(url.path)
        except Resolver404:
            return
        VISITED[journey].add(match.view_name)

    page.on("request", record)
    page.on(
        "response",
        lambda resp: errors.append(f"HTTP {resp.status} on {resp.url}") if resp.status >= 500 else None,
    )
    yield page
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def login(page, email: str, password: str = DEMO_PASSWORD):
    visit(page, "/compte/connexion/", "connexion")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(password)
    click_and_wait(page, page.get_by_role("button", name="Se connecter"))


def link_in_last_mail(to: str) -> str:
    """The path (and query) of the link in the last e-mail sent to `to` (the live server shares the test outbox)."""
    from django.core import mail

    sent = [message for message in mail.outbox if to in message.to]
    assert sent, f"no e-mail sent to {to}: {[m.subject for m in mail.outbox]}"
    parts = urlsplit(re.search(r"https?://\S+", sent[-1].body).group(0))
    return parts.path + (f"?{parts.query}" if parts.query else "")


def click_and_wait(page, locator) -> None:
    """Click a link or a submit button and wait for the next page (no race with the old one)."""
    with page.expect_navigation():
        locator.click()
    page.wait_for_load_state()


def main_text(page) -> str:
    return page.locator("main").inner_text()


def fill_fields(page, values: dict[str, str]) -> None:
    """Fills each field in turn, found by its CSS id ("#id_…") or else by its label."""
    for field, value in values.items():
        (page.locator(field) if field.startswith("#") else page.get_by_label(field)).fill(value)


def visit(page, path: str, step: str) -> None:
    """Opens `path` and checks the page as `step`."""
    page.goto(path)
    check_page(page, step)


def click_to(page, locator, step: str) -> None:
    """Clicks a link or a button and checks the page it leads to as `step`."""
    click_and_wait(page, locator)
    check_page(page, step)


def save_and_continue(page, step: str) -> None:
    """Submits a step of a form with « Enregistrer et continuer »; the next page is checked as `step`."""
    click_to(page, page.get_by_role("button", name="Enregistrer et continuer"), step)


def open_menu(page) -> None:
    """On a narrow screen the navigation is folded behind the menu button."""
    menu = page.get_by_role("button", name="Ouvrir le menu")
    if menu.is_visible():
        menu.click()
        page.locator("#menu-principal.show").wait_for()


def logout(page):
    from playwright.sync_api import expect

    menu = page.get_by_role("button", name="Ouvrir le menu")
    button = page.get_by_role("button", name="Se déconnecter")
    if menu.is_visible():
        menu.click()
        # The phone menu slides open: click once it has finished, or the click lands on nothing.
        expect(page.locator(".navbar-collapse.show")).to_be_visible()
        expect(page.locator(".navbar-collapse.collapsing")).to_have_count(0)
    expect(button).to_be_visible()
    click_and_wait(page, button)


# --- Checks -------------------------------------------------------------------------------------


def run_axe(page) -> list[dict]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        script = page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
        script.evaluate("element => element.remove()")  # axe stays loaded; the page's HTML is unchanged
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag',
              values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' — ' + n.failureSummary)}));
        }"""
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


def run_vnu(html_files: list[Path]) -> dict[str, list[str]]:
    """Nu Html Checker over saved pages, one java start for all of them: {file: [errors]}."""
    if not html_files:
        return {}
    proc = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", *map(str, html_files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(proc.stderr or proc.stdout or '{"messages": []}')["messages"]
    errors = defaultdict(list)
    for message in messages:
        if message.get("type") == "error" or message.get("subType") == "fatal":
            known = next((fix for text, fix in KNOWN_VNU_ERRORS.items() if text in message.get("message", "")), None)
            if known:
                warnings.warn(f"known Nu Html Checker error, to fix in {known}", stacklevel=1)
                continue
            where = urlsplit(message.get("url", "")).path
            errors[where].append(
                f"line {message.get('lastLine')}: {message.get('message')} «{message.get('extract', '').strip()}»"
            )
    return errors


def check_page(page, step: str) -> None:
    """Screenshot, axe (serious/critical violations fail the test), HTML kept for the Nu Html Checker."""
    page.wait_for_load_state()
    png = page.shots.path(step, ".png")
    page.screenshot(path=png, full_page=True)
    html_path = png.with_suffix(".html")
    html_path.write_text(page.content(), encoding="utf-8")
    page.shots.html = [*getattr(page.shots, "html", []), (html_path, page.url)]
    violations = run_axe(page)
    if violations:
        # Reported together at the end of the journey (one run lists every page's problems).
        page.shots.axe = [
            *getattr(page.shots, "axe", []),
            f"{page.url} ({step}): " + json.dumps(violations, indent=1, ensure_ascii=False),
        ]


@pytest.fixture(autouse=True)
def _vnu_after_journey(request):
    """After a journey, the Nu Html Checker on every page it checked; any error fails the test."""
    yield
    page = request.node.funcargs.get("page")
    if page is None or not hasattr(page, "shots"):
        return
    pages = getattr(page.shots, "html", [])
    errors = run_vnu([path for path, _url in pages])
    report = []
    for path, url in pages:
        found = errors.get(str(path)) or errors.get(path.as_posix())
        if found:
            report.append(f"{url} ({path.name}):\n  " + "\n  ".join(found))
    axe = getattr(page.shots, "axe", [])
    assert not (report or axe), (
        "axe-core (serious/critical):\n" + "\n".join(axe) + "\nNu Html Checker errors:\n" + "\n".join(report)
    )


def prepare_and_download(page, link, step: str) -> tuple[str, bytes]:
    """A document built in the background (core.generated_documents): its link leads to the page that prepares
    it; prepare it unless it is ready (an earlier journey may have), wait until the page says it is ready, then
    download it: its file name and its bytes."""
    click_to(page, link, f"{step}-etat")
    if "Le document est prêt." not in main_text(page):
        click_and_wait(page, page.get_by_role("button", name="Préparer le document"))
    for _attempt in range(30):  # a worker builds it; the page says so until it is ready
        if "Document en préparation" not in main_text(page):
            break
        page.wait_for_timeout(1000)
        click_and_wait(page, page.get_by_role("link", name="Rafraîchir la page"))
    check_page(page, f"{step}-pret")
    state = page.locator("#etat-document")
    assert "Le document est prêt." in state.inner_text()
    with page.expect_download() as info:
        state.get_by_role("link", name=re.compile("^Télécharger")).click()
    return info.value.suggested_filename, Path(info.value.path()).read_bytes()
