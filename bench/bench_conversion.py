"""Document conversion to PDF: the warm converter against a cold LibreOffice per file, interleaved.

Makes a set of DOC, DOCX, RTF and ODT files of varied sizes (`tests.samples`; the DOC files are
written by LibreOffice from DOCX), then, round after round so that whatever else loads the machine weighs
on both alike, converts them
- warm: through the project's converter as `manage.py run_converter` runs it (`running_converter()`: a
  pool of PRIMAWEB_CONVERTER_LISTENERS listeners behind the gate, one per core) with `convert_to_pdf`,
  two clients at once (the Celery worker's two processes): every file, each round;
- cold: `soffice --headless --convert-to pdf` started afresh for every file, two at a time (each of the
  two with a profile of its own, made before the clock starts, so only the start of LibreOffice counts):
  a share of the files each round, every file once over the rounds.
Prints conversions per minute (goal: at least 300 warm on two cores), p50/p95 per conversion, and the
ratio cold/warm at equal concurrency, with the machine's load average (it is shared).
No database needed. Usage: make bench, or python bench/bench_conversion.py [FILES] [ROUNDS]
"""

import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import xmlrpc.client
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "primaweb.settings.test")
os.environ.setdefault("PRIMAWEB_VAR_DIR", tempfile.mkdtemp(prefix="primaweb-bench-"))

from bench.own_database import use_own_database  # noqa: E402

use_own_database()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from documents.conversion import convert_to_pdf  # noqa: E402
from documents.converter_process import running_converter  # noqa: E402
from tests import samples  # noqa: E402

FILES = int(sys.argv[1]) if len(sys.argv) > 1 else 40
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 3
CLIENTS = 2
SIZES = (1, 3, 8, 20, 40, 70, 110, 160, 230, 320)  # paragraphs: from a few lines to about ten pages
SENTENCE = (
    "Le Conseil de l'action sociale accorde le revenu d'intégration au taux cohabitant à dater du "
    "premier jour du mois qui suit la demande. "
)


def make_files(listener: str) -> list[tuple[str, str, bytes]]:
    """(name, extension, bytes), a quarter of each format, sizes cycling through SIZES. `listener` is one
    unoserver's own loopback URL: the gate converts to PDF only."""
    files = []
    for n in range(FILES):
        size = SIZES[n % len(SIZES)]
        kind = ("docx", "odt", "rtf", "doc")[n % 4]
        text = f"Décision {n}. " + SENTENCE * size
        if kind == "docx":
            data = samples.docx_bytes(SENTENCE, paragraphs=size)
        elif kind == "odt":
            data = samples.odt_bytes(text)
        elif kind == "rtf":
            data = samples.rtf_bytes(text)
        else:
            # A Word 97 file cannot be written by hand: LibreOffice writes it from a DOCX.
            with xmlrpc.client.ServerProxy(listener, allow_none=True) as proxy:
                written = proxy.convert(
                    None,
                    xmlrpc.client.Binary(samples.docx_bytes(SENTENCE, paragraphs=size)),
                    None,
                    "doc",
                    "MS Word 97",
                    [],
                    False,
                    "MS Word 2007 XML",
                    None,
                )
            data = written.data
        files.append((f"file{n:03}.{kind}", kind, data))
    return files


def run_clients(jobs, work) -> tuple[float, list[float]]:
    """Runs work(client, job) over `jobs`, CLIENTS at a time; returns (wall time, time per job)."""
    times: list[float] = []
    lock = threading.Lock()
    queue = list(enumerate(jobs))

    def client(number: int) -> None:
        while True:
            with lock:
                if not queue:
                    return
                _index, job = queue.pop(0)
            started = time.perf_counter()
            work(number, job)
            elapsed = time.perf_counter() - started
            with lock:
                times.append(elapsed)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, times


