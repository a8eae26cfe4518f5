"""The scratch PostgreSQL database a run creates, fills and drops, and the dataset in it."""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
SERVER = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
PREFIX = "tjenestespor_bench_"
MUNICIPALITY = "9950"
SEED = 1
CASE_OFFICER = "bench-case-officer"
HOUSING_OFFICER = "bench-housing-officer"
# The audit chain's key for this run (a random secret, like FLASK_SECRET_KEY): the generator, the
# servers and `audit verify` after the load all sign and check with it.
AUDIT_KEY_ID = "bench"
AUDIT_KEYS = {AUDIT_KEY_ID: secrets.token_hex(32)}
# The TOTP secrets' key of the run (production refuses to start without one; no one logs in here).
TOTP_KEYS = [base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")]


class BenchError(RuntimeError):
    """A benchmark cannot run or gave a wrong answer: the run fails, loudly."""


def _admin() -> psycopg.Connection:
    try:
        return psycopg.connect(f"{SERVER}/postgres", autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        raise BenchError(f"PostgreSQL at {SERVER} cannot be reached (the benchmarks need it): {error}") from None


class ScratchDatabase:
    """``tjenestespor_bench_<pid>`` on the benchmark server; never any other database."""

    def __init__(self, name: str | None = None):
        self.name = name or f"{PREFIX}{os.getpid()}"
        if not re.fullmatch(PREFIX + r"\w+", self.name):
            raise BenchError(f"refusing to use database {self.name!r}: scratch databases are named {PREFIX}*")
        self.created = False

    @property
    def dsn(self) -> str:
        return f"{SERVER}/{self.name}"

    @property
    def url(self) -> str:
        """The SQLAlchemy URL (psycopg 3 driver), as the app takes it in DATABASE_URL."""
        return "postgresql+psycopg://" + self.dsn.split("://", 1)[1]

    def connect(self, **kwargs) -> psycopg.Connection:
        return psycopg.connect(self.dsn, **kwargs)

    def create(self) -> None:
        with _admin() as conn:
            drop_abandoned(conn)
            conn.execute(f'CREATE DATABASE "{self.name}"')
        self.created = True

    def drop(self) -> bool:
        """Drop the database if this run created it; whether it did."""
        if not self.created:
            return False
        with _admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.created = False
        return True

    def checkpoint(self) -> None:
        """A ``CHECKPOINT`` before a timed load: a load of a million rows writes more WAL than
        ``max_wal_size``, so a checkpoint falls inside it, and where it falls (and how much of the
        previous load it must still write) otherwise depends on what ran before. Measured: the
        same generator run at 95,800 and 109,100 rows/s, one after the other."""
        with self.connect(autocommit=True) as conn:
            conn.execute("CHECKPOINT")

    def quiet(self, timeout: float = 300, log=print) -> None:
        """Before a stage that times a job: no autovacuum worker busy in this database and a
        ``CHECKPOINT``, so the stage does not share the two cores with the cleanup of the stage
        before it (the generator's ``COPY`` rounds leave a million-row table to vacuum). Measured:
        the ``deadlines`` job's raw SQL took 3.9–4.4 s right after the generator stage, against
        2.8–3.2 s on a quiet server, and the job on two lanes lost its second core."""
        started = time.monotonic()
        with self.connect(autocommit=True) as conn:
            while True:
                busy = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker' "
                                    "AND datname = current_database()").fetchone()[0]
                if not busy:
                    break
                if time.monotonic() - started > timeout:
                    log(f"  autovacuum still busy after {timeout:.0f} s; measuring anyway")
                    break
                time.sleep(1)
            conn.execute("CHECKPOINT")

    def server_version(self) -> str:
        with self.connect() as conn:
            return conn.execute("SELECT version()").fetchone()[0]


def drop_abandoned(conn: psycopg.Connection) -> None:
    """Scratch databases of runs that were killed (their process is gone) are dropped."""
    for (name,) in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", (PREFIX + "%",)).fetchall():
        pid = name[len(PREFIX):]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            print(f"dropping {name}, left by a run that no longer runs", file=sys.stderr)
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def flask_env(database: ScratchDatabase, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("FLASK_") and key not in ("TJENESTESPOR_CONFIG", "DATABASE_URL")}
    env.update(DATABASE_URL=database.url, FLASK_AUDIT_HMAC_KEYS=json.dumps(AUDIT_KEYS),
               FLASK_AUDIT_HMAC_KEY_ID=AUDIT_KEY_ID, FLASK_TOTP_ENCRYPTION_KEYS=json.dumps(TOTP_KEYS), **extra)
    return env


def run_logged(command: list[str], log: Path, env: dict[str, str], what: str) -> float:
    """Run a command with its output in ``log``; raise with the log's tail when it fails. Returns seconds."""
    started = time.perf_counter()
    with log.open("w") as out:
        result = subprocess.run(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, check=False)
    if result.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        raise BenchError(f"{what} failed (exit {result.returncode}); last lines of {log}:\n{tail}")
    return time.perf_counter() - started


@dataclass
class Dataset:
    scale: str
    municipality: str
    report: dict
    municipality_id: str = ""
    case_officer_token: str = ""
    housing_officer_token: str = ""
    table_rows: dict[str, int] = field(default_factory=dict)
    person_ids: list[str] = field(default_factory=list)
    unit_ids: list[str] = field(default_factory=list)   # not unavailable, by label
    waiting_needs: int = 0


def open_app(database: ScratchDatabase):
    """The app in this process (development config, the scratch database): migrations and officers."""
    from service import create_app

    return create_app("development", {"SQLALCHEMY_DATABASE_URI": database.url, "AUDIT_HMAC_KEYS": AUDIT_KEYS,
                                      "AUDIT_HMAC_KEY_ID": AUDIT_KEY_ID})


def migrate(app) -> float:
    import flask_migrate

    started = time.perf_counter()
    with app.app_context():
        flask_migrate.upgrade()
    return time.perf_counter() - started


def generate(database: ScratchDatabase, scale: str, workdir: Path) -> Dataset:
    """``flask demo generate`` into the scratch database; its --report-json figures come back."""
    report_path = workdir / "generate.json"
    database.checkpoint()
    seconds = run_logged(
        [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "demo", "generate", "--scale", scale,
         "--municipality", MUNICIPALITY, "--seed", str(SEED), "--no-progress", "--report-json", str(report_path)],
        workdir / "generate.log", flask_env(database), "flask demo generate")
    report = json.loads(report_path.read_text())
    report["seconds_process"] = seconds
    return Dataset(scale=scale, municipality=MUNICIPALITY, report=report)


def create_officers(app, dataset: Dataset) -> None:
    """A case officer and a housing officer of the generated municipality, each with a token.

    Through the auth services (what ``flask user create`` and ``token issue`` call), in
    this process rather than four CLI starts.
    """
    from service.auth import services as auth
    from service.extensions import db

    with app.app_context():
        auth.create_user(dataset.municipality, CASE_OFFICER, "case_officer", display_name="Bench case officer")
        auth.create_user(dataset.municipality, HOUSING_OFFICER, "housing_officer",
                         display_name="Bench housing officer")
        dataset.case_officer_token = auth.issue_token(CASE_OFFICER)[1]
        dataset.housing_officer_token = auth.issue_token(HOUSING_OFFICER)[1]
        db.session.commit()
        db.engine.dispose()


def describe(database: ScratchDatabase, dataset: Dataset) -> None:
    """Rows per generated table, the ids the load tests pick from, the waiting needs."""
    with database.connect() as conn:
        dataset.municipality_id = str(conn.execute("SELECT id FROM municipalities WHERE number = %s",
                                                   (dataset.municipality,)).fetchone()[0])
        mid = dataset.municipality_id
        for table in dataset.report["tables"]:
            dataset.table_rows[table] = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        dataset.person_ids = [str(r[0]) for r in conn.execute(
            "SELECT id FROM persons WHERE municipality_id = %s ORDER BY id", (mid,))]
        dataset.unit_ids = [str(r[0]) for r in conn.execute(
            "SELECT id FROM housing_units WHERE municipality_id = %s AND status <> 'unavailable' ORDER BY label, id",
            (mid,))]
        dataset.waiting_needs = conn.execute(  # waiting now, as housing.needs.waiting_clause says
            "SELECT count(*) FROM housing_needs WHERE municipality_id = %s AND (status = 'waiting' "
            "OR (status = 'parked' AND parked_until <= (now() AT TIME ZONE 'Europe/Oslo')::date))",
            (mid,)).fetchone()[0]
        conn.execute("ANALYZE")
    if not dataset.person_ids:
        raise BenchError("the generator wrote no persons")
