import marshmallow as ma
from marshmallow import validate

from service.common.fields import Date, Label
from service.jobs.models import RUN_STATUSES, TRIGGERS


class JobRunSchema(ma.Schema):
    id = ma.fields.UUID(dump_only=True)
    job = ma.fields.String(dump_only=True)
    period_key = ma.fields.String(dump_only=True, metadata={
        "description": "the period the run is for: a date (deadlines), a UTC hour (offers), a month"})
    trigger = ma.fields.String(dump_only=True, validate=validate.OneOf(TRIGGERS))
    trigger_label = Label("job_trigger", attribute="trigger")
    attempt = ma.fields.Integer(dump_only=True)
    as_of = Date(dump_only=True)
    status = ma.fields.String(dump_only=True, validate=validate.OneOf(RUN_STATUSES))
    status_label = Label("job_run_status", attribute="status")
    started_at = ma.fields.DateTime(dump_only=True)
    finished_at = ma.fields.DateTime(dump_only=True, allow_none=True)
    counts = ma.fields.Dict(dump_only=True, metadata={
        "description": "the caller's municipality's part: raised and resolved per flag kind, expired, rerouted, "
                       "unchanged (flag kinds not evaluated again: nothing they read had changed)"})
    error = ma.fields.String(dump_only=True, allow_none=True)


class JobSchema(ma.Schema):
    name = ma.fields.String(dump_only=True)
    summary = ma.fields.String(dump_only=True)
    schedule = ma.fields.Dict(dump_only=True, metadata={"description": "APScheduler cron fields"})
    timezone = ma.fields.String(dump_only=True)
    next_run_at = ma.fields.DateTime(dump_only=True, allow_none=True)
    scheduler = ma.fields.String(dump_only=True, metadata={
        "description": "the scheduler process: running, stopped or never_started (its heartbeat)"})
    last_runs = ma.fields.List(ma.fields.Nested(JobRunSchema), dump_only=True)


class RunJobSchema(ma.Schema):
    as_of = Date(metadata={"description": "replay the job as on this day (default today, Europe/Oslo)"})
