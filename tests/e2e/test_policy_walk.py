"""The Content-Security-Policy in a real browser: our pages and the Django admin work under it, and
script injected into a page is refused."""

import pytest
from django.core.management import call_command

from tests.e2e.helpers import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_injected_inline_script_and_handlers_are_refused_and_reported(live_server, page, policy_violations):
    call_command("seed_demo")
    log_in(page, live_server, "as.namur")
    page.wait_for_load_state("load")
    page.evaluate(
        """() => {
            const trap = '<img alt="" src="/nulle-part.png" onerror="window.pwned=1">';
            document.body.insertAdjacentHTML("beforeend", trap);
            const script = document.createElement("script");
            script.textContent = "window.pwned = 2";
            document.body.appendChild(script);
            const styled = document.createElement("div");
            styled.innerHTML = '<p id="styled" style="color: rgb(255, 0, 0)">x</p>';
            document.body.appendChild(styled);
        }"""
    )
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.pwned") is None
    colour = page.evaluate("() => getComputedStyle(document.getElementById('styled')).color")
    assert colour != "rgb(255, 0, 0)"
    refused = "\n".join(policy_violations)
    for directive in ("script-src-elem", "script-src-attr", "style-src-attr"):
        assert directive in refused, refused
    policy_violations.clear()  # expected here: the walk's own check would otherwise fail it


# The admin's sidebar toggle, which this walk clicks, exists on a desktop screen only.
@pytest.mark.parametrize("viewport", ["desktop"], indirect=True)
def test_the_admin_pages_and_their_widgets_work_under_the_policy(live_server, page):
    call_command("seed_demo")
    log_in(page, live_server, "admin.namur")
    page.goto(f"{live_server.url}/admin/")
    assert page.locator("#content").is_visible()
    links = page.locator("#content-main a[href]").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert links, "the administrator sees no model in the admin"
    for href in sorted(set(links)):
        response = page.goto(f"{live_server.url}{href}")
        assert response.status < 500, (href, response.status)
        page.wait_for_load_state("load")

    # The sidebar and the autocomplete are admin JavaScript (static files): they must run.
    page.goto(f"{live_server.url}/admin/primaweb/membership/add/")
    page.wait_for_load_state("load")
    if page.locator("select.admin-autocomplete").count():
        page.locator(".select2-selection").first.click()
        page.locator(".select2-search__field").fill("a")
        page.locator(".select2-results__option").first.wait_for()
    page.goto(f"{live_server.url}/admin/primaweb/auditevent/")
    toggle = page.locator("#toggle-nav-sidebar")
    if toggle.count():
        shifted_before = "shifted" in (page.locator("#main").get_attribute("class") or "")
        toggle.click()
        assert ("shifted" in (page.locator("#main").get_attribute("class") or "")) != shifted_before
