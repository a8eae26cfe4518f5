"""The machine the benchmarks run on, and CPU time of processes from /proc."""

from __future__ import annotations

import os
import platform
import resource
import shutil
import subprocess
from pathlib import Path

from bench.harness.stats import ProcStat, parse_proc_stat

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def proc_stat(pid: int) -> ProcStat | None:
    try:
        return parse_proc_stat(Path(f"/proc/{pid}/stat").read_text())
    except (FileNotFoundError, ProcessLookupError):
        return None


def cpu_ticks(pids) -> dict[int, int]:
    """utime + stime of each process still alive."""
    ticks = {}
    for pid in pids:
        stat = proc_stat(pid)
        if stat is not None:
            ticks[pid] = stat.cpu_ticks
    return ticks


def cpu_ms_between(before: dict[int, int], after: dict[int, int]) -> float:
    """CPU milliseconds the processes alive at both samples used between them."""
    ticks = sum(after[pid] - before[pid] for pid in before.keys() & after.keys())
    return ticks * 1000 / CLOCK_TICKS


def machine_busy_ticks() -> int:
    """CPU time all processes of the machine used since boot (/proc/stat: everything but idle and iowait)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system_, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[:8])
    return user + nice + system_ + irq + softirq + steal


def children_cpu_ms() -> float:
    """CPU milliseconds of this process's children that have ended (wrk, once it has run)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (usage.ru_utime + usage.ru_stime) * 1000


def children(ppid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = proc_stat(int(entry.name))
            if stat is not None and stat.ppid == ppid:
                pids.append(stat.pid)
    return pids


def database_backends(database: str) -> list[int]:
    """PostgreSQL backend processes serving ``database`` (their title names it), if PostgreSQL runs here."""
    pids = []
    marker = f" {database} ".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        if cmdline.startswith(b"postgres:") and marker in cmdline:
            pids.append(int(entry.name))
    return pids


def load_average() -> tuple[float, float, float]:
    return os.getloadavg()


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except FileNotFoundError:
        pass
    return platform.processor() or platform.machine()


def memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except FileNotFoundError:
        pass
    return None


def tool_version(command: list[str]) -> str:
    if shutil.which(command[0]) is None and not Path(command[0]).exists():
        return "not installed"
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    output = (result.stdout or result.stderr).strip().splitlines()
    return output[0] if output else "unknown"