def warm(files, url) -> tuple[float, list[float]]:
    def work(client: int, job) -> None:
        _name, kind, data = job
        pdf = convert_to_pdf(data=data, extension=kind, url=url)
        assert pdf.startswith(b"%PDF-")

    return run_clients(files, work)


class Cold:
    """soffice started afresh per file, CLIENTS at a time, each client with a profile of its own."""

    def __init__(self, files, folder: Path):
        self.soffice = shutil.which("soffice") or "soffice"
        self.folder = folder
        self.profiles = [folder / f"profile-{n}" for n in range(CLIENTS)]
        self.sources = folder / "in"
        self.sources.mkdir()
        for name, _kind, data in files:
            (self.sources / name).write_bytes(data)
        # Each profile's first start (which creates it) is not counted: a server keeps its profile.
        run_clients([files[0][0]] * CLIENTS, self.convert)

    def convert(self, client: int, name: str) -> None:
        outdir = self.folder / f"out-{client}"
        subprocess.run(  # noqa: S603
            [
                self.soffice,
                f"-env:UserInstallation={self.profiles[client].as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(outdir),
                str(self.sources / name),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        pdf = outdir / (Path(name).stem + ".pdf")
        assert pdf.read_bytes().startswith(b"%PDF-"), name
        pdf.unlink()

    def run(self, names: list[str]) -> tuple[float, list[float]]:
        return run_clients(names, self.convert)


def percentile(times: list[float], fraction: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def line(label: str, wall: float, times: list[float]) -> str:
    return (
        f"  {label:<38} {len(times) / wall * 60:7.0f} conversions/min   "
        f"p50 {percentile(times, 0.5) * 1000:6.0f} ms   p95 {percentile(times, 0.95) * 1000:6.0f} ms"
    )


def main() -> None:
    logging.getLogger("documents.converter_process").setLevel(logging.WARNING)
    listeners = settings.CONVERTER_LISTENERS
    warm_wall, warm_times, cold_wall, cold_times, loads = 0.0, [], 0.0, [], []
    with tempfile.TemporaryDirectory(prefix="primaweb-bench-conversion-") as folder:
        supervisors = []
        with running_converter(
            log_file=Path(folder) / "converter.log", listeners=listeners, supervisor_out=supervisors
        ) as url:
            files = make_files(supervisors[0].listeners[0].backend_url)
            # Warm-up: the first conversion of each format in each listener loads code.
            warm(files[: 2 * listeners * CLIENTS], url)
            cold = Cold(files, Path(folder))
            names = [name for name, _kind, _data in files]
            for round_ in range(ROUNDS):
                loads.append(os.getloadavg()[0])
                wall, times = warm(files, url)
                warm_wall, warm_times = warm_wall + wall, warm_times + times
                wall, times = cold.run(names[round_::ROUNDS])
                cold_wall, cold_times = cold_wall + wall, cold_times + times

    kinds = sorted({kind for _name, kind, _data in files})
    sizes = [len(data) for _name, _kind, data in files]
    print(
        f"Conversion to PDF, {len(files)} files ({', '.join(kinds)}; {min(sizes) / 1024:.1f}-"
        f"{max(sizes) / 1024:.0f} KB), {CLIENTS} at a time, {os.cpu_count()} cores, {ROUNDS} rounds of warm "
        f"then cold interleaved, load average {min(loads):.1f}-{max(loads):.1f} (a shared machine):"
    )
    print(
        line(f"warm, pool of {listeners} listeners (run_converter)", warm_wall, warm_times)
        + "  (goal >= 300)"
    )
    print(line("cold soffice per file", cold_wall, cold_times))
    print(
        "  ratio cold/warm, time per file: "
        f"{(cold_wall / len(cold_times)) / (warm_wall / len(warm_times)):.1f}x; "
        f"p50 per conversion: {statistics.median(cold_times) / statistics.median(warm_times):.1f}x"
    )


if __name__ == "__main__":
    main()
