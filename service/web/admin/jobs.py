"""The jobs: each one's schedule (the scheduler's registry), its last runs with what they did, and a
run now for a day (``GET /jobs`` and ``POST /jobs/{name}/run``, through the same service).

A run's counts are the administrator's municipality's part only, as the API answers them: how many
flags of each kind were raised and resolved, offers expired, snapshots stored. No person is named.
"""

from __future__ import annotations

import datetime as dt

from flask import redirect, render_template, request, url_for

from service.common import clock
from service.common.i18n import _, format_day, label
from service.jobs import services as jobs_service
from service.jobs.schemas import JobSchema, RunJobSchema
from service.web.admin.routes import blp
from service.web.forms import Posted, read, submit, typed


def _when(value: str | None) -> str:
    """An instant the schema dumps (ISO, UTC) as the local day and time."""
    if not value:
        return ""
    moment = dt.datetime.fromisoformat(value).astimezone(clock.local_timezone())
    return f"{format_day(moment.date())} {moment:%H:%M}"


def _schedule(cron: dict) -> str:
    """The cron fields in words for the three shapes the jobs use; the fields as they are otherwise."""
    fields = {key: str(value) for key, value in cron.items()}
    hour, minute = fields.get("hour", ""), fields.get("minute", "0")
    at = f"{int(hour):02d}:{int(minute):02d}" if hour.isdigit() and minute.isdigit() else None
    if set(fields) == {"minute"} and minute.isdigit():
        return _("Every hour, %(minute)s minutes past", minute=minute)
    if set(fields) <= {"hour", "minute"} and at:
        return _("Every day at %(time)s", time=at)
    if set(fields) <= {"day", "hour", "minute"} and at and fields.get("day", "").isdigit():
        return _("On day %(day)s of every month at %(time)s", day=fields["day"], time=at)
    return ", ".join(f"{key}={value}" for key, value in fields.items())


def _counts(counts: dict) -> list[str]:
    """What a run did, one phrase per kind of count (the flag kinds and build outcomes by label)."""
    phrases = []
    for key, text, domain in (("raised", _("Flags raised"), "flag_kind"),
                              ("resolved", _("Flags resolved"), "flag_kind"),
                              ("snapshots", _("Report snapshots"), "report_build_status")):
        by_kind = counts.get(key)
        if isinstance(by_kind, dict):
            detail = ", ".join(f"{label(domain, kind)} {n}" for kind, n in sorted(by_kind.items()))
            phrases.append(f"{text}: {sum(n for n in by_kind.values() if isinstance(n, int))}"
                           + (f" ({detail})" if detail else ""))
    for key, text in (("expired", _("Offers expired")), ("rerouted", _("Flags handed over")),
                      ("unchanged", _("Flag kinds left as they were (nothing they read had changed)")),
                      ("changed_cells", _("Cells changed"))):
        if isinstance(counts.get(key), int) and (counts[key] or key != "unchanged"):  # no kind left: nothing to say
            phrases.append(f"{text}: {counts[key]}")
    for key in ("text", "error"):
        if isinstance(counts.get(key), str):
            phrases.append(counts[key])
    return phrases


@blp.get("/jobs")
def jobs(failed: str | None = None, posted: Posted | None = None):
    """Every job, and the run-now form of each (``failed`` names the one ``posted`` belongs to)."""
    rows = JobSchema(many=True).dump(jobs_service.list_jobs())
    today = clock.today().isoformat()
    forms = {row["name"]: Posted({"as_of": today}) for row in rows}
    if failed in forms and posted is not None:
        forms[failed] = posted
    ran = request.args.get("ran", "")
    for row in rows:
        row["schedule_text"] = _schedule(row["schedule"])
        for run in row["last_runs"]:
            run["started"], run["finished"] = _when(run["started_at"]), _when(run["finished_at"])
            run["did"] = _counts(run["counts"])
            run["just_run"] = run["id"] == ran
        row["next_run"] = _when(row["next_run_at"])
    status = posted.status if posted is not None else 200
    return render_template("admin/jobs.html", jobs=rows, forms=forms, scheduler=rows[0]["scheduler"] if rows else None,
                           ran=ran), status


@blp.post("/jobs/<string:name>/run")
def run_job(name: str):
    """``POST /jobs/{name}/run``: the form is read by its schema; the run itself commits as it goes
    (the ledger's row first), so it is not run inside the form's savepoint. A failed run is a run:
    listed with its error."""
    posted = Posted(typed(request.form, ("as_of",)))
    data = submit(posted, lambda: read(RunJobSchema(), posted.values))
    if data is None:
        return jobs(name, posted)
    run = jobs_service.run_job(name, data)
    return redirect(url_for("web_admin.jobs", ran=str(run.id), _anchor=f"job-{name}"), 303)
