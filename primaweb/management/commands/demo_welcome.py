"""What `make run` says last, once the web server answers: where to go, and the demo accounts.

It runs beside the other processes of the Procfile, so that its lines come after their start-up banners,
then waits quietly until `make run` is stopped.
"""

import signal
import socket
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse

from primaweb.demo import DEMO_PASSWORD, demo_logins


def wait_for(host: str, port: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.5)
    return False


class Command(BaseCommand):
    help = "Waits for the web server, prints the addresses to try and the demo logins, then waits."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--wait", type=float, default=180, help="seconds to wait for the web server")
        parser.add_argument("--no-stay", action="store_true", help="return once printed (tests)")

    def handle(self, *args, host, port, wait, no_stay, **options):
        if not wait_for(host, port, wait):
            self.stderr.write(f"The web server did not answer on {host}:{port} within {wait:.0f} s.")
        self.stdout.write(self.welcome(f"http://{host}:{port}"))
        self.stdout.flush()
        if not no_stay:
            stopped = []
            for number in (signal.SIGINT, signal.SIGTERM):
                signal.signal(number, lambda *_: stopped.append(True))
            while not stopped:
                signal.pause()

    def welcome(self, site: str) -> str:
        lines = ["", "=" * 72, f"Primaweb is ready: {site}{reverse('primaweb:home')}", ""]
        pages = [
            ("Sign-in page", reverse("login")),
            ("Administration (Django admin)", "/admin/"),
            ("Public CPAS Online form (citizens)", reverse("cpasonline:form")),
        ]
        if settings.SIMULATORS_ENABLED:
            pages += [
                ("My eBox of a citizen (eBox simulator)", reverse("ebox_simulator:sign_in")),
                ("Drop a message in a centre's e-Box (simulator)", reverse("ebox_simulator:enterprise_drop")),
                ("BCSS simulator (SOAP IdentifyPerson)", reverse("bcss_simulator:connector")),
            ]
        width = max(len(label) for label, _ in pages)
        lines += [f"  {label:<{width}}  {site}{path}" for label, path in pages]
        logins = demo_logins()
        if logins:
            lines += ["", f"Demo logins (password for all: {DEMO_PASSWORD}):"]
            for user, memberships in logins:
                roles = ", ".join(f"{m.get_role_display()} @ {m.centre.name_fr}" for m in memberships)
                lines.append(f"  {user.username:<15} {roles}")
        lines += ["", "Stop with Ctrl+C.", "=" * 72]
        return "\n".join(lines)
