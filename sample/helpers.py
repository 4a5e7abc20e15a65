"""Small helpers every part of the generator shares: seeded random streams, dates as POSIX
seconds, the two time zones the exports use, and text, duration and CSV formatting.
"""

from __future__ import annotations

import csv
import io
import math
import random
import unicodedata
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

_EPOCH_ORD = date(1970, 1, 1).toordinal()
_DAY = 86400


def _rng(seed: int, part: str) -> random.Random:
    """An independent stream per part, so adding output to one part never shifts another."""
    return random.Random(f"{seed}:{part}")


def _secs(d: date) -> int:
    """Midnight UTC of a date as POSIX seconds: events are plain ints for speed."""
    return (d.toordinal() - _EPOCH_ORD) * _DAY


def _day(ts: int) -> date:
    return date.fromordinal(ts // _DAY + _EPOCH_ORD)


def _dt(ts: int) -> datetime:
    """Naive UTC datetime of POSIX seconds."""
    return datetime(1970, 1, 1) + timedelta(seconds=ts)


def _add_months(d: date, months: int) -> date:
    """Calendar month arithmetic (day clamped), as certificate validity is counted."""
    y, m = divmod(d.month - 1 + months, 12)
    y += d.year
    m += 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(y, m, day)
        except ValueError:
            continue
    raise AssertionError(d)


def _history_start(today: date) -> date:
    """First day of the month after today minus three years (2023-12-01 for 2026-11-28)."""
    back = _add_months(today, -36)
    return _add_months(back.replace(day=1), 1)


@cache
def _nth_sunday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))


@cache
def _last_sunday(year: int, month: int) -> date:
    last = _add_months(date(year, month, 1), 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - 6) % 7)


@cache
def _us_dst(year: int) -> tuple[int, int]:
    """US daylight time in UTC seconds: 2nd Sunday of March 10:00 UTC .. 1st Sunday of November 09:00 UTC."""
    return _secs(_nth_sunday(year, 3, 2)) + 10 * 3600, _secs(_nth_sunday(year, 11, 1)) + 9 * 3600


@cache
def _eu_dst(year: int) -> tuple[int, int]:
    """EU summer time: last Sunday of March 01:00 UTC .. last Sunday of October 01:00 UTC."""
    return _secs(_last_sunday(year, 3)) + 3600, _secs(_last_sunday(year, 10)) + 3600


def _pacific(ts: int) -> datetime:
    """America/Los_Angeles wall time (the zone LinkedIn Learning reports use)."""
    start, end = _us_dst(_day(ts).year)
    return _dt(ts + (-7 if start <= ts < end else -8) * 3600)


def _dublin(ts: int) -> datetime:
    """Europe/Dublin wall time (the Moodle site's zone)."""
    start, end = _eu_dst(_day(ts).year)
    return _dt(ts + (3600 if start <= ts < end else 0))


def _iso_ms(ts: float) -> str:
    """xAPI/SCORM Cloud style UTC timestamp with milliseconds."""
    whole = int(ts)
    ms = round((ts - whole) * 1000) % 1000
    return _dt(whole).strftime("%Y-%m-%dT%H:%M:%S") + f".{ms:03d}Z"


def _iso_z(ts: int) -> str:
    return _dt(ts).strftime("%Y-%m-%dT%H:%M:%SZ")


def _uuid(rng: random.Random) -> str:
    """A version-4-shaped UUID from the seeded stream (uuid4 would read os.urandom)."""
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:32]}"


def _slug(text: str, sep: str = "-") -> str:
    """Lower-case ASCII words joined by sep (for IRIs, shortnames and file names)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    out, prev = [], sep
    for ch in ascii_text:
        if ch.isalnum():
            out.append(ch)
            prev = ch
        elif prev != sep:
            out.append(sep)
            prev = sep
    return "".join(out).strip(sep)


def _email_part(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return "".join(ch for ch in ascii_name if ch.isalnum() or ch == "-")


def _duration(seconds: float) -> str:
    """ISO 8601 duration as LRSs store it (PT1H5M3S)."""
    s = int(seconds)
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return "PT" + (f"{h}H" if h else "") + (f"{m}M" if m else "") + f"{sec}S"


def _hms(seconds: float) -> str:
    """LinkedIn's Hours Viewed: H:MM:SS."""
    s = int(seconds)
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}"


def _csv_field(value: str) -> str:
    """One CSV cell, quoted only when needed (for the hand-rolled fast writers)."""
    if any(ch in value for ch in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _write_csv(path: Path, header: list[str], rows: list[list], *, bom: bool = False, newline: str = "\n") -> int:
    """Write a CSV with minimal quoting; returns the number of data rows."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=newline)
    w.writerow(header)
    w.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        if bom:
            f.write("\ufeff")
        f.write(buf.getvalue())
    return len(rows)


def _money(x: float) -> str:
    return f"{x:.2f}"


def _pick(rng: random.Random, weighted: list[tuple[object, float]]):
    total = sum(w for _, w in weighted)
    r = rng.random() * total
    for item, w in weighted:
        r -= w
        if r < 0:
            return item
    return weighted[-1][0]


def _poisson(rng: random.Random, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p < limit:
            return k
        k += 1
