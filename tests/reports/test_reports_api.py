"""The reports API and CLI: who reads them, frozen versions with reasons, live tables, audit.

Today (the frozen clock) is 03.03.2026: February 2026 and the year 2025 have ended, March has not.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from service.audit.models import AuditEvent
from service.extensions import db
from service.reports.models import Snapshot
from tests.helpers import ok

API = "/api/v1/reports"
NON_READERS = ("case_officer", "housing_officer", "coordinator", "provider", "auditor")


def _cell(snapshot: dict, table: str, row: str, column: str) -> dict:
    found = next(t for t in snapshot["tables"] if t["key"] == table)
    i = [r["code"] for r in found["rows"]].index(row)
    j = [c["code"] for c in found["columns"]].index(column)
    return found["cells"][i][j]


def _serve_february(new_decision, make_person, n: int) -> None:
    for _ in range(n):
        person = make_person()
        new_decision(person_id=person["id"], valid_from="2026-01-01", valid_to="2026-12-31", decided_on="2025-12-15")


def test_only_the_planner_and_the_administrator_read_or_build_reports(env, town):
    for role in NON_READERS:
        caller = env.caller(role, town)
        assert caller.get(f"{API}/monthly").status_code == 403, role
        assert caller.get(f"{API}/live?period=2026-02").status_code == 403, role
        assert caller.post(f"{API}/monthly", json={"period": "2026-02"}).status_code == 403, role
    for role in ("planner", "admin"):
        assert ok(env.caller(role, town).get(f"{API}/monthly")) == []


def test_a_build_stores_version_1_then_nothing_until_the_tables_change_and_a_reason_is_given(
        env, town, new_decision, make_person, problem):
    planner = env.caller("planner", town)
    _serve_february(new_decision, make_person, 6)
    first = ok(planner.post(f"{API}/monthly", json={"period": "2026-02"}))
    assert first["status"] == "stored" and first["snapshot"]["version"] == 1 and first["snapshot"]["reason"] is None
    again = ok(planner.post(f"{API}/monthly", json={"period": "2026-02"}))
    assert again["status"] == "unchanged" and again["snapshot"]["version"] == 1 and again["changed"] == []
    # a decision registered late, decided in February: February's tables change
    _serve_february(new_decision, make_person, 1)
    refused = problem(planner.post(f"{API}/monthly", json={"period": "2026-02"}), 409)
    assert refused["type"].endswith("reason_required")
    second = ok(planner.post(f"{API}/monthly", json={"period": "2026-02", "reason": "Vedtak registrert etter frist"}))
    assert second["status"] == "stored" and second["snapshot"]["version"] == 2
    assert ["T1", "total", "on_last_day"] in second["changed"]
    listed = ok(planner.get(f"{API}/monthly"))
    assert [(s["period"], s["version"], s["reason"]) for s in listed] == [
        ("2026-02", 2, "Vedtak registrert etter frist"), ("2026-02", 1, None)]
    newest = ok(planner.get(f"{API}/monthly/2026-02"))
    older = ok(planner.get(f"{API}/monthly/2026-02.json?version=1"))
    assert (newest["version"], older["version"]) == (2, 1)
    assert _cell(newest, "T1", "total", "on_last_day") == {"value": 7, "hidden": False}
    assert _cell(older, "T1", "total", "on_last_day") == {"value": 6, "hidden": False}
    problem(planner.get(f"{API}/monthly/2026-02?version=9"), 404)
    problem(planner.get(f"{API}/monthly/2026-01"), 404)


def test_small_counts_are_hidden_and_zero_is_shown(env, town, new_decision, make_person):
    planner = env.caller("planner", town)
    _serve_february(new_decision, make_person, 3)  # three persons: a small count
    live = ok(planner.get(f"{API}/live?period=2026-02"))
    assert _cell(live, "T1", "total", "on_last_day") == {"value": None, "hidden": True}
    assert _cell(live, "T1", "institution", "on_last_day") == {"value": 0, "hidden": False}
    threshold = live["suppression_threshold"]
    assert threshold == 5
    for table in live["tables"]:
        units = [column["unit"] for column in table["columns"]]
        for row in table["cells"]:
            for unit, cell in zip(units, row, strict=True):
                if cell["hidden"]:
                    assert cell["value"] is None
                elif unit not in ("hours", "days", "percent") and cell["value"] is not None:
                    assert not 1 <= cell["value"] < threshold, (table["key"], cell)


def test_live_and_builds_refuse_a_period_that_has_not_ended_or_is_malformed(env, town, problem):
    planner = env.caller("planner", town)
    for period in ("2026-03", "2026", "2027-01"):
        problem(planner.get(f"{API}/live?period={period}"), 422)
        problem(planner.post(f"{API}/monthly", json={"period": period}), 422)
    for period in ("2026-13", "26-02", "2026-2", "februar"):
        problem(planner.get(f"{API}/live?period={period}"), 422)
    problem(planner.get(f"{API}/live"), 422)
    problem(planner.get(f"{API}/live?period=2026-02&day=2026-02-14"), 422)
    assert ok(planner.get(f"{API}/live?period=2025"))["period"] == "2025"


def test_every_read_of_a_report_is_an_audited_export(app, env, town):
    admin = env.caller("admin", town)
    ok(admin.post(f"{API}/monthly", json={"period": "2026-02"}))
    ok(admin.get(f"{API}/monthly/2026-02"))
    ok(admin.get(f"{API}/live?period=2026-01"))
    with app.app_context():
        events = db.session.execute(sa.select(AuditEvent.action, AuditEvent.object_type, AuditEvent.detail)
                                    .where(AuditEvent.object_type.in_(("report_snapshot", "report_live")))
                                    .order_by(AuditEvent.at)).all()
    assert [(e.action, e.object_type) for e in events] == [
        ("create", "report_snapshot"), ("export", "report_snapshot"), ("export", "report_live")]


def test_a_municipality_sees_only_its_own_snapshots(env, town):
    ok(env.caller("planner", town).post(f"{API}/monthly", json={"period": "2026-02"}))
    elsewhere = env.caller("planner", env.municipality())
    assert ok(elsewhere.get(f"{API}/monthly")) == []
    assert elsewhere.get(f"{API}/monthly/2026-02").status_code == 404


def test_a_snapshot_cannot_be_changed_or_deleted_in_the_database(app, env, town):
    ok(env.caller("planner", town).post(f"{API}/monthly", json={"period": "2026-02"}))
    with app.app_context():
        for statement in (sa.update(Snapshot).values(reason="rewritten"), sa.delete(Snapshot)):
            with pytest.raises(sa.exc.DatabaseError, match="immutable"):
                with db.session.begin_nested():
                    db.session.execute(statement)


def test_cli_reports_build_stores_says_unchanged_and_refuses_a_change_without_reason(
        cli, env, town, new_decision, make_person):
    built = cli("reports", "build", "--period", "2026-02", "--municipality", town)
    assert built.exit_code == 0 and f"{town}: 2026-02 stored as version 1" in built.output, built.output
    same = cli("reports", "build", "--period", "2026-02", "--municipality", town)
    assert same.exit_code == 0 and "unchanged — equal to version 1, nothing stored" in same.output
    _serve_february(new_decision, make_person, 5)
    refused = cli("reports", "build", "--period", "2026-02", "--municipality", town)
    assert refused.exit_code == 1 and "not stored" in refused.output
    stored = cli("reports", "build", "--period", "2026-02", "--municipality", town, "--reason", "Etterregistrering")
    assert stored.exit_code == 0 and "stored as version 2" in stored.output and "cells changed" in stored.output
    assert cli("reports", "build", "--period", "2026-03", "--municipality", town).exit_code == 1
