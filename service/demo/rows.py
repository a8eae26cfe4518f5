"""The rows of a synthetic municipality, built in memory from a seed (``demo generate``)."""

from __future__ import annotations

import datetime as dt
import decimal
import random
import types
import uuid
from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app

from service.catalogue.models import LegalBasis, ServiceType
from service.common import clock
from service.decisions.models import Appeal, Decision
from service.decisions.timeliness import apply_deadlines
from service.demo.proportions import (
    APPEAL_SHARE_GRANTED,
    APPEAL_SHARE_REFUSED,
    EVALUATE_BY_DAYS,
    EVALUATED_SHARE,
    FINAL_STATES,
    GREEN,
    GROUP_SERVICES,
    HOUSED_SHARE,
    IP_SERVICE,
    KRAGERO_NEED_GROUPS,
    KRAGERO_STOCK_PER_100,
    KRISTIANSUND_HOURS_2020,
    KRISTIANSUND_USERS_2020,
    NEED_ACCEPTS,
    OPEN_REFERRAL_SHARE,
    PERIOD_DAYS,
    PLAN_SHARE,
    RED,
    SECOND_SERVICE_SHARE,
    STAFFED_COMPLEXES,
    YELLOW,
    Scale,
)
from service.demo.seed import DISTRICTS, FAMILY, GIVEN
from service.extensions import db
from service.housing.models import HOMELESS_SITUATIONS, HousingNeed, HousingOffer, HousingUnit, Tenancy
from service.housing.rules import derive_risk_class
from service.persons.models import Person
from service.persons.national_id import generate_synthetic_national_id
from service.plans.models import IndividualPlan
from service.referrals.models import Referral
from service.referrals.services import answer_due_on

# Tables in insertion order, with the audit object type of their bulk event.
TABLES = (
    (Person, "person"), (Referral, "referral"), (Decision, "decision"), (Appeal, "appeal"),
    (IndividualPlan, "individual_plan"), (HousingUnit, "housing_unit"), (HousingNeed, "housing_need"),
    (HousingOffer, "housing_offer"), (Tenancy, "housing_tenancy"),
)


def _weighted(rng: random.Random, pairs: Iterable[tuple[str, float]]) -> str:
    names, weights = zip(*pairs, strict=True)
    return rng.choices(names, weights)[0]


