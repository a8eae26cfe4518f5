"""GET /jobs, POST /jobs/{name}/run (the administrator's) and the CLI: ``jobs list``, ``jobs run``."""

from __future__ import annotations

import re

import sqlalchemy as sa

from service.extensions import db
from service.worklist.models import Flag
from tests.helpers import ok

API = "/api/v1"


def _referral_due(env, town, make_person):
    officer = env.caller("case_officer", town)
    person = make_person(officer, name="Jon Jobb")
    ok(officer.post(f"{API}/referrals", json={"person_id": person["id"], "received_on": "2026-02-10",
                                              "source": "gp", "channel": "letter"}), 201)
    return officer


def test_the_administrator_sees_each_jobs_schedule_next_run_and_last_runs(env, town):
    admin = env.caller("admin", town)
    jobs = {job["name"]: job for job in ok(admin.get(f"{API}/jobs"))}
    assert set(jobs) == {"deadlines", "offers", "monthly_snapshot"}
    assert jobs["deadlines"]["schedule"] == {"hour": 6, "minute": 0}
    assert jobs["deadlines"]["timezone"] == "Europe/Oslo"
    # now: 03.03.2026 10:00 in Oslo; next 06:00 Oslo is 05:00 UTC the next day
    assert jobs["deadlines"]["next_run_at"].startswith("2026-03-04T05:00:00")
    assert jobs["offers"]["next_run_at"].startswith("2026-03-03T09:05:00")
    assert jobs["monthly_snapshot"]["next_run_at"].startswith("2026-04-01T00:00:00")  # 02:00 summer time
    assert jobs["deadlines"]["scheduler"] in ("never_started", "running", "stopped")
    for role in ("case_officer", "housing_officer", "coordinator", "provider", "planner", "auditor"):
        assert env.caller(role, town).get(f"{API}/jobs").status_code == 403, role


def test_a_run_from_the_api_is_a_manual_run_for_the_callers_municipality_only(app, env, town, make_person):
    officer = _referral_due(env, town, make_person)
    elsewhere = env.municipality()
    other_officer = _referral_due(env, elsewhere, make_person)
    admin = env.caller("admin", town)
    run = ok(admin.post(f"{API}/jobs/deadlines/run", json={"as_of": "2026-03-03"}))
    assert (run["job"], run["trigger"], run["status"], run["period_key"]) == (
        "deadlines", "manual", "succeeded", "2026-03-03")
    assert run["counts"]["raised"] == {"referral_reply_due": 1}
    again = ok(admin.post(f"{API}/jobs/deadlines/run", json={"as_of": "2026-03-03"}))
    assert again["attempt"] == run["attempt"] + 1 and again["counts"]["raised"] == {}
    # the job ran as the system: the case officer sees the flag, the other municipality has none
    assert [item["kind"] for item in ok(officer.get(f"{API}/worklist"))] == ["referral_reply_due"]
    assert ok(other_officer.get(f"{API}/worklist")) == []
    # another municipality's administrator does not see this run
    other_admin = env.caller("admin", elsewhere)
    listed = {job["name"]: job for job in ok(other_admin.get(f"{API}/jobs"))}
    assert all(r["id"] not in (run["id"], again["id"]) for r in listed["deadlines"]["last_runs"])
    mine = {job["name"]: job for job in ok(admin.get(f"{API}/jobs"))}
    assert [r["attempt"] for r in mine["deadlines"]["last_runs"][:2]] == [again["attempt"], run["attempt"]]


def test_an_unknown_job_is_404_and_a_bad_date_422(env, town, problem):
    admin = env.caller("admin", town)
    problem(admin.post(f"{API}/jobs/nightly/run", json={}), 404)
    problem(admin.post(f"{API}/jobs/deadlines/run", json={"as_of": "03.03.2026"}), 422)


def test_the_monthly_snapshot_stores_the_previous_months_snapshot_once(env, town):
    admin = env.caller("admin", town)
    run = ok(admin.post(f"{API}/jobs/monthly_snapshot/run", json={"as_of": "2026-03-01"}))
    assert run["status"] == "succeeded" and run["period_key"] == "2026-02"
    assert run["counts"]["snapshots"] == {"stored": 1} and run["counts"]["version"] == "1"
    again = ok(admin.post(f"{API}/jobs/monthly_snapshot/run", json={"as_of": "2026-03-01"}))
    assert again["counts"]["snapshots"] == {"unchanged": 1}
    listed = ok(admin.get(f"{API}/reports/monthly"))
    assert [(s["period"], s["version"], s["trigger"]) for s in listed] == [("2026-02", 1, "scheduled")]


def test_cli_jobs_run_prints_what_it_raised_resolved_and_expired(app, cli, env, town, make_person):
    _referral_due(env, town, make_person)
    result = cli("jobs", "run", "deadlines", "--as-of", "2026-03-03", "--municipality", town)
    assert result.exit_code == 0, result.output
    assert "deadlines 2026-03-03 (manual, attempt" in result.output
    assert "raised 1 (referral_reply_due 1)" in result.output
    assert f"municipality {town}: raised 1, resolved 0" in result.output
    with app.app_context():
        from service.auth.services import get_municipality_by_number

        raised = db.session.execute(sa.select(Flag.kind, Flag.raised_on).where(
            Flag.municipality_id == get_municipality_by_number(town).id)).all()
    assert [(kind, on.isoformat()) for kind, on in raised] == [("referral_reply_due", "2026-03-03")]
    offers = cli("jobs", "run", "offers", "--as-of", "2026-03-03", "--municipality", town)
    assert offers.exit_code == 0 and "expired 0" in offers.output, offers.output
    snapshot = cli("jobs", "run", "monthly_snapshot")
    assert snapshot.exit_code == 0 and re.search(r"snapshots (\d+) \(stored \1\)", snapshot.output), snapshot.output
    unknown = cli("jobs", "run", "deadlines", "--municipality", "0000")
    assert unknown.exit_code != 0
    assert cli("jobs", "run", "nightly").exit_code != 0


def test_cli_jobs_list_shows_schedules_and_last_runs(cli, env, town):
    cli("jobs", "run", "monthly_snapshot")
    listed = cli("jobs", "list")
    assert listed.exit_code == 0, listed.output
    assert "deadlines:" in listed.output and "schedule: hour=6, minute=0 (Europe/Oslo)" in listed.output
    assert "next run: 2026-03-04T06:00:00+01:00" in listed.output
    assert "monthly_snapshot 2026-02 (manual, attempt" in listed.output
