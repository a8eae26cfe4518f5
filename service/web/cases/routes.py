"""Henvendelser og vedtak: the allocation office's referral and decision pages.

Each action is its API route as a form: the same service function, the body read by the same
schema (service.web.forms), the page's ``version`` in place of If-Match. What the service
refuses is shown on the page the user came from, with what they typed kept: a field's error
beside the field (422), a stale version as "Changed by someone else" (412), a state the action
does not fit above the form (409). Nothing here decides a rule; the page only offers the forms a
record's state makes sense for (the state itself, like every deadline, is the service's).
"""

from __future__ import annotations

import uuid

from flask import redirect, render_template, request, url_for

from service.auth.policy import WEB
from service.catalogue import services as catalogue
from service.common import clock
from service.common.i18n import _
from service.decisions import appeals, notification, renewals
from service.decisions import services as decisions
from service.decisions.models import APPEAL_STATUSES, NOTIFICATION_CHANNELS, OUTCOMES
from service.decisions.schemas import (
    AppealCreateSchema,
    AppealSchema,
    AppealStatusSchema,
    DecideSchema,
    DecisionCreateSchema,
    DecisionSchema,
    DecisionUpdateSchema,
    DiscardSchema,
    NotifySchema,
    RenewSchema,
)
from service.provider_units import services as provider_units
from service.referrals import services as referrals
from service.referrals.models import CHANNELS, SOURCES, URGENCIES
from service.referrals.schemas import PreliminaryReplySchema, ReferralCreateSchema, ReferralSchema
from service.web.blueprint import may, web_blueprint
from service.web.forms import Posted, read, submit, typed, version

blp = web_blueprint("web_cases", __name__, "/cases")

REFERRAL_FIELDS = ("received_on", "source", "channel", "requested_services", "urgency", "summary")
DECISION_FIELDS = ("service_code", "legal_basis", "outcome", "hours_per_week", "valid_from", "valid_to",
                   "provider_unit", "reasoning")
DECIMALS = ("hours_per_week",)


# --- what the forms offer -------------------------------------------------------------------

def _choices() -> dict:
    """The forms' lists as (value, text): the catalogue's services (with their default legal
    basis) and legal bases, the provider units, and the codes' labels."""
    bases = catalogue.list_legal_bases({})
    services = catalogue.list_services({"active": True})
    return {
        "service_names": {service.code: service.name_nb for service in catalogue.list_services({})},
        "service_options": [(service.code, _("%(name)s (default: %(basis)s)", name=service.name_nb,
                                             basis=service.default_legal_basis) if service.default_legal_basis
                             else service.name_nb) for service in services],
        "requested_options": [(service.code, service.name_nb) for service in services],
        "basis_names": {basis.code: f"{basis.name_nb} ({basis.law_reference})" for basis in bases},
        "basis_options": [(basis.code, f"{basis.name_nb} ({basis.law_reference})") for basis in bases],
        "unit_options": [(unit.name, unit.name) for unit in provider_units.list_units({"active": True})],
        "outcome_options": _labelled("decision_outcome", OUTCOMES),
        "source_options": _labelled("referral_source", SOURCES),
        "channel_options": _labelled("referral_channel", CHANNELS),
        "urgency_options": _labelled("referral_urgency", URGENCIES),
        "notification_options": _labelled("notification_channel", NOTIFICATION_CHANNELS),
    }


def _labelled(domain: str, codes) -> list[tuple[str, str]]:
    return [(code, _label(domain, code)) for code in codes]


# --- referrals -------------------------------------------------------------------------------

@blp.get("/referrals/new")
def new_referral():
    """The form of ``POST /referrals`` for a person (``?person_id=``)."""
    person_id = _uuid_arg("person_id")
    posted = Posted({"received_on": clock.today().isoformat(), "urgency": "routine"})
    return _referral_form(person_id, posted)


def _referral_form(person_id: uuid.UUID, posted: Posted, status: int = 200):
    from service.persons import services as persons

    person = persons.get_person(person_id)  # 404 for one the user may not see, as the API
    return render_template("cases/referral_new.html", person=person, posted=posted, **_choices()), status


@blp.post("/referrals")
def create_referral():
    person_id = _uuid_value(request.form.get("person_id", ""))
    posted = Posted(typed(request.form, REFERRAL_FIELDS, lists=("requested_services",)))
    referral = submit(posted, lambda: referrals.create_referral(
        read(ReferralCreateSchema(), {**posted.values, "person_id": str(person_id)})))
    if referral is None:
        return _referral_form(person_id, posted, posted.status)
    return redirect(url_for("web_cases.referral", referral_id=referral.id), 303)


@blp.get("/referrals/<uuid:referral_id>")
def referral(referral_id: uuid.UUID):
    return _referral_page(referral_id, Posted())


