"""Tilgangslogg: the auditor's review of who read what.

The pages are the API's audit reads in HTML, through the same services and answer schemas: a
person's access log (``GET /persons/{id}/access-log``: ``services.access_log``), the emergency
openings (``GET /audit/emergency-access``: ``review.emergency_openings``) and the month's random
sample with the accesses outside the row rule (``GET /audit/sample``: ``review.sample``); a review
of one event is ``POST /audit/reviews`` (``review.create_review``, audited as the API's). Each of
those records the auditor's own read, as the API does.

Finding the person whose log to read has no API route: the auditor reads no person rows through
the persons feature (its search would find nobody), so ``service/audit/lookup.py`` searches the
municipality's persons for the log, by name or national id, both posted (a national id is never in
a URL), each person named an audited read.
"""

from __future__ import annotations

import datetime as dt
import uuid

import marshmallow as ma
from flask import redirect, render_template, request, url_for
from flask_babel import format_date

from service.audit import lookup, review, services
from service.audit.review_models import FINDINGS
from service.audit.review_schemas import (
    EmergencyOpeningSchema,
    ReviewCreateSchema,
    SampleQuerySchema,
    SampleSchema,
)
from service.audit.schemas import AuditEventSchema
from service.auth.services import user_names
from service.common import clock
from service.common.errors import translate_library_messages
from service.common.i18n import format_day, label
from service.web.audit.details import in_words
from service.web.blueprint import page_number, web_blueprint
from service.web.forms import Posted, read, submit, typed

blp = web_blueprint("web_audit", __name__, "/audit")

PAGE_SIZE = 50
# How many persons a name search shows; more: write more of the name.
FOUND_LIMIT = 50
# The months the sample page offers: this one and the year before it.
MONTHS_OFFERED = 13


@blp.app_template_filter("moment")
def moment(value) -> str:
    """An instant as the municipality's clock showed it: dd.mm.åååå hh:mm (Europe/Oslo)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=clock.UTC)
    local = value.astimezone(clock.local_timezone())
    return f"{format_day(local.date())}\u00a0{local:%H:%M}"  # no break between the day and the time


def _pages(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


def _events(events: list[dict]) -> list[dict]:
    """The answer's events, each with its detail in words."""
    for event in events:
        event["detail_text"] = in_words(event.get("detail"), event.get("object_type"))
    return events


# --- finding the person ------------------------------------------------------------------------

def _start(posted: Posted | None = None, *, found=None, total=0, searched=False, status=200):
    posted = posted or Posted()
    return render_template("audit/start.html", form=posted, found=found, total=total, searched=searched,
                           limit=FOUND_LIMIT), status


@blp.get("")
def start():
    """The area's start: find a person's access log; the emergency openings and the month's sample."""
    return _start()


@blp.post("/persons")
def find_person():
    """A posted name or national id; one person found by the number goes straight to the log (the
    address then holds the person's id, never the number)."""
    by_number = "national_id" in request.form
    posted = Posted(typed(request.form, ("national_id",) if by_number else ("name",)))
    if by_number:
        found = submit(posted, lambda: lookup.find_by_national_id(posted.value("national_id")))
        posted.values["national_id"] = ""  # the number is not shown back on the page
        if found is None:
            return _start(posted, status=posted.status)
        if len(found) == 1:
            return redirect(url_for("web_audit.access_log", person_id=found[0].id), 303)
        return _start(posted, found=found, total=len(found), searched=True)
    answer = submit(posted, lambda: lookup.find_by_name(posted.value("name"), FOUND_LIMIT))
    if answer is None:
        return _start(posted, status=posted.status)
    found, total = answer
    return _start(posted, found=found, total=total, searched=True)


# --- the person's access log -------------------------------------------------------------------

@blp.get("/persons/<uuid:person_id>")
def access_log(person_id: uuid.UUID):
    """Every read and write of the person's data, newest first: who, when, what, and why."""
    person = lookup.subject(person_id)
    page = page_number()
    items, total = services.access_log(person_id, page, PAGE_SIZE)
    return render_template("audit/access_log.html", person=person, events=_events(AuditEventSchema(many=True)
                                                                                    .dump(items)),
                           total=total, page=page, pages=_pages(total))


# --- emergency openings ------------------------------------------------------------------------

@blp.get("/emergency-access")
def emergency_access():
    """Every emergency opening, newest first: who opened whom, when, why, until when, how many reads."""
    page = page_number()
    items, total = review.emergency_openings({}, page, PAGE_SIZE)
    openings = EmergencyOpeningSchema(many=True).dump(items)
    return render_template("audit/emergency.html", openings=openings,
                           persons=lookup.names(o["person_id"] for o in openings),
                           total=total, page=page, pages=_pages(total))


# --- the month's sample, and reviews -----------------------------------------------------------

def _months() -> list[tuple[str, str]]:
    """(YYYY-MM, the month in words), this month first."""
    today = clock.today()
    months = []
    year, month = today.year, today.month
    for _i in range(MONTHS_OFFERED):
        months.append((f"{year:04d}-{month:02d}", format_date(dt.date(year, month, 1), "LLLL y")))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


def _last_month() -> str:
    """The default: the month that ended last (its sample no longer changes)."""
    first = clock.today().replace(day=1)
    return (first - dt.timedelta(days=1)).strftime("%Y-%m")


@blp.get("/sample")
def sample(period: str | None = None, event_id: str | None = None, posted: Posted | None = None):
    """The month's random sample of person accesses to review, and its accesses outside the row rule;
    each with its review, or a form to record one. ``posted``: a refused review of ``event_id``."""
    chosen = Posted({"period": period or request.args.get("period") or _last_month()})
    months = dict(_months())
    page = {"chosen": chosen, "months": list(months.items()), "answer": None, "forms": {}, "persons": {},
            "reviewers": {}, "refused": posted, "period_text": months.get(chosen.value("period"), chosen.value("period")),
            "finding_options": [(code, label("audit_review_finding", code, standalone=True)) for code in FINDINGS]}
    if chosen.value("period") not in months:
        page["months"].append((chosen.value("period"), chosen.value("period")))
    try:
        query = SampleQuerySchema().load({"period": chosen.value("period")})
    except ma.ValidationError as error:
        chosen.errors = translate_library_messages({k: list(v) for k, v in error.messages.items()})
        return render_template("audit/sample.html", **page), 422
    answer = SampleSchema().dump(review.sample(query["period"], query["n"]))
    events = answer["sample"] + answer["outside_rule"]
    _events(events)
    forms = {event["id"]: Posted({"finding": "ok"}) for event in events if event["review"] is None}
    status = posted.status if posted is not None else 200
    if posted is not None and event_id in forms:
        forms[event_id] = posted
    page.update(answer=answer, forms=forms, persons=lookup.names(e["person_id"] for e in events),
                reviewers=user_names(e["review"]["reviewed_by"] for e in events if e["review"]))
    return render_template("audit/sample.html", **page), status


@blp.post("/reviews")
def create_review():
    """The auditor's review of one event (``POST /audit/reviews``); back to the month's sample."""
    posted = Posted(typed(request.form, ("finding", "note")))
    event_id = request.form.get("event_id", "").strip()  # the row's, not typed
    period = request.form.get("period", "").strip() or None
    done = submit(posted, lambda: review.create_review(read(ReviewCreateSchema(),
                                                            {**posted.values, "event_id": event_id})))
    if done is None:
        return sample(period, event_id, posted)
    return redirect(url_for("web_audit.sample", period=period, _anchor=f"event-{event_id}"), 303)
