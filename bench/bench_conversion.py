"""Document conversion to PDF: the warm converter against a cold LibreOffice per file, in one run.

Makes a set of DOC, DOCX, RTF and ODT files of varied sizes (`documents.samples`; the DOC files are
written by LibreOffice from DOCX), then converts them
- warm: through the project's converter (`running_converter()` + `convert_to_pdf`), as production runs
  it: one listener, two clients at once (the machine has two cores, the Celery worker two processes);
  then the same with two listeners, one per client, to show what a second listener would add;
- cold: `soffice --headless --convert-to pdf` started afresh for every file, two at a time (each of the
  two with a profile of its own, made before the clock starts, so only the start of LibreOffice counts).
Prints conversions per minute, p50/p95 per conversion, and the ratio cold/warm at equal concurrency.
No database needed. Usage: make bench, or python bench/bench_conversion.py [FILES] [WARM_ROUNDS]
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
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "primaweb.settings.test")
os.environ.setdefault("PRIMAWEB_VAR_DIR", tempfile.mkdtemp(prefix="primaweb-bench-"))

import django  # noqa: E402

django.setup()

from documents import samples  # noqa: E402
from documents.conversion import convert_to_pdf  # noqa: E402
from documents.converter_process import running_converter  # noqa: E402

FILES = int(sys.argv[1]) if len(sys.argv) > 1 else 40
WARM_ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 3
CLIENTS = 2
SIZES = (1, 3, 8, 20, 40, 70, 110, 160, 230, 320)  # paragraphs: from a few lines to about ten pages
SENTENCE = (
    "Le Conseil de l'action sociale accorde le revenu d'intégration au taux cohabitant à dater du "
    "premier jour du mois qui suit la demande. "
)


def make_files(listener: str) -> list[tuple[str, str, bytes]]:
    """(name, extension, bytes), a quarter of each format, sizes cycling through SIZES."""
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


def warm(files, urls) -> tuple[float, list[float]]:
    def work(client: int, job) -> None:
        _name, kind, data = job
        pdf = convert_to_pdf(data=data, extension=kind, url=urls[client % len(urls)])
        assert pdf.startswith(b"%PDF-")

    run_clients(files[: 2 * CLIENTS], work)  # warm-up: the first conversion of each format loads code
    return run_clients(files * WARM_ROUNDS, work)


def cold(files, folder: Path) -> tuple[float, list[float]]:
    soffice = shutil.which("soffice") or "soffice"
    profiles = [folder / f"profile-{n}" for n in range(CLIENTS)]
    sources = folder / "in"
    sources.mkdir()
    for name, _kind, data in files:
        (sources / name).write_bytes(data)

    def convert(client: int, name: str) -> None:
        outdir = folder / f"out-{client}"
        subprocess.run(  # noqa: S603
            [
                soffice,
                f"-env:UserInstallation={profiles[client].as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(outdir),
                str(sources / name),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        pdf = outdir / (Path(name).stem + ".pdf")
        assert pdf.read_bytes().startswith(b"%PDF-"), name
        pdf.unlink()

    # Each profile's first start (which creates it) is not counted: a server keeps its profile.
    run_clients([files[0][0]] * CLIENTS, lambda client, name: convert(client, name))
    return run_clients([name for name, _kind, _data in files], convert)


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
    with tempfile.TemporaryDirectory(prefix="primaweb-bench-conversion-") as folder, ExitStack() as stack:
        logs = Path(folder) / "listener-{}.log"
        urls = [stack.enter_context(running_converter(log_file=Path(str(logs).format(n)))) for n in range(2)]
        files = make_files(urls[0])
        one_wall, one_times = warm(files, urls[:1])
        two_wall, two_times = warm(files, urls)
        stack.close()  # the listeners stop before the cold runs, which get the machine to themselves
        cold_wall, cold_times = cold(files, Path(folder))

    kinds = sorted({kind for _name, kind, _data in files})
    sizes = [len(data) for _name, _kind, data in files]
    print(
        f"Conversion to PDF, {len(files)} files ({', '.join(kinds)}; {min(sizes) / 1024:.1f}-"
        f"{max(sizes) / 1024:.0f} KB), {CLIENTS} at a time, {os.cpu_count()} cores:"
    )
    print(line(f"warm, 1 listener, {WARM_ROUNDS} rounds", one_wall, one_times))
    print(line(f"warm, 2 listeners, {WARM_ROUNDS} rounds", two_wall, two_times))
    print(line("cold soffice per file", cold_wall, cold_times))
    per_file_cold = cold_wall / len(cold_times)
    print(
        "  ratio cold/warm, time per file: "
        f"{per_file_cold / (one_wall / len(one_times)):.1f}x with 1 listener (as run_converter runs it), "
        f"{per_file_cold / (two_wall / len(two_times)):.1f}x with 2 listeners"
    )
    cold_p50 = statistics.median(cold_times)
    print(
        f"  ratio cold/warm, p50 per conversion: {cold_p50 / statistics.median(one_times):.1f}x "
        f"with 1 listener, {cold_p50 / statistics.median(two_times):.1f}x with 2"
    )


if __name__ == "__main__":
    main()
