"""API under load: the app and three bare-Flask baselines under the same gunicorn settings, driven by wrk.

Three servers run side by side on loopback, each ``gunicorn -c bench/gunicorn_conf.py``
(2 sync workers): the app (``wsgi:app``) and ``bench/baseline_app.py``, and the app once
more with ``--workers 8`` (one target: does a municipality's traffic scale past two
workers, or queue on its audit chain?). wrk runs in its own process with 32 connections. Targets are measured round-robin, several rounds, each
round starting one target further on, so drift on the machine falls on all of them alike.
App CPU per request is the gunicorn workers' utime + stime (/proc/<pid>/stat) over the
wrk run divided by the requests wrk completed; database CPU the same for the
PostgreSQL backends serving the scratch database. The app servers time their chain-head
locks (``AUDIT_LOCK_TIMING_DIR``, service/audit/chain.py: one line per commit, per worker)
and each run keeps the lines written during it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.harness import system
from bench.harness.scratch import ROOT, BenchError, Dataset, ScratchDatabase, flask_env
from bench.harness.stats import LockSample, WrkResult, parse_lock_log, parse_wrk_output
from bench.harness.tampering import audit_command

GUNICORN_CONF = ROOT / "bench" / "gunicorn_conf.py"
LOAD_LUA = ROOT / "bench" / "load.lua"
CONNECTIONS = 32
WRK_THREADS = 2
MANY_WORKERS = 8


def decision_body(today: dt.date) -> str:
    """A draft decision (no decided_on) on an hour-based service with its default legal basis, for a year."""
    return json.dumps({"person_id": "{id}", "service_code": "psykisk-helse-oppfolging", "hours_per_week": 2,
                       "valid_from": today.isoformat(), "valid_to": (today + dt.timedelta(days=364)).isoformat()})

BASELINE_TABLES = """
CREATE TABLE IF NOT EXISTS bench_audit_events (LIKE audit_events INCLUDING ALL);
CREATE SEQUENCE IF NOT EXISTS bench_audit_seq;
CREATE TABLE IF NOT EXISTS bench_chain_heads (LIKE audit_chain_heads INCLUDING ALL);
INSERT INTO bench_chain_heads SELECT * FROM audit_chain_heads ON CONFLICT DO NOTHING;
"""


@dataclass
class Target:
    name: str
    server: str            # "app" or "baseline"
    method: str
    path: str              # with "{id}"
    ids_file: Path
    token: str | None = None
    body: str | None = None
    baseline: bool = False
    runs: list[WrkResult] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)      # per run, gunicorn workers
    db_cpu_ms: list[float] = field(default_factory=list)   # per run, PostgreSQL backends
    other_cores: list[float] = field(default_factory=list)  # per run, CPU of every other process ÷ run time
    locks: list[LockSample] = field(default_factory=list)  # every chain-head lock of the measured runs
    first_bad_status: int = 0


class Server:
    """One gunicorn master with its workers, started with the shared settings file."""

    def __init__(self, name: str, app_spec: str, env: dict[str, str], workdir: Path, *, workers: int = 2,
                 time_locks: bool = False):
        self.name, self.app_spec, self.env, self.workdir = name, app_spec, dict(env), workdir
        self.workers = workers
        self.port = _free_port()
        self.ready_dir = workdir / f"ready-{name}"
        self.log = workdir / f"gunicorn-{name}.log"
        self.lock_dir = workdir / f"locks-{name}" if time_locks else None
        if self.lock_dir is not None:
            self.env["FLASK_AUDIT_LOCK_TIMING_DIR"] = str(self.lock_dir)
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        shutil.rmtree(self.ready_dir, ignore_errors=True)
        self.ready_dir.mkdir(parents=True)
        self.env["BENCH_READY_DIR"] = str(self.ready_dir)
        command = [str(ROOT / ".venv/bin/gunicorn"), "-c", str(GUNICORN_CONF), "--bind", f"127.0.0.1:{self.port}",
                   *(["--workers", str(self.workers)] if self.workers != 2 else []), self.app_spec]
        self.command = " ".join(command[1:]).replace(str(ROOT) + "/", "")
        with self.log.open("w") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)

    def wait_ready(self, timeout: float = 180) -> None:
        workers = self.workers
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn ({self.name}) exited with {self.process.returncode}:\n{self._tail()}")
            if len(self.worker_pids()) >= workers:
                return
            time.sleep(0.1)
        raise BenchError(f"gunicorn ({self.name}) had no {workers} workers ready after {timeout:.0f} s:\n"
                         f"{self._tail()}")

    def worker_pids(self) -> list[int]:
        """Workers that loaded the app and are still children of the master."""
        alive = set(system.children(self.process.pid)) if self.process else set()
        return sorted(int(p.name) for p in self.ready_dir.iterdir() if int(p.name) in alive)

    def lock_samples(self, since: float, until: float) -> list[LockSample]:
        """The chain-head locks the workers released between two wall-clock times."""
        if self.lock_dir is None or not self.lock_dir.exists():
            return []
        samples = []
        for path in self.lock_dir.glob("audit-lock-*.log"):
            samples += [s for s in parse_lock_log(path.read_text()) if since <= s.at <= until]
        return samples

    def terminate(self) -> None:
        """Ask the master to stop (it stops its workers gracefully); returns at once."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def wait(self, timeout: float = 20) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """The master and its workers (their own process group), at once."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def _tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(server: Server, method: str, path: str, token: str | None = None, body: str | None = None,
            timeout: float = 300) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if body is not None:
        headers["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def app_environment(database: ScratchDatabase) -> dict[str, str]:
    """The production configuration with a per-run secret and audit key, and rate limiting off."""
    return flask_env(database, TJENESTESPOR_CONFIG="production", FLASK_SECRET_KEY=secrets.token_hex(32),
                     FLASK_RATELIMIT_ENABLED="false")


APP_CONFIG_NOTE = (
    "the production configuration (`TJENESTESPOR_CONFIG=production`, a random `FLASK_SECRET_KEY` and audit "
    "key `FLASK_AUDIT_HMAC_KEYS` per run, `DATABASE_URL` the scratch database; `FLASK_AUDIT_LOCK_TIMING_DIR` "
    "set, so each worker appends one short line per audited commit), with rate limiting off (`FLASK_RATELIMIT_ENABLED=false`: 600 requests "
    "a minute per token would otherwise answer 429). Production refuses `ALLOW_SYNTHETIC_IDS`, which only "
    "matters when a national id is written; the benchmark reads generated persons and writes draft decisions, "
    "so the production config serves it unchanged")


# The app's production login: neither the tables' owner nor BYPASSRLS, so PostgreSQL's row-level
# security (migration 0013) binds every statement; the other app servers connect as the owner.
RESTRICTED_ROLE = "tsp_bench_app"


def restricted_environment(database: ScratchDatabase) -> dict[str, str]:
    """``app_environment`` connecting as the restricted role, made (once per server) and granted here."""
    import sqlalchemy as sa

    with database.connect(autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (RESTRICTED_ROLE,)).fetchone() is None:
            conn.execute(f"CREATE ROLE {RESTRICTED_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS")
        for statement in (f"GRANT USAGE ON SCHEMA public TO {RESTRICTED_ROLE}",
                          f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {RESTRICTED_ROLE}",
                          f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {RESTRICTED_ROLE}"):
            conn.execute(statement)
    env = app_environment(database)
    env["DATABASE_URL"] = sa.make_url(database.url).set(username=RESTRICTED_ROLE).render_as_string(
        hide_password=False)
    return env


def prepare_baseline_tables(database: ScratchDatabase) -> None:
    with database.connect() as conn:
        conn.execute(BASELINE_TABLES)


def write_ids(path: Path, ids: list[str]) -> Path:
    path.write_text("\n".join(ids) + "\n")
    return path


def targets_for(dataset: Dataset, workdir: Path) -> list[Target]:
    persons = write_ids(workdir / "person_ids.txt", dataset.person_ids)
    if not dataset.unit_ids:
        raise BenchError("the dataset has no available housing unit to rank candidates for")
    units = write_ids(workdir / "unit_ids.txt", dataset.unit_ids)
    officer, housing = dataset.case_officer_token, dataset.housing_officer_token
    return [
        Target("GET /api/v1/persons/{id}", "app", "GET", "/api/v1/persons/{id}", persons, officer),
        Target(f"GET /api/v1/persons/{{id}}, {MANY_WORKERS} workers", "app8", "GET", "/api/v1/persons/{id}", persons,
               officer),
        Target("GET /api/v1/persons/{id}, bound by row-level security", "app_rls", "GET", "/api/v1/persons/{id}",
               persons, officer),
        Target("GET /api/v1/persons/{id}/overview", "app", "GET", "/api/v1/persons/{id}/overview", persons, officer),
        Target("POST /api/v1/decisions (draft)", "app", "POST", "/api/v1/decisions", persons, officer,
               decision_body(dt.date.today())),
        Target("GET /api/v1/housing/units/{id}/candidates", "app", "GET", "/api/v1/housing/units/{id}/candidates",
               units, housing),
        Target("baseline (a): primary-key SELECT", "baseline", "GET", "/baseline/select/{id}", persons,
               baseline=True),
        Target("baseline (b): (a) + audit INSERT, committed", "baseline", "GET", "/baseline/audited/{id}", persons,
               baseline=True),
        Target("baseline (c): (b) + chain-head row FOR UPDATE", "baseline", "GET", "/baseline/locked/{id}", persons,
               baseline=True),
    ]


def verify(target: Target, server: Server, example_id: str) -> None:
    """One request before any load: a target that does not answer 2xx fails the run."""
    body = target.body.replace("{id}", example_id) if target.body else None
    status, answer = request(server, target.method, target.path.replace("{id}", example_id), target.token, body)
    if not 200 <= status < 300:
        raise BenchError(f"{target.name} answered {status} before any load (server {server.name}); "
                         f"body: {answer[:500]!r}")


def run_wrk(target: Target, server: Server, seconds: float) -> WrkResult:
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{CONNECTIONS}", f"-d{seconds:g}s", "--timeout", "60s", "--latency",
               "-s", str(LOAD_LUA), server.base, "--", str(target.ids_file), target.method, target.path,
               target.token or "-", target.body or "-"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120, check=False)
    if result.returncode != 0:
        raise BenchError(f"wrk failed on {target.name} (exit {result.returncode}):\n{result.stderr[-2000:]}")
    return parse_wrk_output(result.stdout)


def wait_idle(server: Server, quiet: float = 0.3, timeout: float = 120) -> None:
    """Until the workers used no CPU for ``quiet`` seconds.

    When wrk stops, the connections it leaves are still queued at the server, and the sync
    workers answer every request already sent before they are free again; that work must
    not fall into the next target's run.
    """
    deadline = time.monotonic() + timeout
    workers = server.worker_pids()
    previous = system.cpu_ticks(workers)
    while time.monotonic() < deadline:
        time.sleep(quiet)
        current = system.cpu_ticks(workers)
        if current == previous:
            return
        previous = current
    raise BenchError(f"gunicorn ({server.name}) was still busy {timeout:.0f} s after wrk stopped")


def measure(target: Target, server: Server, seconds: float, database: ScratchDatabase) -> None:
    """One wrk run. CPU is sampled as wrk ends: the requests still queued then are not counted, nor their work."""
    wait_idle(server)
    workers = server.worker_pids()
    backends = system.database_backends(database.name)
    cpu_before, db_before = system.cpu_ticks(workers), system.cpu_ticks(backends)
    busy_before, wrk_before = system.machine_busy_ticks(), system.children_cpu_ms()
    started = time.time()
    result = run_wrk(target, server, seconds)
    finished = time.time()
    cpu_after, db_after = system.cpu_ticks(workers), system.cpu_ticks(backends)
    busy_after, wrk_after = system.machine_busy_ticks(), system.children_cpu_ms()
    if server.worker_pids() != workers:
        raise BenchError(f"gunicorn ({server.name}) replaced a worker during {target.name}; see {server.log}")
    target.runs.append(result)
    target.locks += server.lock_samples(started, finished)
    requests = max(result.requests, 1)
    app_ms, db_ms = system.cpu_ms_between(cpu_before, cpu_after), system.cpu_ms_between(db_before, db_after)
    target.cpu_ms.append(app_ms / requests)
    target.db_cpu_ms.append(db_ms / requests if backends else float("nan"))
    # Whatever else ran on the machine meanwhile, in cores: a busy host shows here, not only in slower figures.
    busy_ms = (busy_after - busy_before) * 1000 / system.CLOCK_TICKS
    other_ms = busy_ms - app_ms - db_ms - (wrk_after - wrk_before)
    target.other_cores.append(max(other_ms, 0.0) / (result.duration_s * 1000) if result.duration_s else float("nan"))


@contextlib.contextmanager
def servers(database: ScratchDatabase, workdir: Path):
    """The app (2 and 8 workers) and the baselines under gunicorn, every worker ready; stopped on the way out."""
    prepare_baseline_tables(database)
    started = {
        "app": Server("app", "wsgi:app", app_environment(database), workdir, time_locks=True),
        "baseline": Server("baseline", "bench.baseline_app:app", flask_env(database), workdir),
        "app_rls": Server("app_rls", "wsgi:app", restricted_environment(database), workdir, time_locks=True),
        "app8": Server("app8", "wsgi:app", app_environment(database), workdir, workers=MANY_WORKERS,
                       time_locks=True),
    }
    try:
        for server in started.values():
            server.start()
        for server in started.values():
            server.wait_ready()
        yield started
    finally:
        stop(started.values())


def stop(running) -> None:
    """Every server: all asked first, then waited for; interrupted meanwhile, they are killed."""
    running = list(running)
    try:
        for server in running:
            server.terminate()
        for server in running:
            server.wait()
    except BaseException:
        for server in running:
            server.kill()
        raise


def run(running: dict[str, Server], database: ScratchDatabase, dataset: Dataset, workdir: Path, *, rounds: int,
        seconds: float, warmup_seconds: float, log=print) -> dict:
    targets = targets_for(dataset, workdir)
    example_person, example_unit = dataset.person_ids[0], dataset.unit_ids[0]
    for target in targets:
        verify(target, running[target.server], example_unit if "units" in target.path else example_person)
    if warmup_seconds:  # both workers load what a first request loads, and the database its caches
        for target in targets:
            wait_idle(running[target.server])
            run_wrk(target, running[target.server], warmup_seconds)
    for round_number in range(rounds):
        shift = round_number % len(targets)
        for target in targets[shift:] + targets[:shift]:
            measure(target, running[target.server], seconds, database)
            last = target.runs[-1]
            log(f"  round {round_number + 1}/{rounds} {target.name}: {last.requests_per_second:,.0f} req/s, "
                f"p50 {last.p50_ms:.1f} ms, p99 {last.p99_ms:.1f} ms, errors {last.errors}")
    return {
        "targets": targets,
        "audit_verify": audit_verify(database, workdir),
        "gunicorn": running["app"].command.replace("wsgi:app", "MODULE:app"),
        "seconds": seconds, "rounds": rounds, "warmup_seconds": warmup_seconds,
        "connections": CONNECTIONS, "wrk_threads": WRK_THREADS,
        "decision_body": next(t.body for t in targets if t.body),
    }


def audit_verify(database: ScratchDatabase, workdir: Path) -> dict:
    """``flask audit verify`` over the scratch database after the load: every chain must still hold."""
    ok, line = audit_command(database, workdir, "audit-verify.log", "verify")
    return {"ok": ok, "line": line}
