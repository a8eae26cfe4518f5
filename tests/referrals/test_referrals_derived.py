"""``reply_overdue`` is derived by the database on the day of the answer (``query_expression``):
every answer shape carries it as a boolean, it follows the clock without a write, and a
referral already in the session is loaded anew rather than answered stale or null."""

from __future__ import annotations

import uuid

from service.common.tenancy import tenant_scope
from service.extensions import db
from service.referrals import services
from service.referrals.models import Referral
from tests.helpers import at, ok

API = "/api/v1/referrals"


def _overdue(body: dict) -> bool:
    assert isinstance(body["reply_overdue"], bool), body  # never null: a load path forgot the expression
    return body["reply_overdue"]


def _overview_referrals(caller, person_id: str) -> dict:
    return {r["id"]: r for r in ok(caller.get(f"/api/v1/persons/{person_id}/overview"))["referrals"]}


def test_every_answer_carries_reply_overdue(case_officer, env, town, person, new_referral):
    """Received 20 January, due 20 February, today 3 March: overdue until a preliminary reply or closing."""
    referral = new_referral(received_on="2026-01-20")
    assert _overdue(referral) is True  # POST
    url = f"{API}/{referral['id']}"
    assert _overdue(ok(case_officer.get(url))) is True
    assert [_overdue(r) for r in ok(case_officer.get(API))] == [True]
    patched = ok(case_officer.patch(url, json={"summary": "Ny opplysning"}, headers={"If-Match": '"v1"'}))
    assert _overdue(patched) is True
    assert _overdue(ok(case_officer.post(f"{url}/start-assessment", json={}))) is True
    colleague = env.caller("case_officer", town)
    assert _overdue(ok(case_officer.post(f"{url}/assign", json={"user_id": str(colleague.user_id)}))) is True
    assert _overdue(_overview_referrals(case_officer, person["id"])[referral["id"]]) is True
    replied = ok(case_officer.post(f"{url}/preliminary-reply", json={
        "sent_on": "2026-02-18", "reason": "Venter på epikrise", "expected_by": "2026-03-20"}))
    assert _overdue(replied) is False  # the answer of the write is derived after it
    assert _overdue(ok(case_officer.get(url))) is False

    withdrawn = new_referral(received_on="2026-01-20")
    assert _overdue(ok(case_officer.post(f"{API}/{withdrawn['id']}/withdraw", json={"on": "2026-03-02"}))) is False
    forwarded = new_referral(received_on="2026-01-20")
    assert _overdue(ok(case_officer.post(f"{API}/{forwarded['id']}/forward",
                                         json={"to": "DPS", "on": "2026-03-02"}))) is False
    assert {r["id"]: _overdue(r) for r in ok(case_officer.get(API))} == {
        referral["id"]: False, withdrawn["id"]: False, forwarded["id"]: False}


def test_deciding_the_referral_ends_the_overdue_answer(case_officer, new_referral, new_decision):
    referral = new_referral(received_on="2026-01-20")
    assert referral["reply_overdue"] is True
    new_decision(referral_id=referral["id"], decided_on="2026-03-02", valid_from="2026-03-02")
    body = ok(case_officer.get(f"{API}/{referral['id']}"))
    assert body["status"] == "decided" and _overdue(body) is False


def test_reply_overdue_follows_the_clock_without_a_write(case_officer, person, new_referral, frozen_clock):
    referral = new_referral(received_on="2026-02-10")  # due 10 March; today 3 March
    url = f"{API}/{referral['id']}"
    assert _overdue(referral) is False
    frozen_clock.set(at("2026-03-10"))  # the due day itself is not overdue
    assert _overdue(ok(case_officer.get(url))) is False
    frozen_clock.set(at("2026-03-11"))
    body = ok(case_officer.get(url))
    assert _overdue(body) is True and body["version"] == referral["version"]  # nothing was written
    assert [_overdue(r) for r in ok(case_officer.get(API))] == [True]
    assert _overdue(_overview_referrals(case_officer, person["id"])[referral["id"]]) is True


def test_a_referral_already_in_the_session_is_derived_anew(app, new_referral, frozen_clock):
    """The identity map: a row loaded without the expression, or on another day, is populated anew."""
    referral = new_referral(received_on="2026-02-10")
    referral_id = uuid.UUID(referral["id"])
    with app.app_context():
        municipality_id = db.session.get(Referral, referral_id).municipality_id
        with tenant_scope(municipality_id):
            plain = db.session.get(Referral, referral_id)  # no expression: null
            assert plain.reply_overdue is None
            loaded = services.load(referral_id)
            assert loaded is plain and loaded.reply_overdue is False
            frozen_clock.set(at("2026-03-11"))
            assert services.load(referral_id).reply_overdue is True
            assert [r.reply_overdue for r in services.open_referrals_of(loaded.person_id)] == [True]
