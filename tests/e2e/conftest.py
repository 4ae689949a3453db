import os
import re
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around it are
# ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium package.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Chromium writes a refused script or style to its own log, which Playwright's console event does not
# carry: each page reports the violations it sees as console errors instead.
REPORT_POLICY_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`Refused to load or run ${event.blockedURI || "inline code"}: it violates the Content `
    + `Security Policy directive ${event.effectiveDirective} (${event.sourceFile}:${event.lineNumber})`);
});
"""


def is_policy_violation(text: str) -> bool:
    return text.startswith("Refused to") and "Content Security Policy" in text


@pytest.fixture
def policy_violations():
    """What Chromium refused on the walk's pages; the walk fails unless it is empty at the end."""
    return []


# Every walk runs twice: on a desktop screen and on a phone held upright (390 px, an iPhone 12 to 15).
VIEWPORTS = {
    "desktop": {"width": 1280, "height": 900},
    "390": {"width": 390, "height": 844},
}


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request):
    """The walk's screen: its name (used in screenshot paths) and its size."""
    return request.param, VIEWPORTS[request.param]


class PolicyWatchedBrowser:
    """Chromium, whose every new context (and every page or pop-up in it) reports CSP violations, at the
    walk's screen size unless the walk asks for another."""

    def __init__(self, browser, violations: list[str], viewport: dict | None = None):
        self._browser = browser
        self._violations = violations
        self._viewport = viewport
        self.contexts_opened = []

    def new_context(self, **options):
        if self._viewport is not None:
            options.setdefault("viewport", self._viewport)
        context = self._browser.new_context(**options)
        context.add_init_script(REPORT_POLICY_VIOLATIONS)
        context.on("console", self._record)
        self.contexts_opened.append(context)
        return context

    def _record(self, message) -> None:
        if is_policy_violation(message.text):
            self._violations.append(f"{message.page.url if message.page else '?'}: {message.text}")

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture
def browser(chromium, policy_violations, viewport):
    """The walk's Chromium: the walk fails if any page it opened broke the site's CSP."""
    watched = PolicyWatchedBrowser(chromium, policy_violations, viewport[1])
    yield watched
    for context in watched.contexts_opened:
        if context.pages:  # give the last reports the time to arrive
            context.pages[0].wait_for_timeout(100)
            break
    for context in watched.contexts_opened:
        context.close()
    assert not policy_violations, "Content-Security-Policy violations:\n" + "\n".join(policy_violations)


# A click that submits a form or follows a link returns once the next page has started loading, not once
# it has loaded: Chromium parses a page in slices (and stops at a blocking script), so what a walk then
# reads of it could be the top of the page only (« Ajout de utilisateur » without the error note under
# it). Every read a walk makes through a locator therefore waits for its page's load event first; a page
# already loaded is read at once. A navigation a page starts later by itself (a timer's reload) is not a
# click's: the walks that wait for one poll for what it brings.
LOCATOR_READS = (
    "inner_text",
    "inner_html",
    "text_content",
    "all_inner_texts",
    "all_text_contents",
    "count",
    "get_attribute",
    "input_value",
    "is_visible",
    "is_hidden",
    "is_checked",
    "is_enabled",
    "is_disabled",
    "is_editable",
    "bounding_box",
)


@pytest.fixture(scope="session", autouse=True)
def reads_wait_for_the_page_to_load():
    from playwright.sync_api import Locator

    def after_load(read):
        def wrapped(locator, *args, **kwargs):
            locator.page.wait_for_load_state("load")
            return read(locator, *args, **kwargs)

        return wrapped

    with pytest.MonkeyPatch.context() as patch:
        for name in LOCATOR_READS:
            patch.setattr(Locator, name, after_load(getattr(Locator, name)))
        yield


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-BE")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


# Where the walks leave a picture of every page they check: var/screenshots/<walk>/<width>/<n>-<page>.png
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

