"""Housing matching benchmarks (issue 5): run against PostgreSQL.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test_housing \
        .venv/bin/python bench/housing_bench.py [--needs 5000] [--units 1000]

WARNING: drops and recreates the public schema of the database it is given.

Measures, through the real HTTP stack (auth, policy, tenant scoping, audit):
* GET /housing/units/{id}/candidates with N waiting needs  (target < 100 ms)
* POST /housing/allocation-proposal with U units x N needs   (target < 3 s)
and, in the same run, two baselines to express them as ratios:
* a raw SQL select of the N needs (the unavoidable load cost);
* a bare Flask endpoint round-trip through the test client.
Writes bench/results/housing.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

import flask
import flask_migrate
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service import create_app  # noqa: E402
from service.auth import services as auth  # noqa: E402
from service.common.clock import set_clock  # noqa: E402
from service.extensions import db  # noqa: E402
from service.housing.models import (  # noqa: E402
    HOUSING_SITUATIONS,
    NEED_CATEGORIES,
    HousingNeed,
    HousingUnit,
)
from service.housing.rules import derive_risk_class  # noqa: E402
from service.persons.models import Person  # noqa: E402

NOW = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.timezone.utc)
GREEN = ["smoke_detector", "fire_extinguisher"]
YELLOW = GREEN + ["enhanced_fire_safety", "water_leak_protection", "stove_guard", "systematic_supervision"]
RED = YELLOW + ["direct_fire_alarm", "robust_materials", "reinforced_windows_doors", "concealed_installations",
                "external_technical_room"]
DISTRICTS = ("Sentrum", "Sannidal", "Helle", "Skåtøy", "Levangsheia", "Farsjø")
CATEGORY_DEFAULTS = {
    "ordinary": ("green", "none"), "care_home_staffed": ("yellow", "round_the_clock"),
    "robust_supervised": ("red", "supervision"), "robust_staff_base": ("red", "staff_base"),
    "training_flat": ("green", "none"), "aftercare": ("green", "none"),
}


def timed(fn, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def populate(app, n_needs: int, n_units: int, seed: int = 5) -> tuple[str, uuid.UUID]:
    rng = random.Random(seed)
    with app.app_context():
        municipality = auth.create_municipality("9901", "Benchkommune")
        auth.create_user("9901", "bench-housing", "housing_officer")
        _, token = auth.issue_token("bench-housing")
        db.session.commit()
        mid = municipality.id
        now = NOW
        persons, needs, units = [], [], []
        for i in range(n_needs):
            pid = uuid.uuid4()
            persons.append(dict(id=pid, municipality_id=mid, created_at=now, updated_at=now, version=1,
                                national_id=None, national_id_missing_reason="benchmark person",
                                name=f"Person {i}", birth_date=dt.date(1980, 1, 1) + dt.timedelta(days=i % 9000),
                                has_minor_children="unknown"))
            category = rng.choices(NEED_CATEGORIES, weights=(50, 10, 8, 8, 12, 12))[0]
            cls, staffing = CATEGORY_DEFAULTS[category]
            active = category in ("robust_supervised", "robust_staff_base") and rng.random() < 0.7
            needs.append(dict(
                id=uuid.uuid4(), municipality_id=mid, created_at=now, updated_at=now, version=1, person_id=pid,
                registered_on=dt.date(2026, 3, 3) - dt.timedelta(days=rng.randint(0, 900)), category=category,
                required_risk_class=cls, required_staffing=staffing, active_substance_use=active,
                requires_substance_free=(category == "training_flat"),
                housing_situation=rng.choice(HOUSING_SITUATIONS), urgency=rng.choice(("normal", "normal", "high", "acute")),
                needed_by=(dt.date(2026, 3, 3) + dt.timedelta(days=rng.randint(-30, 200))) if rng.random() < 0.3 else None,
                preferred_areas=rng.sample(DISTRICTS, rng.randint(0, 2)),
                avoid_person_ids=[], status="waiting"))
        for need in rng.sample(needs, max(1, n_needs // 50)):  # 2 % have co-location conflicts
            need["avoid_person_ids"] = [str(rng.choice(persons)["id"])]
        for i in range(n_units):
            unit_type = rng.choices(("ordinary_rental", "care_home", "staffed_complex", "training_flat",
                                     "aftercare_flat", "temporary"), weights=(55, 8, 12, 10, 10, 5))[0]
            staffing = {"staffed_complex": "staff_base", "care_home": "round_the_clock"}.get(unit_type, "none")
            features = rng.choices((GREEN, YELLOW, RED), weights=(60, 30, 10))[0]
            if features is RED and staffing == "none":
                staffing = "supervision"
            risk = derive_risk_class(features, staffing)
            units.append(dict(
                id=uuid.uuid4(), municipality_id=mid, created_at=now, updated_at=now, version=1,
                label=f"B-{i:05d}", complex=f"Kompleks {i // 8}" if unit_type in ("staffed_complex", "care_home") else None,
                district=rng.choice(DISTRICTS), unit_type=unit_type, features=features, derived_risk_class=risk,
                risk_class=risk, staffing=staffing, substance_free=unit_type == "training_flat",
                capacity=1, owner="municipality", status="available"))
        with db.engine.begin() as conn:
            conn.execute(sa.insert(Person.__table__), persons)
            conn.execute(sa.insert(HousingNeed.__table__), needs)
            conn.execute(sa.insert(HousingUnit.__table__), units)
            conn.exec_driver_sql("ANALYZE")
        return token, units[0]["id"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--needs", type=int, default=5000)
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test_housing")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        flask_migrate.upgrade()
    set_clock(app, NOW)
    token, unit_id = populate(app, args.needs, args.units)
    headers = {"Authorization": f"Bearer {token}"}
    client = app.test_client()

    # Baseline 1: the raw SQL select of every waiting need (columns matching uses).
    def raw_select():
        with app.app_context(), db.engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT id, person_id, registered_on, category, required_risk_class, required_staffing, "
                "active_substance_use, requires_substance_free, housing_situation, urgency, needed_by, "
                "preferred_areas, avoid_person_ids FROM housing_needs WHERE status = 'waiting'").all()
            assert len(rows) == args.needs

    # Baseline 2: a bare Flask endpoint round-trip through the test client.
    bare = flask.Flask("bare")
    bare.add_url_rule("/ping", "ping", lambda: {"ok": True})
    bare_client = bare.test_client()

    def bare_round_trip():
        assert bare_client.get("/ping").status_code == 200

    def candidates():
        response = client.get(f"/api/v1/housing/units/{unit_id}/candidates", headers=headers)
        assert response.status_code == 200, response.get_json()

    def proposal():
        response = client.post("/api/v1/housing/allocation-proposal", json={}, headers=headers)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    for fn in (raw_select, bare_round_trip, candidates):
        fn()  # warm up
    raw = timed(raw_select, args.repeat)
    ping = timed(bare_round_trip, args.repeat * 10)
    cand = timed(candidates, args.repeat)
    answer = proposal()
    prop = timed(proposal, 3)

    med = statistics.median
    p95 = lambda xs: sorted(xs)[max(0, int(len(xs) * 0.95) - 1)]  # noqa: E731
    lines = [
        "# Housing benchmarks",
        "",
        f"Run {dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} on PostgreSQL "
        f"({engine.dialect.name}), Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f} at the end (the host may be shared; compare the ratios); "
        f"{args.needs} waiting needs, {args.units} available units, through the full HTTP stack "
        "(token auth, policy, tenant scoping, audit events written and committed).",
        "",
        "| measurement | median ms | p95 ms | target | ratio to raw SQL select | ratio to bare Flask round-trip |",
        "|---|---:|---:|---|---:|---:|",
        f"| baseline: raw SQL select of {args.needs} needs | {med(raw):.1f} | {p95(raw):.1f} | – | 1.0 | "
        f"{med(raw) / med(ping):.0f} |",
        f"| baseline: bare Flask endpoint round-trip | {med(ping):.2f} | {p95(ping):.2f} | – | "
        f"{med(ping) / med(raw):.3f} | 1.0 |",
        f"| GET /units/{{id}}/candidates among {args.needs} needs | {med(cand):.1f} | {p95(cand):.1f} | < 100 ms | "
        f"{med(cand) / med(raw):.1f} | {med(cand) / med(ping):.0f} |",
        f"| POST /allocation-proposal {args.units} units × {args.needs} needs | {med(prop):.0f} | {max(prop):.0f} | "
        f"< 3000 ms | {med(prop) / med(raw):.0f} | {med(prop) / med(ping):.0f} |",
        "",
        f"Proposal: {len(answer['pairs'])} pairs, {len(answer['unassigned_unit_ids'])} units without a feasible "
        f"need, total score {answer['total_score']}. Candidates answer lists the best "
        f"{app.config['HOUSING_CANDIDATES_LIMIT']} candidates and first {app.config['HOUSING_CANDIDATES_LIMIT']} "
        "excluded (each with an audit event); all needs are ranked.",
        "",
        "Reproduce: `BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/<db> "
        ".venv/bin/python bench/housing_bench.py` (drops the database's public schema).",
        "",
    ]
    out = ROOT / "bench" / "results" / "housing.md"
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