def _referral_page(referral_id: uuid.UUID, reply: Posted, status: int = 200):
    item = ReferralSchema().dump(referrals.get_referral(referral_id))
    answers, _total = decisions.list_decisions({"referral_id": referral_id}, 1, 50)
    if not reply.values:
        reply.values = {"sent_on": clock.today().isoformat()}
    return render_template("cases/referral.html", referral=item, reply=reply,
                           decisions=DecisionSchema(many=True).dump(answers), **_choices()), status


@blp.post("/referrals/<uuid:referral_id>/preliminary-reply")
def preliminary_reply(referral_id: uuid.UUID):
    posted = Posted(typed(request.form, ("sent_on", "reason", "expected_by")))
    done = submit(posted, lambda: referrals.preliminary_reply(
        referral_id, read(PreliminaryReplySchema(), posted.values), expected_version=version(request.form)))
    if done is None:
        return _referral_page(referral_id, posted, posted.status)
    return redirect(url_for("web_cases.referral", referral_id=referral_id), 303)


# --- decisions -------------------------------------------------------------------------------

@blp.get("/decisions/new")
def new_decision():
    """The form of ``POST /decisions`` (a draft): for a referral (``?referral_id=``) or a person."""
    referral_id = request.args.get("referral_id")
    values = {"outcome": "granted"}
    if referral_id:
        answered = referrals.get_referral(_uuid_value(referral_id))
        person_id = answered.person_id
        values.update(referral_id=str(answered.id), service_code=(answered.requested_services or [""])[0])
    else:
        person_id = _uuid_arg("person_id")
    values["person_id"] = str(person_id)
    return _decision_form(Posted(values))


def _decision_form(posted: Posted, status: int = 200):
    return render_template("cases/decision_new.html", posted=posted, **_choices()), status


@blp.post("/decisions")
def create_decision():
    posted = Posted(typed(request.form, (*DECISION_FIELDS, "person_id", "referral_id")))
    created = submit(posted, lambda: decisions.create_decision(
        read(DecisionCreateSchema(), posted.values, decimals=DECIMALS)))
    if created is None:
        return _decision_form(posted, posted.status)
    return redirect(url_for("web_cases.decision", decision_id=created.id), 303)


@blp.get("/decisions/<uuid:decision_id>")
def decision(decision_id: uuid.UUID):
    return _decision_page(decision_id)


def _decision_page(decision_id: uuid.UUID, form: str | None = None, posted: Posted | None = None, status: int = 200,
                   appeal_id: str | None = None):
    """The decision, its appeals and its history, with the forms its state takes; ``form`` names
    the one ``posted`` (refused) belongs to."""
    item = DecisionSchema().dump(decisions.get_decision(decision_id))
    appeal_rows = AppealSchema(many=True).dump(appeals.list_appeals(decision_id))
    today = clock.today().isoformat()
    forms = {
        "edit": Posted({name: _as_text(item.get(name)) for name in DECISION_FIELDS}),
        "decide": Posted({"decided_on": today}),
        "discard": Posted(),
        "notify": Posted({"notified_on": today, "sent_on": today, "channel": "letter"}),
        "appeal": Posted({"received_on": today}),
        "status": Posted({"on": today}),
        "fresh_status": Posted({"on": today}),  # the forms of the appeals other than one refused
    }
    if form is not None and posted is not None:
        forms[form] = posted
    return render_template(
        "cases/decision.html", decision=item, appeals=appeal_rows, forms=forms, failed_appeal=appeal_id,
        history=_history(item, appeal_rows), next_statuses=appeals.APPEAL_TRANSITIONS,
        renewable=item["state"] in renewals.RENEWABLE_STATES, appeal_statuses=APPEAL_STATUSES, **_choices()), status


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def _history(item: dict, appeal_rows: list[dict]) -> list[tuple[str, str]]:
    """What happened to the decision and its appeals, by day (the dates the records carry)."""
    events = [(item["created_at"][:10], _("Written as a draft"))]
    for day, text in (
        (item.get("decided_on"), _("Decided")),
        (item.get("discarded_at"), _("Discarded: %(reason)s", reason=item.get("discard_reason") or "")),
        (item.get("notification_sent_on"), _("Sent to the person")),
        (item.get("notified_on"), _("Reached the person; the appeal period runs from here")),
        (item.get("ended_on"), _("Ended: %(reason)s", reason=item.get("end_reason") or "")),
    ):
        if day:
            events.append((day, text))
    for appeal in appeal_rows:
        events.append((appeal["received_on"], _("Appeal received")))
        for day, status in ((appeal.get("reassessment_started_on"), "reassessing"),
                            (appeal.get("forwarded_on"), "forwarded")):
            if day:
                events.append((day, _("Appeal: %(status)s", status=_label("appeal_status", status))))
        if appeal.get("resolved_on"):
            events.append((appeal["resolved_on"], _("Appeal: %(status)s",
                                                    status=_label("appeal_status", appeal["status"]))))
    return sorted(events, key=lambda event: event[0])


def _label(domain: str, code: str) -> str:
    from service.common.i18n import label

    return label(domain, code, standalone=True)


