import signal

from django.core.management.base import BaseCommand, CommandError

from documents.converter_process import ConverterError, ConverterSupervisor


class Command(BaseCommand):
    help = (
        "Runs the document converter: a pool of warm LibreOffice listeners behind unoserver (one per core, "
        "PRIMAWEB_CONVERTER_LISTENERS), each restarted whenever it exits, behind one gate. "
        "Stops on SIGTERM or Ctrl+C."
    )
    # A process apart from the web application: it needs none of its URLs, models or checks.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=2003, help="The gate's XML-RPC port (default: 2003).")
        parser.add_argument(
            "--interface",
            default="127.0.0.1",
            help="Interface of the converter's gate (default: 127.0.0.1). The gate converts bytes only, and "
            "beyond the loopback only for callers sending PRIMAWEB_CONVERTER_SECRET (required then); "
            "unoserver itself always listens on the loopback.",
        )

        parser.add_argument(
            "--listeners",
            type=int,
            default=None,
            help="How many LibreOffice listeners (default: PRIMAWEB_CONVERTER_LISTENERS, 2).",
        )

    def handle(self, *args, **options):
        supervisor = ConverterSupervisor(
            port=options["port"], interface=options["interface"], listeners=options["listeners"]
        )

        def stop(signum, frame):
            supervisor.stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            supervisor.run()
        except ConverterError as exc:
            raise CommandError(str(exc)) from exc