# The page is wider than the screen (it scrolls sideways): names the elements that stick out.
OVERFLOW = """() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width) { return null; }
  const culprits = [];
  for (const element of document.querySelectorAll("body *")) {
    const box = element.getBoundingClientRect();
    if (box.right > width + 1 && element.offsetParent !== null) {
      let name = element.tagName.toLowerCase();
      if (element.id) { name += "#" + element.id; }
      if (element.classList.length) { name += "." + [...element.classList].join("."); }
      culprits.push(`${name} (${Math.round(box.right)} px)`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, culprits: culprits.slice(0, 8)};
}"""


def assert_fits_the_screen(page) -> None:
    """No page scrolls sideways: a table too wide scrolls inside its own box, never the page."""
    overflow = page.evaluate(OVERFLOW)
    assert overflow is None, (
        f"{page.url}: the page is {overflow['scrollWidth']} px wide on a {overflow['width']} px screen; "
        f"sticking out: {', '.join(overflow['culprits'])}"
    )


_emptied: set[Path] = set()


def _page_name(page) -> str:
    path = page.url.split("//", 1)[-1].split("/", 1)[-1].split("?", 1)[0]
    words = [word for word in re.split(r"[^a-z]+", path.lower()) if word]  # ids differ from run to run
    return "-".join(words)[:60] or "accueil"


@pytest.fixture
def assert_accessible(axe, policy_violations, request, viewport):
    """Fails on any serious or critical WCAG 2.1 A/AA violation of the page as it stands, or if the page
    is wider than the screen; leaves a screenshot of it under var/screenshots/."""
    folder = SCREENSHOTS / request.node.originalname.removeprefix("test_") / viewport[0]
    if folder not in _emptied:  # once a run: the walk's other parameters (languages) add to it
        shutil.rmtree(folder, ignore_errors=True)
        _emptied.add(folder)
    taken = []

    def check(page, name: str = ""):
        taken.append(page.url)
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=folder / f"{len(taken):02d}-{name or _page_name(page)}.png", full_page=True)
        assert_fits_the_screen(page)
        options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
        # axe-core, injected by the test, adds <style> elements of its own on some pages (a user's form
        # with password fields): the site's policy rightly refuses them, and they are not the site's.
        page.wait_for_timeout(50)
        before = len(policy_violations)
        results = axe.run(page, options=options)
        page.wait_for_timeout(50)
        del policy_violations[before:]
        blocking = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v["impact"] in {"serious", "critical"}
        ]
        assert not blocking, f"{page.url}: " + "; ".join(blocking)

    return check


# The warm converter the documents tests start once per session, for the walks that upload.
from tests.documents.conftest import converter, converter_url, converter_work_dir  # noqa: E402,F401
from tests.workers import worker_in_thread  # noqa: E402


@pytest.fixture
def celery_worker_thread(settings):
    """A Celery worker in a thread of this process, taking tasks from an in-memory broker."""
    from primaweb.celery import app

    with worker_in_thread(app, settings):
        yield


@pytest.fixture
def ebox_on_live_server(live_server, settings):
    """The eBox client talks to the simulator on the live server, over real HTTP."""
    from django.core.cache import cache

    settings.EBOX_API_URL = f"{live_server.url}/simulators/ebox/api/publication/v2.1"
    settings.EBOX_TOKEN_URL = f"{live_server.url}/simulators/ebox/oauth2/token"
    settings.EBOX_CONSULT_URL = f"{live_server.url}/simulators/ebox/api/consultation/v2.1"
    settings.EBOX_FEDERATION_URL = f"{live_server.url}/simulators/ebox/api/federation/v1"
    settings.EBOX_SIMULATOR_FAULTS = {}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def bcss_on_live_server(live_server, settings):
    """The BCSS client talks to the simulator on the live server, over real HTTP."""
    from dossiers import bcss

    settings.BCSS_URL = (
        f"{live_server.url}/simulators/bcss/connectors/webservice/KSZBCSSWebServiceConnectorPort"
    )
    settings.BCSS_TI_GROUPS_URL = f"{live_server.url}/simulators/bcss/RetrieveTIGroupsService/v2/retrieveTI"
    bcss.reset_client()
    yield
    bcss.reset_client()
