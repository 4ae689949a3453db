"""Runs a corpus of real third-party files through the upload pipeline and prints what became of them.

Every file goes through what an upload goes through: `validate_upload` (name, size, content sniffing,
image sizes, PDF rules), then, for DOC/DOCX/RTF/ODT, a conversion by the real LibreOffice listener
(`running_converter`, or the one at PRIMAWEB_CONVERTER_URL with --url) and the check of the PDF that
comes back; two files at a time, as the Celery worker's two processes do. A converter that is down or
restarting is the converter's fault: the file is tried again (up to --attempts times) before it counts
as « failed ».

Prints one line per file that was not converted, then the totals: converted, refused by reason (the
file's fault, with the sentence the worker would read), failed (the converter's fault or unknown).
Exits 1 when a file failed, 0 otherwise.

Usage: make corpus, or python scripts/corpus.py [DIR_OR_FILE ...] [--jobs 2] [--url URL] [--json]
(default: tests/corpus/files).
"""

import argparse
import collections
import json
import os
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "primaweb.settings.test")
os.environ.setdefault("PRIMAWEB_VAR_DIR", tempfile.mkdtemp(prefix="primaweb-corpus-"))

DEFAULT_CORPUS = ROOT / "tests" / "corpus" / "files"
EXTENSIONS = {".doc", ".docx", ".odt", ".rtf", ".pdf"}


@dataclass
class Outcome:
    path: str
    verdict: str  # converted, refused, failed
    reason: str = ""  # the refusal's code (refused) or the error (failed)
    message: str = ""  # what the worker reads
    seconds: float = 0.0
    attempts: int = 0


def corpus_files(arguments: list[str]) -> list[Path]:
    paths = []
    for argument in arguments or [str(DEFAULT_CORPUS)]:
        path = Path(argument)
        if path.is_dir():
            paths.extend(p for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() in EXTENSIONS)
        else:
            paths.append(path)
    return paths


def process(path: Path, *, url: str, attempts: int = 3) -> Outcome:
    """What the pipeline makes of the file at `path`: converted, refused (with the refusal's code and
    sentence) or failed (the converter's fault, after `attempts` tries, or an unexpected error)."""
    from documents.conversion import ConversionFailed, ConverterUnavailable, convert_to_pdf
    from documents.validation import FileRefused, check_pdf, validate_upload

    started = time.monotonic()
    outcome = Outcome(path=str(path), verdict="failed")
    try:
        checked = validate_upload(name=path.name, data=path.read_bytes())
        if checked.extension == "pdf":
            outcome.verdict = "converted"
            return outcome
        for attempt in range(1, attempts + 1):
            outcome.attempts = attempt
            try:
                pdf = convert_to_pdf(data=path.read_bytes(), extension=checked.extension, url=url)
            except ConverterUnavailable as exc:
                outcome.reason, outcome.message = "converter_unavailable", str(exc)
                time.sleep(2.0 * attempt)  # the listener restarts in a few seconds
                continue
            check_pdf(pdf)
            outcome.verdict, outcome.reason, outcome.message = "converted", "", ""
            break
    except FileRefused as exc:
        outcome.verdict, outcome.reason, outcome.message = "refused", exc.code, str(exc)
    except ConversionFailed as exc:
        outcome.verdict, outcome.reason, outcome.message = "refused", "conversion_failed", str(exc)
    except Exception as exc:  # noqa: BLE001 - counted and shown: the corpus is there to find these
        outcome.verdict, outcome.reason, outcome.message = "failed", type(exc).__name__, str(exc)[:300]
    finally:
        outcome.seconds = time.monotonic() - started
    return outcome


def run(paths: list[Path], *, url: str, jobs: int = 2, attempts: int = 3, progress=None) -> list[Outcome]:
    lock = threading.Lock()

    def one(path: Path) -> Outcome:
        outcome = process(path, url=url, attempts=attempts)
        if progress:
            with lock:
                progress(outcome)
        return outcome

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(one, paths))


def summary(outcomes: list[Outcome]) -> str:
    verdicts = collections.Counter(outcome.verdict for outcome in outcomes)
    lines = [
        f"{len(outcomes)} files: {verdicts['converted']} converted, {verdicts['refused']} refused, "
        f"{verdicts['failed']} failed"
    ]
    for verdict in ("refused", "failed"):
        reasons = collections.Counter(o.reason for o in outcomes if o.verdict == verdict)
        for reason, count in reasons.most_common():
            example = next(o.message for o in outcomes if o.verdict == verdict and o.reason == reason)
            lines.append(f"  {verdict} {reason}: {count}  « {example} »")
    slowest = max(outcomes, key=lambda o: o.seconds, default=None)
    if slowest:
        lines.append(f"slowest: {Path(slowest.path).name} {slowest.seconds:.1f} s")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="files or folders (default: tests/corpus/files)")
    parser.add_argument("--jobs", type=int, default=2, help="files converted at once (default 2)")
    parser.add_argument("--attempts", type=int, default=3, help="tries while the converter is unavailable")
    parser.add_argument("--url", help="an already running converter (default: start one for the run)")
    parser.add_argument("--json", action="store_true", help="print every outcome as JSON lines too")
    parser.add_argument("--quiet", action="store_true", help="only the totals")
    options = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.utils import translation

    from documents.converter_process import running_converter

    translation.activate("fr")
    paths = corpus_files(options.paths)

    def progress(outcome: Outcome) -> None:
        if options.json:
            print(json.dumps(asdict(outcome), ensure_ascii=False), flush=True)
        elif outcome.verdict != "converted" and not options.quiet:
            print(f"{outcome.verdict:9} {outcome.reason:24} {outcome.path}: {outcome.message}", flush=True)

    started = time.monotonic()
    if options.url:
        outcomes = run(
            paths, url=options.url, jobs=options.jobs, attempts=options.attempts, progress=progress
        )
    else:
        work_dir = Path(settings.VAR_DIR) / "corpus-converter"
        with running_converter(work_dir=work_dir, log_file=work_dir / "listener.log") as url:
            outcomes = run(paths, url=url, jobs=options.jobs, attempts=options.attempts, progress=progress)
    print(summary(outcomes))
    print(f"in {time.monotonic() - started:.0f} s, {options.jobs} at a time")
    return 1 if any(outcome.verdict == "failed" for outcome in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