def _decision_action(decision_id: uuid.UUID, form: str, names: tuple[str, ...], call, *, redirect_to=None):
    """A posted action on the decision: the decision page again, or its form with the refusal."""
    posted = Posted(typed(request.form, names))
    done = submit(posted, lambda: call(posted))
    if done is None:
        return _decision_page(decision_id, form, posted, posted.status, request.view_args.get("appeal_id") and
                              str(request.view_args["appeal_id"]))
    return redirect(redirect_to(done) if redirect_to else url_for("web_cases.decision", decision_id=decision_id), 303)


@blp.post("/decisions/<uuid:decision_id>/edit")
def edit_decision(decision_id: uuid.UUID):
    """``PATCH /decisions/{id}``: a draft's fields (an emptied field is cleared)."""
    def call(posted):
        data = read(DecisionUpdateSchema(), posted.values, decimals=DECIMALS)
        for name in ("hours_per_week", "valid_from", "valid_to", "provider_unit", "reasoning"):
            data.setdefault(name, None)
        return decisions.update_draft(decision_id, data, expected_version=version(request.form))

    return _decision_action(decision_id, "edit", DECISION_FIELDS, call)


@blp.post("/decisions/<uuid:decision_id>/decide")
def decide(decision_id: uuid.UUID):
    return _decision_action(decision_id, "decide", ("decided_on",), lambda posted: decisions.decide(
        decision_id, read(DecideSchema(), posted.values), expected_version=version(request.form)))


@blp.post("/decisions/<uuid:decision_id>/discard")
def discard(decision_id: uuid.UUID):
    return _decision_action(decision_id, "discard", ("reason",), lambda posted: decisions.discard(
        decision_id, read(DiscardSchema(), posted.values), expected_version=version(request.form)))


@blp.post("/decisions/<uuid:decision_id>/notify")
def notify(decision_id: uuid.UUID):
    return _decision_action(decision_id, "notify", ("notified_on", "sent_on", "channel"),
                            lambda posted: notification.notify(decision_id, read(NotifySchema(), posted.values),
                                                               expected_version=version(request.form)))


@blp.post("/decisions/<uuid:decision_id>/appeals")
def create_appeal(decision_id: uuid.UUID):
    return _decision_action(decision_id, "appeal", ("received_on", "sent_on", "summary"),
                            lambda posted: appeals.create_appeal(decision_id, read(AppealCreateSchema(), posted.values),
                                                                 expected_version=version(request.form)))


@blp.post("/decisions/<uuid:decision_id>/appeals/<uuid:appeal_id>/status")
def appeal_status(decision_id: uuid.UUID, appeal_id: uuid.UUID):
    return _decision_action(decision_id, "status", ("status", "on"), lambda posted: appeals.change_appeal_status(
        decision_id, appeal_id, read(AppealStatusSchema(), posted.values), expected_version=version(request.form)))


@blp.get("/decisions/<uuid:decision_id>/renew")
def renew_form(decision_id: uuid.UUID):
    """The renewal's form, filled in from the decision it renews (from the day after it ends)."""
    old = DecisionSchema().dump(decisions.get_decision(decision_id))
    values = {name: _as_text(old.get(name)) for name in DECISION_FIELDS}
    values.update(outcome="granted", valid_from="", valid_to="", decided_on="")
    return _renew_page(old, Posted(values))


def _renew_page(old: dict, posted: Posted, status: int = 200):
    return render_template("cases/renew.html", old=old, posted=posted, **_choices()), status


@blp.post("/decisions/<uuid:decision_id>/renew")
def renew(decision_id: uuid.UUID):
    posted = Posted(typed(request.form, (*DECISION_FIELDS, "decided_on")))
    created = submit(posted, lambda: renewals.renew(
        decision_id, read(RenewSchema(), posted.values, decimals=DECIMALS), expected_version=version(request.form)))
    if created is None:
        return _renew_page(DecisionSchema().dump(decisions.get_decision(decision_id)), posted, posted.status)
    return redirect(url_for("web_cases.decision", decision_id=created.id), 303)


# --- helpers ---------------------------------------------------------------------------------

def _uuid_arg(name: str) -> uuid.UUID:
    return _uuid_value(request.args.get(name, ""))


def _uuid_value(raw: str) -> uuid.UUID:
    from service.common.errors import NotFound

    try:
        return uuid.UUID(raw)
    except ValueError:
        raise NotFound(_("The page or the person does not exist, or is not one you may see.")) from None


@blp.app_template_global("may_register_referral")
def may_register_referral() -> bool:
    """For the person's page: whether to offer "Register a referral" (the policy table's answer)."""
    return may("GET", f"{WEB}/cases/referrals/new")


@blp.app_template_global("may_open_decision")
def may_open_decision() -> bool:
    """For the person's page: whether a decision's row links to its page (the policy table's answer)."""
    return may("GET", f"{WEB}/cases/decisions/<uuid:decision_id>")
