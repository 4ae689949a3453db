"""What a walk reads of a page it has just opened by a click is the whole page, never its top only."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

pytestmark = pytest.mark.e2e

PAGES = {
    "/": b'<!doctype html><title>Avant</title><a href="/suite">Suite</a>',
    # The parser stops at the script until it has arrived: the page has started loading, and its top is
    # there, long before the rest of it.
    "/suite": b'<!doctype html><title>Suite</title><div id="content"><h1>Ajout de utilisateur</h1>'
    b'<script src="/lent.js"></script><p>Choisissez au moins un C.P.A.S.</p></div>',
}


class SlowScriptServer(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/lent.js":
            time.sleep(1.5)
            body, kind = b"", "text/javascript"
        else:
            body, kind = PAGES[self.path], "text/html; charset=utf-8"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


@pytest.fixture
def slow_site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowScriptServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_a_page_opened_by_a_click_is_read_once_it_has_loaded(slow_site, page):
    page.goto(slow_site)
    page.get_by_role("link", name="Suite").click()
    assert "au moins un C.P.A.S." in page.locator("#content").inner_text()
    assert page.locator("#content p").count() == 1
