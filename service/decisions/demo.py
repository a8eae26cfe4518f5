"""Demo referrals, decisions and one appeal for ``demo seed`` (Kragerø-sized, deterministic).

Shaped like Kragerø's AMT in 2020 (plan section 4.1.1): of 136 service users, 80 have
mental-health services only, 43 substance services only and 13 both. Some decisions
expire soon, some are untimed, a few are refused, renewed or ended; the last persons
have referrals still waiting for an answer.
"""

from __future__ import annotations

import datetime as dt
import random

import sqlalchemy as sa

from service.common import clock
from service.decisions import appeals, notification, renewals
from service.decisions import services as decisions
from service.extensions import db
from service.persons.models import Person
from service.referrals import services as referrals

MENTAL_HEALTH_ONLY, SUBSTANCE_ONLY, BOTH = 80, 43, 13
SOURCES = ("gp", "gp", "gp", "dps", "dps", "self", "nav", "relative", "specialist")
HOME_UNIT = "Hjemmetjenesten"
HOUSING_UNIT = "Boligtjenesten"


def seed_cases(rng: random.Random, provider_unit: str) -> dict:
    today = clock.today()
    persons = list(db.session.scalars(sa.select(Person).order_by(Person.created_at, Person.id)))
    counts = {"referrals": 0, "decisions": 0, "appeals": 0}
    users = MENTAL_HEALTH_ONLY + SUBSTANCE_ONLY + BOTH
    for index, person in enumerate(persons[:users]):
        if index < MENTAL_HEALTH_ONLY:
            services = [rng.choice(["psykisk-helse-oppfolging"] * 4 + ["rask-psykisk-helsehjelp", "aktivitetstilbud"])]
        elif index < MENTAL_HEALTH_ONLY + SUBSTANCE_ONLY:
            services = [rng.choice(["rus-praktisk-bistand-opplaering", "rus-praktisk-bistand-opplaering",
                                    "rus-oppfolging"])]
        else:
            services = ["psykisk-helse-oppfolging", "rus-praktisk-bistand-opplaering"]
        if rng.random() < 0.12:
            services.append("bo-og-veiledning")
        if rng.random() < 0.06:
            services.append("kpr-15")
        for code in services:
            _grant(rng, person, code, provider_unit, today, counts)
    _refusal_with_appeal(rng, persons[0], today, counts)
    for person in persons[users:]:
        _open_referral(rng, person, today, counts)
    _promised_answer_late(persons[-1], today, counts)
    return counts


def _unit_for(code: str, provider_unit: str) -> str:
    return {"bo-og-veiledning": HOUSING_UNIT, "kpr-15": HOME_UNIT}.get(code, provider_unit)


def _hours(rng: random.Random, code: str):
    if code == "rask-psykisk-helsehjelp":
        return 1
    if code == "bo-og-veiledning":
        return rng.choice([4, 6, 8, 10])
    return rng.choice([1, 1.5, 2, 2, 3, 4])


