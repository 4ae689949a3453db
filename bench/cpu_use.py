"""The processor time each part of the upload bench uses, read from Linux's /proc: where a burst's wall
goes when the converter's listeners already keep every core busy.

A snapshot is taken before and after a phase; the difference, divided by the files, is the processor time
each part spent on one file: the worker (every process of its session), this process (the upload calls
or the direct conversions' client, and the converter's gate, a thread of it in the bench), the converter
(this process's other descendants but Redis: the listeners and their LibreOffice), PostgreSQL (the
backends of the bench's database; the server's own writers, shared with whatever else runs on it, are
left out) and the bench's own Redis. A process that starts and ends between two snapshots is not
counted (a listener restarted, a short-lived backend)."""

import os
from pathlib import Path

PROC = Path("/proc")
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
PARTS = ("converter", "worker", "this process", "PostgreSQL", "Redis")


def _command(pid: int) -> str:
    try:
        return (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _stat(pid: str) -> tuple[str, int, int, float] | None:
    """(name, parent, session, processor seconds) of one process, or None if it has gone."""
    try:
        text = (PROC / pid / "stat").read_text()
    except OSError:
        return None
    name = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()
    return name, int(fields[1]), int(fields[3]), (int(fields[11]) + int(fields[12])) / TICKS


def snapshot(worker_session: int, database: str) -> dict[int, tuple[str, float]]:
    """pid -> (part, processor seconds so far) for every process of the parts; empty without /proc.
    `database`: the name of the bench's database, which its PostgreSQL backends show."""
    if not PROC.is_dir():
        return {}
    stats = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit() and (stat := _stat(entry.name)) is not None:
            stats[int(entry.name)] = stat
    me = os.getpid()

    def descends_from_me(pid: int) -> bool:
        seen = set()
        while pid in stats and pid not in seen:
            seen.add(pid)
            pid = stats[pid][1]
            if pid == me:
                return True
        return False

    parts = {}
    for pid, (name, _parent, session, seconds) in stats.items():
        if pid == me:
            parts[pid] = ("this process", seconds)
        elif session == worker_session:
            parts[pid] = ("worker", seconds)
        elif name.startswith("postgres"):
            if f" {database} " in _command(pid):
                parts[pid] = ("PostgreSQL", seconds)
        elif descends_from_me(pid):
            parts[pid] = ("Redis" if name.startswith("redis-server") else "converter", seconds)
    return parts


def used(before: dict, after: dict) -> dict[str, float]:
    """Processor seconds per part between two snapshots (a process started in between counts whole)."""
    totals = dict.fromkeys(PARTS, 0.0)
    for pid, (part, seconds) in after.items():
        earlier = before.get(pid)
        totals[part] += seconds - (earlier[1] if earlier and earlier[0] == part else 0.0)
    return totals


def per_file(totals: dict[str, float], files: int) -> str:
    """« converter 61.0 ms, worker 9.0 ms, … » per file, and their sum."""
    parts = ", ".join(f"{part} {seconds / files * 1000:.1f} ms" for part, seconds in totals.items())
    return f"{parts}; in all {sum(totals.values()) / files * 1000:.1f} ms"
