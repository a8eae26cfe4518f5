"""The pure parts of the harness: statistics, wrk's JSON line, /proc stat lines, lock timing lines, number formatting.

Nothing here touches a process, a file or a database, so tests/bench checks it on SQLite runs.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class Figure:
    """One timed figure (sequential runs, in ms) beside its baseline from the same run."""

    name: str
    baseline_name: str
    samples_ms: list[float] = field(default_factory=list)
    baseline_ms: list[float] = field(default_factory=list)
    target: str = ""
    note: str = ""


def median(values: Sequence[float]) -> float:
    if not values:
        raise ValueError("median of no values")
    return float(statistics.median(values))


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (the smallest value with at least ``fraction`` of the values at or below it)."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 < fraction <= 1:
        raise ValueError("fraction must be in (0, 1]")
    ordered = sorted(values)
    return float(ordered[max(0, math.ceil(fraction * len(ordered)) - 1)])


def ratio(value: float | None, baseline: float | None) -> float | None:
    if value is None or baseline is None or baseline == 0:
        return None
    return value / baseline


def fmt_number(value: float | None) -> str:
    """Three significant figures at most, thousands separated; '–' for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    if magnitude == 0:
        return "0"
    return f"{value:#.3g}"


def fmt_ratio(value: float | None) -> str:
    """A ratio as '×1.52'; '–' when there is none."""
    if value is None:
        return "–"
    return "×" + fmt_number(value)


# --- wrk ---

@dataclass(frozen=True)
class WrkResult:
    requests: int
    non_2xx: int
    socket_errors: int
    duration_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @property
    def errors(self) -> int:
        return self.non_2xx + self.socket_errors

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.duration_s if self.duration_s > 0 else 0.0


WRK_MARKER = "BENCH_JSON "


def parse_wrk_output(stdout: str) -> WrkResult:
    """The JSON line bench/load.lua's ``done()`` prints (prefixed ``BENCH_JSON ``) as a WrkResult.

    Latencies arrive in microseconds and are kept in milliseconds.
    """
    lines = [line[len(WRK_MARKER):] for line in stdout.splitlines() if line.startswith(WRK_MARKER)]
    if not lines:
        raise ValueError("wrk printed no BENCH_JSON line; did it run bench/load.lua?\n" + stdout[-2000:])
    data = json.loads(lines[-1])
    socket = data["errors"]
    return WrkResult(
        requests=int(data["requests"]),
        non_2xx=int(data["non_2xx"]),
        socket_errors=int(socket["connect"] + socket["read"] + socket["write"] + socket["timeout"]),
        duration_s=data["duration_us"] / 1e6,
        p50_ms=data["latency_us"]["p50"] / 1000,
        p95_ms=data["latency_us"]["p95"] / 1000,
        p99_ms=data["latency_us"]["p99"] / 1000,
    )


# --- /proc ---

@dataclass(frozen=True)
class ProcStat:
    pid: int
    comm: str
    ppid: int
    cpu_ticks: int  # utime + stime


def parse_proc_stat(line: str) -> ProcStat:
    """One /proc/<pid>/stat line. The command may hold spaces and parentheses, so split at the last ')'."""
    open_paren, close_paren = line.index("("), line.rindex(")")
    pid = int(line[:open_paren])
    comm = line[open_paren + 1:close_paren]
    fields = line[close_paren + 2:].split()
    # fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    return ProcStat(pid=pid, comm=comm, ppid=int(fields[1]), cpu_ticks=int(fields[11]) + int(fields[12]))


# --- chain-head lock timing (AUDIT_LOCK_TIMING_DIR, service/audit/chain.py) ---

@dataclass(frozen=True)
class LockSample:
    at: float        # wall clock (time.time()) when the commit had returned
    wait_ms: float   # the head's SELECT … FOR UPDATE, waiting for the lock included
    held_ms: float   # from the lock granted to the commit returned: how long others had to wait
    span_ms: float   # from the transaction's first event to the commit returned
    events: int


def parse_lock_log(text: str) -> list[LockSample]:
    """The lines a worker appends per commit: ``at wait_ms held_ms span_ms events``; a torn last line is skipped."""
    samples = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) != 5:
            continue
        try:
            samples.append(LockSample(float(fields[0]), float(fields[1]), float(fields[2]), float(fields[3]),
                                      int(fields[4])))
        except ValueError:
            continue
    return samples