def _grant(rng, person, code, provider_unit, today, counts) -> None:
    received = today - dt.timedelta(days=rng.randint(40, 700))
    referral = referrals.create_referral({
        "person_id": person.id, "received_on": received, "source": rng.choice(SOURCES),
        "channel": rng.choice(("electronic_message", "form", "letter", "phone")),
        "requested_services": [code], "urgency": "routine", "care_pathway": rng.choice((1, 2, 2, 3)),
    })
    counts["referrals"] += 1
    decided_on = received + dt.timedelta(days=rng.randint(5, 28))
    valid_from = decided_on + dt.timedelta(days=rng.randint(0, 7))
    roll = rng.random()
    if code == "rask-psykisk-helsehjelp":
        valid_to = valid_from + dt.timedelta(days=84)
    elif roll < 0.15:
        valid_to = None                                           # untimed: flagged
    elif roll < 0.35:
        valid_to = today + dt.timedelta(days=rng.randint(1, 60))  # expiring within the window
    elif roll < 0.5:
        valid_to = max(valid_from, today - dt.timedelta(days=rng.randint(1, 120)))  # expired (most renewed)
    else:
        valid_to = max(valid_from, today) + dt.timedelta(days=rng.randint(61, 365))
    decision = decisions.create_decision({
        "person_id": person.id, "referral_id": referral.id, "service_code": code,
        "hours_per_week": _hours(rng, code), "valid_from": valid_from, "valid_to": valid_to,
        "evaluate_by": valid_from + dt.timedelta(days=180) if valid_to is None else None,
        "provider_unit": _unit_for(code, provider_unit), "decided_on": decided_on,
        "reasoning": "Vurdert etter kartlegging av behov og ønsker.",
    })
    counts["decisions"] += 1
    notification.notify(decision.id, {"notified_on": min(decided_on + dt.timedelta(days=rng.randint(1, 4)), today)})
    if valid_to is not None and valid_to < today and code != "rask-psykisk-helsehjelp" and rng.random() < 0.7:
        renewals.renew(decision.id, {"valid_to": today + dt.timedelta(days=rng.randint(90, 365)),
                                     "decided_on": min(valid_to, today)})
        counts["decisions"] += 1
    elif valid_to is None and rng.random() < 0.1:
        decisions.end(decision.id, {"ended_on": today - dt.timedelta(days=rng.randint(1, 30)),
                                    "end_reason": "Målene i vedtaket er nådd"})


def _refusal_with_appeal(rng, person, today, counts) -> None:
    """A refusal appealed in time and in reassessment for more than four weeks (on the worklist)."""
    received = today - dt.timedelta(days=80)
    referral = referrals.create_referral({
        "person_id": person.id, "received_on": received, "source": "self", "channel": "form",
        "requested_services": ["kpr-3"], "summary": "Søker om brukerstyrt personlig assistanse"})
    refused = decisions.create_decision({
        "person_id": person.id, "referral_id": referral.id, "service_code": "kpr-3", "outcome": "refused",
        "decided_on": received + dt.timedelta(days=20),
        "reasoning": "Vilkårene i pasient- og brukerrettighetsloven § 2-1 d er ikke oppfylt."})
    notification.notify(refused.id, {"notified_on": received + dt.timedelta(days=22)})
    appeal = appeals.create_appeal(refused.id, {"received_on": received + dt.timedelta(days=40),
                                                  "summary": "Klager på avslag om BPA"})
    appeals.change_appeal_status(refused.id, appeal.id, {"status": "reassessing",
                                                           "on": received + dt.timedelta(days=41)})
    counts["referrals"] += 1
    counts["decisions"] += 1
    counts["appeals"] += 1


def _promised_answer_late(person, today, counts) -> None:
    """A referral whose preliminary reply promised an answer by a day now passed (on the worklist)."""
    referral = referrals.create_referral({
        "person_id": person.id, "received_on": today - dt.timedelta(days=50), "source": "dps",
        "channel": "electronic_message", "requested_services": ["rus-oppfolging"], "urgency": "routine"})
    referrals.preliminary_reply(referral.id, {
        "sent_on": today - dt.timedelta(days=25), "reason": "Venter på uttalelse fra DPS",
        "expected_by": today - dt.timedelta(days=3)})
    counts["referrals"] += 1


def _open_referral(rng, person, today, counts) -> None:
    received = today - dt.timedelta(days=rng.randint(2, 45))
    referral = referrals.create_referral({
        "person_id": person.id, "received_on": received, "source": rng.choice(SOURCES),
        "channel": "electronic_message", "requested_services": ["psykisk-helse-oppfolging"],
        "urgency": rng.choice(("routine", "routine", "urgent")), "care_pathway": rng.choice((1, 2, 3))})
    counts["referrals"] += 1
    if rng.random() < 0.6:
        referrals.start_assessment(referral.id, {"on": min(received + dt.timedelta(days=2), today)})
    if referral.answer_due_on <= today + dt.timedelta(days=7) and rng.random() < 0.5:
        referrals.preliminary_reply(referral.id, {
            "sent_on": today, "reason": "Venter på opplysninger fra fastlege",
            "expected_by": today + dt.timedelta(days=21)})