class RowBuilder:
    def __init__(self, scale: Scale, municipality_id: uuid.UUID, seed: int, municipality_number: str):
        self.scale, self.municipality_id = scale, municipality_id
        # The rows come from ``seed`` alone; the ids also from the municipality number, so the
        # same seed gives the same rows in two municipalities of one database (primary keys
        # differ) and the same rows and ids in the same municipality of a fresh database.
        self.rng = random.Random(seed)
        self.id_rng = random.Random(f"{seed}:{municipality_number}")
        self.today = clock.today()
        self.now = clock.now()
        self.rows: dict[str, list[dict]] = {model.__table__.name: [] for model, _ in TABLES}
        self.bases = {b.code: b for b in db.session.scalars(
            sa.select(LegalBasis).where(LegalBasis.municipality_id == municipality_id))}
        self.services = {s.code: s for s in db.session.scalars(
            sa.select(ServiceType).where(ServiceType.municipality_id == municipality_id))}

    # --- helpers ------------------------------------------------------------------------

    def randint(self, low: int, high: int) -> int:
        """``low`` ≤ n ≤ ``high``, like ``Random.randint`` at a third of its cost (the
        generator draws millions of them; the result differs, the determinism does not)."""
        return low + int(self.rng.random() * (high - low + 1))

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.id_rng.getrandbits(128), version=4)

    def days_ago(self, low: int, high: int) -> dt.date:
        return self.today - dt.timedelta(days=self.randint(low, high))

    def row(self, table: str, **fields) -> dict:
        fields = {"id": self.uuid(), "municipality_id": self.municipality_id, "created_at": self.now,
                  "updated_at": self.now, "version": 1, **fields}
        self.rows[table].append(fields)
        return fields

    def build(self) -> dict[str, list[dict]]:
        persons = self.persons()
        users = persons[:self.scale.service_users]
        self.decisions(users)
        self.open_referrals(persons)
        self.plans(users)
        self.housing(persons)
        return self.rows

    # --- persons ------------------------------------------------------------------------

    def persons(self) -> list[dict]:
        serials: dict[dt.date, int] = {}
        result = []
        for _ in range(self.scale.persons):
            age = self.rng.choice((self.randint(16, 24), self.randint(25, 49), self.randint(25, 66),
                                   self.randint(50, 85)))
            birth = self.today - dt.timedelta(days=age * 365 + self.randint(0, 364))
            serial = serials.get(birth, 0)
            serials[birth] = serial + 1
            result.append(self.row(
                "persons", national_id=generate_synthetic_national_id(birth, serial),
                national_id_missing_reason=None, birth_date=birth,
                name=f"{self.rng.choice(GIVEN)} {self.rng.choice(FAMILY)}",
                sex=self.rng.choice(("female", "male")), district=self.rng.choice(DISTRICTS),
                has_minor_children=self.rng.choice(("yes", "no", "no", "unknown"))))
        return result

    # --- referrals, decisions, appeals --------------------------------------------------

    def referral(self, person: dict, received_on: dt.date, services: list[str], status: str,
                 decided_on: dt.date | None = None) -> dict:
        closed = status in ("withdrawn", "forwarded")
        return self.row(
            "referrals", person_id=person["id"], received_on=received_on,
            source=_weighted(self.rng, (("gp", 5), ("dps", 3), ("self", 3), ("nav", 2), ("relative", 1),
                                        ("specialist", 1), ("other", 1))),
            channel=self.rng.choice(("electronic_message", "form", "letter", "phone")),
            requested_services=services, urgency="urgent" if self.rng.random() < 0.1 else "routine",
            care_pathway=None, summary=None, assigned_to=None, status=status,
            answer_due_on=answer_due_on(received_on), preliminary_reply_sent_on=None,
            preliminary_reply_reason=None, preliminary_reply_expected_by=None,
            assessment_started_on=received_on if status != "received" else None, decided_on=decided_on,
            closed_on=min(self.today, received_on + dt.timedelta(days=7)) if closed else None,
            close_reason="Trukket av søker" if status == "withdrawn" else None,
            forwarded_to="DPS" if status == "forwarded" else None)

    def decisions(self, users: list[dict]) -> None:
        # Refused decisions and drafts stand alone; the other lines are renewed often enough
        # that the decisions (with the individual plans' own) land near the scale's target.
        lines = len(users) * (1 + SECOND_SERVICE_SHARE)
        single = sum(w for s, w in FINAL_STATES if s in ("refused", "draft")) / sum(w for _, w in FINAL_STATES)
        renewed = self.scale.decisions - lines * single - len(users) * PLAN_SHARE
        mean_chain = max(1.0, renewed / (lines * (1 - single)))
        groups = tuple(KRISTIANSUND_USERS_2020.items())
        for person in users:
            first = _weighted(self.rng, groups)
            lines = [first]
            if self.rng.random() < SECOND_SERVICE_SHARE:
                lines.append(_weighted(self.rng, [g for g in groups if g[0] != first]))
            for group in lines:
                length = 1 + round(self.rng.expovariate(1 / (mean_chain - 1))) if mean_chain > 1 else 1
                self.chain(person, group, length)

    def hours(self, group: str) -> decimal.Decimal:
        mean = KRISTIANSUND_HOURS_2020[group] / KRISTIANSUND_USERS_2020[group]
        value = max(0.5, min(100.0, self.rng.gauss(mean, mean / 3)))
        return decimal.Decimal(str(round(value * 2) / 2))

    def chain(self, person: dict, group: str, length: int) -> None:
        """One service line: ``length`` decisions, each renewing (superseding) the one before."""
        code = _weighted(self.rng, GROUP_SERVICES[group])
        final = _weighted(self.rng, FINAL_STATES)
        if final in ("refused", "draft"):
            length = 1
        period = self.rng.choice(PERIOD_DAYS)
        # the last decision's period; the earlier ones end the day before it starts
        frm, to, ended = self.final_period(final, period)
        periods = [(frm, to, ended)]
        for _ in range(length - 1):
            prev_to = periods[-1][0] - dt.timedelta(days=1)
            periods.append((prev_to - dt.timedelta(days=self.rng.choice(PERIOD_DAYS)), prev_to, None))
        periods.reverse()
        previous_id = None
        received_on = (periods[0][0] or self.days_ago(30, 1500)) - dt.timedelta(days=self.randint(10, 40))
        received_on = min(received_on, self.days_ago(25, 60))
        decided_first = None if final == "draft" and length == 1 else self.decided_on(periods[0][0], received_on)
        referral = self.referral(person, received_on, [code], "decided" if decided_first else "assessing",
                                 decided_first)
        for index, (frm, to, ended) in enumerate(periods):
            last = index == len(periods) - 1
            refused = last and final == "refused"
            draft = last and final == "draft"
            decided = None if draft else (decided_first if index == 0 else self.decided_on(frm, received_on))
            sent = None if decided is None else min(self.today, decided + dt.timedelta(days=self.randint(0, 3)))
            notified = None if sent is None else min(self.today, sent + dt.timedelta(days=self.randint(0, 4)))
            service = self.services[code]
            decision = self.row(
                "decisions", person_id=person["id"], referral_id=referral["id"] if index == 0 else None,
                service_code=code, legal_basis=service.default_legal_basis,
                outcome="refused" if refused else ("partly_granted" if self.rng.random() < 0.1 else "granted"),
                hours_per_week=self.hours(group) if service.hour_based and not refused else None,
                valid_from=None if refused else frm, valid_to=None if refused else to,
                evaluate_by=self.evaluate_by() if last and final in ("active", "expiring", "untimed") else None,
                provider_unit_id=None, reasoning=None,
                decided_on=decided, decided_by=None, notified_on=notified, notification_sent_on=sent,
                notification_channel=None if sent is None else self.rng.choice(("letter", "digital_mailbox")),
                ended_on=ended, end_reason="Tjenesten avsluttet etter avtale" if ended else None,
                supersedes_id=previous_id, discarded_at=None, discard_reason=None)
            previous_id = decision["id"]
            if notified is not None:
                share = APPEAL_SHARE_REFUSED if refused else APPEAL_SHARE_GRANTED
                if self.rng.random() < share:
                    self.appeal(decision)

    def final_period(self, final: str, period: int) -> tuple[dt.date | None, dt.date | None, dt.date | None]:
        t, d, r = self.today, dt.timedelta, self.rng.randint
        if final == "active":
            to = t + d(days=r(61, 400))
            return min(t, to - d(days=period)), to, None
        if final == "expiring":
            to = t + d(days=r(0, 60))
            return to - d(days=period), to, None
        if final == "untimed":
            return t - d(days=r(0, 2000)), None, None
        if final == "expired":
            to = t - d(days=r(1, 900))
            return to - d(days=period), to, None
        if final == "ended":
            frm = t - d(days=r(60, 1500))
            return frm, None, frm + d(days=r(30, (t - frm).days))
        if final == "upcoming":
            frm = t + d(days=r(1, 45))
            return frm, frm + d(days=period), None
        if final == "draft":
            frm = t + d(days=r(0, 30))
            return frm, frm + d(days=period), None
        return None, None, None  # refused

    def evaluate_by(self) -> dt.date | None:
        if self.rng.random() >= EVALUATED_SHARE:
            return None
        return self.today + dt.timedelta(days=self.randint(*EVALUATE_BY_DAYS))

    def decided_on(self, valid_from: dt.date | None, floor: dt.date) -> dt.date:
        day = (valid_from or self.days_ago(0, 1500)) - dt.timedelta(days=self.randint(0, 21))
        return max(floor, min(self.today, day))

    def appeal(self, decision: dict) -> None:
        received = min(self.today, decision["notified_on"] + dt.timedelta(days=self.randint(3, 35)))
        sent = received - dt.timedelta(days=self.randint(0, 2))
        subject = types.SimpleNamespace(appeal_period_days=None, deadline_on=None, deadline_met=None,
                                        absolute_limit_on=None, beyond_absolute_limit=None,
                                        received_on=received, sent_on=sent)
        apply_deadlines(subject, types.SimpleNamespace(**decision), self.bases[decision["legal_basis"]])
        old = (self.today - received).days > 90
        status = self.rng.choice(("upheld", "reversed", "overturned")) if old else \
            self.rng.choice(("received", "reassessing", "forwarded"))
        self.row("appeals", decision_id=decision["id"], person_id=decision["person_id"], received_on=received,
                 sent_on=sent, summary=None, status=status, deadline_on=subject.deadline_on,
                 deadline_met=subject.deadline_met, appeal_period_days=subject.appeal_period_days,
                 absolute_limit_on=subject.absolute_limit_on,
                 beyond_absolute_limit=subject.beyond_absolute_limit,
                 reassessment_started_on=received if status != "received" else None,
                 forwarded_on=received + dt.timedelta(days=14) if status in ("forwarded", "upheld", "overturned")
                 else None,
                 resolved_on=received + dt.timedelta(days=60) if old else None)

    def open_referrals(self, persons: list[dict]) -> None:
        for person in persons:
            if self.rng.random() < OPEN_REFERRAL_SHARE:
                group = _weighted(self.rng, tuple(KRISTIANSUND_USERS_2020.items()))
                status = _weighted(self.rng, (("received", 5), ("assessing", 4), ("withdrawn", 1),
                                              ("forwarded", 1)))
                self.referral(person, self.days_ago(0, 50), [_weighted(self.rng, GROUP_SERVICES[group])], status)

    # --- individual plans ---------------------------------------------------------------

    def plans(self, users: list[dict]) -> None:
        for person in users:
            if self.rng.random() >= PLAN_SHARE:
                continue
            status = _weighted(self.rng, (("active", 6), ("in_preparation", 2), ("requested", 1), ("closed", 1)))
            requested = self.days_ago(20, 1200)
            decided = min(self.today, requested + dt.timedelta(days=self.randint(5, 20)))
            decision = self.row(
                "decisions", person_id=person["id"], referral_id=None, service_code=IP_SERVICE,
                legal_basis=self.services[IP_SERVICE].default_legal_basis, outcome="granted",
                hours_per_week=None, valid_from=decided, valid_to=None, evaluate_by=None, provider_unit_id=None,
                reasoning=None, decided_on=decided, decided_by=None, notified_on=decided,
                notification_sent_on=decided, notification_channel="in_person", ended_on=None, end_reason=None,
                supersedes_id=None, discarded_at=None, discard_reason=None)
            started = status in ("active", "closed")
            self.row(
                "individual_plans", person_id=person["id"], status=status, requested_on=requested,
                request_note=None, needs=None, person_contribution=None, relatives_contribution=None,
                services_contribution=None, cooperation=None,
                period_from=decided if started else None, period_to=None,
                consent_given_on=decided if started else None, consent_scope=None,
                consent_information_sharing=started, coordinator_user_id=None,
                coordinator_name=f"{self.rng.choice(GIVEN)} {self.rng.choice(FAMILY)}" if started else None,
                coordinator_contact=None, coordinator_appointed_on=decided if started else None,
                coordinator_only=False, decision_id=decision["id"],
                next_evaluation_on=self.today + dt.timedelta(days=self.randint(-30, 180))
                if status == "active" else None,
                activated_on=decided if started else None, declined_on=None, decline_reason=None,
                closed_on=self.today if status == "closed" else None,
                close_reason="Målene er nådd" if status == "closed" else None)

    # --- housing ------------------------------------------------------------------------

    def housing(self, persons: list[dict]) -> None:
        units = self.units()
        free = {kind: list(rows) for kind, rows in units.items()}
        defaults = current_app.config["HOUSING_CATEGORY_DEFAULTS"]
        people = list(persons)
        self.rng.shuffle(people)
        for person in people[:self.scale.needs]:
            category = _weighted(self.rng, KRAGERO_NEED_GROUPS)
            fields = defaults.get(category, {})
            active_use = category in ("care_home_staffed", "robust_supervised", "robust_staff_base") \
                and self.rng.random() < 0.7
            status = _weighted(self.rng, (("housed", HOUSED_SHARE), ("waiting", 0.5), ("offered", 0.05),
                                          ("withdrawn", 0.05), ("parked", 0.05)))
            kinds = [k for k in NEED_ACCEPTS[category] if free.get(k)]
            if status in ("housed", "offered") and not kinds:
                status = "waiting"
            registered = self.days_ago(5, 900)
            need = self.row(
                "housing_needs", person_id=person["id"], registered_on=registered, category=category,
                required_risk_class=fields.get("required_risk_class", "green"),
                required_staffing=fields.get("required_staffing", "none"), active_substance_use=active_use,
                requires_substance_free=bool(fields.get("requires_substance_free")) and not active_use,
                housing_situation=self.rng.choice(HOMELESS_SITUATIONS + ("housed_insecure",)),
                urgency=_weighted(self.rng, (("normal", 6), ("high", 3), ("acute", 1))), needed_by=None,
                preferred_areas=self.rng.sample(list(DISTRICTS), self.randint(0, 2)), avoid_person_ids=[],
                decision_id=None, notes=None, status=status,
                parked_until=self.today + dt.timedelta(days=self.randint(7, 90)) if status == "parked" else None,
                park_reason="I behandling" if status == "parked" else None,
                withdrawn_on=self.today if status == "withdrawn" else None,
                withdraw_reason="Har skaffet bolig selv" if status == "withdrawn" else None)
            if status in ("housed", "offered"):
                unit = free[kinds[0]].pop()
                self.offer_and_tenancy(need, unit, housed=status == "housed")

    def units(self) -> dict[str, list[dict]]:
        total = self.scale.units
        counts = {kind: max(1, round(total * share / 100)) for kind, share in KRAGERO_STOCK_PER_100.items()}
        counts["ordinary_rental"] += total - sum(counts.values())
        units: dict[str, list[dict]] = {}
        complexes = [STAFFED_COMPLEXES[i] if i < 2 else f"Bofellesskap {i + 1}"
                     for i in range(max(2, counts["staffed_complex"] // 40))]
        number = 0
        for kind, count in counts.items():
            for n in range(count):
                number += 1
                unit_type = "ordinary_rental" if kind == "red" else kind
                staffing = {"staffed_complex": "round_the_clock", "temporary": "round_the_clock",
                            "red": self.rng.choice(("supervision", "staff_base"))}.get(kind, "none")
                features = RED if kind == "red" else (YELLOW if kind in ("staffed_complex", "temporary")
                                                      or n % 4 == 0 else GREEN)
                risk = derive_risk_class(features, staffing)
                complex_name = complexes[n % len(complexes)] if kind == "staffed_complex" else None
                unit = self.row(
                    "housing_units", label=f"{kind.replace('_', ' ').capitalize()} {number:05d}",
                    address=None if complex_name else f"Storgata {number}", complex=complex_name,
                    district=self.rng.choice(DISTRICTS), unit_type=unit_type, features=list(features),
                    derived_risk_class=risk, risk_class=risk, class_override_reason=None, staffing=staffing,
                    substance_free=kind == "training_flat",
                    max_stay_months={"training_flat": 24, "aftercare_flat": 12, "temporary": 3}.get(kind),
                    capacity=1, owner="housing_foundation" if kind == "ordinary_rental" else "municipality",
                    status="available", unavailable_reason=None, unavailable_note=None,
                    next_inspection_on=self.today + dt.timedelta(days=self.randint(-20, 365)))
                units.setdefault(kind, []).append(unit)
        return units

    def offer_and_tenancy(self, need: dict, unit: dict, housed: bool) -> None:
        offered = min(self.today, need["registered_on"] + dt.timedelta(days=self.randint(0, 120)))
        if not housed:
            offered = self.days_ago(0, 6)
        offer = self.row(
            "housing_offers", unit_id=unit["id"], need_id=need["id"], person_id=need["person_id"],
            offered_on=offered, respond_by=offered + dt.timedelta(days=14),
            status="accepted" if housed else "pending", responded_on=offered if housed else None,
            decline_reason=None, withdraw_reason=None, class_mismatch_reason=None, offered_by=None)
        unit["status"] = "occupied" if housed else "reserved"
        if housed:
            self.row("housing_tenancies", unit_id=unit["id"], person_id=need["person_id"], need_id=need["id"],
                     offer_id=offer["id"], start_on=min(self.today, offered + dt.timedelta(days=3)),
                     planned_end_on=None, ended_on=None, end_reason=None, end_note=None,
                     class_mismatch_reason=None)
