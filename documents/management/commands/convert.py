import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from documents.conversion import (
    ConversionError,
    ConversionFailed,
    ConversionTimedOut,
    ConverterCrashed,
    ConverterUnavailable,
    convert_to_pdf,
)
from documents.validation import FileRefused, check_pdf, validate_upload


class Command(BaseCommand):
    help = (
        "Checks FILE as an upload is checked, converts it to PDF as an upload is converted (a PDF is kept as "
        "is), and writes OUT (default: FILE with .pdf). Exits with status 2 when the file is refused or "
        "cannot be converted (the file's fault), 1 when the converter failed (try again). "
        "Needs the converter (manage.py run_converter) for DOC, DOCX, RTF and ODT."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The file to check and convert.")
        parser.add_argument("out", type=Path, nargs="?", help="Where to write the PDF.")

    def handle(self, *args, file: Path, out: Path | None, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from exc
        out = out or file.with_suffix(".pdf")
        try:
            checked = validate_upload(name=file.name, data=data)
        except FileRefused as exc:
            raise CommandError(f"{file}: {exc}", returncode=2) from exc

        if checked.extension == "pdf":
            pdf, pages, how = data, checked.pages, "already a PDF, kept as is"
        else:
            started = time.perf_counter()
            try:
                pdf = convert_to_pdf(data=data, extension=checked.extension)
                pages = check_pdf(pdf)
            except (ConversionFailed, FileRefused) as exc:
                raise CommandError(f"{file}: {exc}", returncode=2) from exc
            except (ConversionTimedOut, ConverterCrashed) as exc:
                # Once may be the converter's load or a kill from outside: an upload is tried again too.
                timed_out = isinstance(exc, ConversionTimedOut)
                what = "exceeded the time limit" if timed_out else "stopped LibreOffice"
                raise CommandError(f"{file}: the conversion {what}; try again") from exc
            except ConverterUnavailable as exc:
                # The causes are for the converter's own log; here only what to do about it.
                raise CommandError(
                    f"The converter at {settings.CONVERTER_URL} does not answer or is restarting. "
                    "Start it with: manage.py run_converter, or try again"
                ) from exc
            except ConversionError as exc:
                raise CommandError(f"{file}: the conversion failed for an unknown reason; try again") from exc
            how = f"converted from {checked.extension.upper()} in {time.perf_counter() - started:.2f} s"

        if out.resolve() != file.resolve():
            out.write_bytes(pdf)
        self.stdout.write(f"{file} → {out}: {pages} page(s), {len(pdf)} bytes ({how})")
