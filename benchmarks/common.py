"""What every benchmark section shares: where files go, statistics, and measured child processes."""

from __future__ import annotations

import contextlib
import json
import math
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from benchmarks import ALLOCATOR_CONF

ROOT = Path(__file__).resolve().parent.parent
#: Generated files and warehouses, reused by later runs (ignored by git).
OUT = Path(__file__).resolve().parent / "out"
RESULTS = Path(__file__).resolve().parent / "results.json"


def log(message: str) -> None:
    """Progress goes to stderr, so stdout holds only the figures."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def percentile(values: list[float], p: float) -> float | None:
    """Linear interpolation between closest ranks (p in 0..100); with few runs p95 is near the maximum."""
    if not values:
        return None
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * p / 100
    lo, hi = math.floor(rank), math.ceil(rank)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (rank - lo)


def parse_count(text: str) -> int:
    """'1M', '250k', '10000000' -> an integer (the --scale and --employees arguments)."""
    t = text.strip().lower().replace("_", "").replace(",", "")
    factor = 1
    if t.endswith("m"):
        factor, t = 1_000_000, t[:-1]
    elif t.endswith("k"):
        factor, t = 1_000, t[:-1]
    return int(float(t) * factor)


def human(n: int) -> str:
    """1000000 -> '1M', 250000 -> '250k' (for file names and table headings)."""
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


# ---------------------------------------------------------------- memory of a process tree


def _children() -> dict[int, list[int]]:
    """ppid -> pids, from /proc (Linux)."""
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read().decode(errors="replace")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def proc_status_kb(field: str, pid: int | str = "self") -> int:
    """A size in kB from /proc/<pid>/status (VmRSS, VmHWM, ...); 0 where there is none to read."""
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants (the xAPI reader uses worker processes)."""
    tree = _children()
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += proc_status_kb("VmRSS", p)
        stack.extend(tree.get(p, []))
    return total


class PeakSampler:
    """Samples the resident memory of a process tree every 50 ms while it runs."""

    def __init__(self, pid: int, interval: float = 0.05):
        self.pid, self.interval, self.peak_kb = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, tree_rss_kb(self.pid))
            self._stop.wait(self.interval)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak_kb


def child_env() -> dict:
    """The environment of a benchmark's child process: this one, with the project on the path and the
    allocator setting the benchmarks were started with (not the default Polars wrote into this process's
    environment when it was imported here: a 1M-row CSV load's peak was 1.2 GB with it, 0.9 GB as
    ``python -m etl`` runs)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("_RJEM_MALLOC_CONF", None)
    if ALLOCATOR_CONF is not None:
        env["_RJEM_MALLOC_CONF"] = ALLOCATOR_CONF
    return env


def run_child(task: str, *args: str, timeout: float = 3600) -> dict:
    """Run ``python -m benchmarks._child TASK ARGS`` in a fresh process and return its JSON answer,
    plus ``peak_mb``: the largest of the child's own peak (VmHWM) and the sampled peak of its
    process tree (the child and any workers it starts)."""
    cmd = [sys.executable, "-m", "benchmarks._child", task, *args]
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
    )
    sampler = PeakSampler(proc.pid)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    tree_kb = sampler.stop()
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark task {task} failed (exit {proc.returncode}):\n{err[-3000:]}")
    answer = json.loads(out.strip().splitlines()[-1])
    answer["peak_mb"] = round(max(tree_kb, answer.pop("self_maxrss_kb", 0)) / 1024, 1)
    return answer


# ---------------------------------------------------------------- results file


def machine() -> dict:
    """What the figures were measured on."""
    import platform

    import duckdb
    import polars

    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count()
    mem_gb = None
    with contextlib.suppress(OSError), open("/proc/meminfo") as fh:
        mem_gb = round(int(fh.readline().split()[1]) / 1024 / 1024, 1)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "polars": polars.__version__,
        "cpus": cpus,
        "memory_gb": mem_gb,
        "load_average_at_start": load,
    }


def save_results(sections: dict) -> dict:
    """Merge the sections just measured into results.json (a partial run keeps the other sections)."""
    try:
        results = json.loads(RESULTS.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        results = {}
    results.update(sections)
    results["machine"] = machine()
    results["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    RESULTS.write_text(json.dumps(results, indent=2, default=str) + "\n")
    return results


def table(headers: list[str], rows: list[list]) -> str:
    """A plain text table, numbers right-aligned."""

    def cell(v) -> str:
        if v is None:
            return "-"
        if isinstance(v, float):
            return f"{v:,.3f}" if abs(v) < 10 else f"{v:,.1f}"
        if isinstance(v, int):
            return f"{v:,}"
        return str(v)

    cells = [[cell(v) for v in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    numeric = [all(isinstance(r[i], (int, float)) or r[i] is None for r in rows) for i in range(len(headers))]

    def line(values):
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=False))

    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in cells])
