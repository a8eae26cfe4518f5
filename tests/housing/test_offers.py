"""Offers and tenancies: reserve, accept, decline, withdraw, end; capacity never exceeded."""

import datetime as dt

import pytest
import sqlalchemy as sa

from service.housing import offers
from tests.housing.conftest import GREEN, RED, YELLOW, N, O, T, U

INVALID_STATE = "urn:tjenestespor:problem:invalid_state"


def test_offer_accept_tenancy_lifecycle(make_unit, make_need, housing_officer, offer):
    unit = make_unit(unit_type="training_flat", substance_free=True, max_stay_months=24)
    need = make_need(category="training_flat", housing_situation="institution_release")
    made = offer(unit, need)
    assert (made["status"], made["offered_on"], made["respond_by"]) == ("pending", "2026-03-03", "2026-03-17")
    assert housing_officer.get(f"{U}/{unit['id']}").get_json()["status"] == "reserved"
    assert housing_officer.get(f"{N}/{need['id']}").get_json()["status"] == "offered"

    response = housing_officer.post(f"{O}/{made['id']}/accept", json={"start_on": "2026-03-10"})
    assert response.status_code == 200
    accepted = response.get_json()
    assert accepted["status"] == "accepted" and accepted["tenancy_id"]
    tenancy = housing_officer.get(f"{T}/{accepted['tenancy_id']}").get_json()
    # 24 months from 10 March 2026
    assert (tenancy["start_on"], tenancy["planned_end_on"], tenancy["active"]) == ("2026-03-10", "2028-03-10", True)
    assert housing_officer.get(f"{U}/{unit['id']}").get_json()["status"] == "occupied"
    assert housing_officer.get(f"{N}/{need['id']}").get_json()["status"] == "housed"
    assert housing_officer.get(f"{O}/{made['id']}").get_json()["tenancy_id"] == accepted["tenancy_id"]

    response = housing_officer.post(f"{T}/{tenancy['id']}/end", json={"ended_on": "2026-03-03",
                                                                      "reason": "moved_to_own_home"})
    assert response.status_code == 422  # before the start
    assert response.get_json()["errors"] == {"ended_on": ["must not be before the tenancy started"]}
    response = housing_officer.post(f"{T}/{tenancy['id']}/end", json={"ended_on": "2026-03-12",
                                                                      "reason": "moved_to_own_home"})
    assert response.status_code == 422  # in the future (today is 2026-03-03)


def test_planned_end_clamps_to_month_end(make_unit, make_need, housing_officer, offer, frozen_clock):
    frozen_clock.set(dt.datetime(2026, 1, 31, 9, tzinfo=dt.timezone.utc))
    unit = make_unit(max_stay_months=1)
    made = offer(unit, make_need(), respond_by="2026-02-10", offered_on="2026-01-31")
    body = housing_officer.post(f"{O}/{made['id']}/accept", json={"start_on": "2026-01-31"}).get_json()
    assert housing_officer.get(f"{T}/{body['tenancy_id']}").get_json()["planned_end_on"] == "2026-02-28"


def test_a_start_past_the_calendar_is_422_and_the_last_day_still_counts_the_stay(make_unit, make_need,
                                                                               housing_officer, offer):
    """Found by the API fuzz test: start_on 9999-12-31 with a 50-year maximum stay answered 500."""
    unit = make_unit(max_stay_months=600)
    made = offer(unit, make_need())
    response = housing_officer.post(f"{O}/{made['id']}/accept", json={"start_on": "9999-12-31"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"start_on": ["must be between 1850-01-01 and 2199-12-31"]}
    body = housing_officer.post(f"{O}/{made['id']}/accept", json={"start_on": "2199-12-31"}).get_json()
    assert housing_officer.get(f"{T}/{body['tenancy_id']}").get_json()["planned_end_on"] == "2249-12-31"


def test_end_tenancy_frees_the_unit(make_unit, make_need, housing_officer, offer, frozen_clock, problem):
    unit = make_unit()
    made = offer(unit, make_need())
    tenancy_id = housing_officer.post(f"{O}/{made['id']}/accept", json={"start_on": "2026-03-03"}).get_json()[
        "tenancy_id"]
    frozen_clock.set(dt.datetime(2026, 5, 20, 9, tzinfo=dt.timezone.utc))
    response = housing_officer.post(f"{T}/{tenancy_id}/end", json={"ended_on": "2026-05-19", "reason": "evicted"})
    assert response.status_code == 200
    assert (response.get_json()["ended_on"], response.get_json()["end_reason"]) == ("2026-05-19", "evicted")
    assert housing_officer.get(f"{U}/{unit['id']}").get_json()["status"] == "available"
    again = problem(housing_officer.post(f"{T}/{tenancy_id}/end", json={"ended_on": "2026-05-19", "reason": "other"}),
                    409)
    assert (again["type"], again["state"]) == (INVALID_STATE, "ended")
    assert again["detail"] == "The tenancy already ended on 2026-05-19."
    assert housing_officer.get(f"{T}?active=false").get_json()[0]["id"] == tenancy_id


def test_decline_and_withdraw_free_the_unit(make_unit, make_need, housing_officer, offer, problem):
    unit, need = make_unit(), make_need()
    made = offer(unit, need)
    assert housing_officer.post(f"{O}/{made['id']}/decline", json={}).status_code == 422
    response = housing_officer.post(f"{O}/{made['id']}/decline", json={"reason": "For langt fra skolen"})
    assert (response.get_json()["status"], response.get_json()["decline_reason"]) == ("declined",
                                                                                       "For langt fra skolen")
    assert housing_officer.get(f"{U}/{unit['id']}").get_json()["status"] == "available"
    assert housing_officer.get(f"{N}/{need['id']}").get_json()["status"] == "waiting"
    again = offer(unit, need)
    assert housing_officer.post(f"{O}/{again['id']}/withdraw", json={"reason": "Feil enhet"}).get_json()[
        "status"] == "withdrawn"
    response = housing_officer.post(f"{O}/{again['id']}/accept", json={"start_on": "2026-03-03"})
    body = problem(response, 409)
    assert (body["type"], body["state"]) == (INVALID_STATE, "withdrawn")
    assert body["detail"] == "The offer cannot be accepted in state withdrawn; only a pending offer can."
    for step, sentence in (("decline", "The offer cannot be declined in state withdrawn; only a pending offer can."),
                           ("withdraw", "The offer cannot be withdrawn in state withdrawn; only a pending offer can.")):
        body = problem(housing_officer.post(f"{O}/{again['id']}/{step}", json={"reason": "Igjen"}), 409)
        assert (body["state"], body["detail"]) == ("withdrawn", sentence)


def test_full_unit_refuses_a_second_offer(make_unit, make_need, offer):
    unit = make_unit()
    offer(unit, make_need())
    body = offer(unit, make_need(), expect=409)
    assert body["type"].endswith("no_capacity")
    assert body["detail"] == "The unit has no free place: its capacity (1) is taken by offers and tenancies."


def test_shared_unit_takes_up_to_capacity(make_unit, make_need, offer, housing_officer):
    unit = make_unit(capacity=2, unit_type="staffed_complex", staffing="staff_base", features=RED)
    needs = [make_need(category="robust_staff_base", housing_situation="housed") for _ in range(3)]
    offer(unit, needs[0])
    assert housing_officer.get(f"{U}/{unit['id']}").get_json()["status"] == "available"
    offer(unit, needs[1])
    assert housing_officer.get(f"{U}/{unit['id']}").get_json()["status"] == "reserved"
    offer(unit, needs[2], expect=409)


def test_one_pending_offer_per_need(make_unit, make_need, offer):
    need = make_need()
    offer(make_unit(), need)
    body = offer(make_unit(), need, expect=409)
    assert (body["type"], body["state"]) == (INVALID_STATE, "offered")
    assert body["detail"] == "The need cannot be offered a unit in state offered; only a waiting need can."


def test_offer_refuses_a_pair_that_breaks_hard_rules(make_unit, make_need, offer):
    need = make_need(category="training_flat", housing_situation="housed")
    body = offer(make_unit(unit_type="ordinary_rental"), need, expect=409)
    assert body["reasons"] == ["unit_type_unsuitable", "substance_free_required"]
    assert body["detail"] == "The unit does not fit the need: Unit type unsuitable; Needs a substance-free unit."


def test_offer_to_unavailable_unit(make_unit, make_need, offer, housing_officer):
    unit = make_unit()
    housing_officer.post(f"{U}/{unit['id']}/unavailable", json={"reason": "damage"})
    body = offer(unit, make_need(), expect=409)
    assert body["type"].endswith("not_available")
    assert body["detail"] == "The unit is out of use because of damage; it cannot be offered."


def test_cannot_make_unit_unavailable_while_reserved(make_unit, make_need, offer, housing_officer):
    unit = make_unit()
    offer(unit, make_need())
    response = housing_officer.post(f"{U}/{unit['id']}/unavailable", json={"reason": "damage"})
    assert response.status_code == 409 and response.get_json()["state"] == "reserved"
    assert response.get_json()["type"] == INVALID_STATE
    assert "in state reserved" in response.get_json()["detail"]


def test_capacity_cannot_drop_below_what_the_unit_holds(make_unit, make_need, offer, housing_officer):
    unit = make_unit(capacity=2)
    offer(unit, make_need())
    offer(unit, make_need())
    response = housing_officer.patch(f"{U}/{unit['id']}", json={"capacity": 1}, headers={"If-Match": "*"})
    assert response.status_code == 409 and response.get_json()["type"].endswith("capacity_in_use")
    assert response.get_json()["detail"] == "The capacity cannot go below 2: that many places are offered or let."


def test_class_mismatch_needs_reason_and_is_recorded(make_unit, make_need, offer, housing_officer, app):
    need = make_need(category="robust_supervised", housing_situation="sleeping_rough")
    unit = make_unit(features=YELLOW, unit_type="ordinary_rental", staffing="supervision")
    body = offer(unit, need, expect=409)
    assert body["reasons"] == ["class_too_low"]
    assert "class_mismatch_reason" in body["detail"]
    made = offer(unit, need, class_mismatch_reason="Ingen rød bolig ledig; sover ute nå")
    accepted = housing_officer.post(f"{O}/{made['id']}/accept", json={"start_on": "2026-03-03"}).get_json()
    tenancy = housing_officer.get(f"{T}/{accepted['tenancy_id']}").get_json()
    assert tenancy["class_mismatch_reason"] == "Ingen rød bolig ledig; sover ute nå"
    assert [t["id"] for t in housing_officer.get(f"{T}?class_mismatch=true").get_json()] == [tenancy["id"]]
    from service.extensions import db
    from service.housing.models import HousingEvent

    with app.app_context():
        events = db.session.execute(sa.select(HousingEvent.kind, HousingEvent.required_risk_class,
                                              HousingEvent.unit_risk_class, HousingEvent.tenancy_id)).all()
    assert [(k, r, u, str(t)) for k, r, u, t in events] == [
        ("need_class_mismatch", "red", "yellow", tenancy["id"])]


def test_no_mismatch_event_when_class_fits(make_unit, make_need, offer, housing_officer, app):
    made = offer(make_unit(features=GREEN), make_need(), class_mismatch_reason="not needed here")
    assert made["class_mismatch_reason"] is None
    housing_officer.post(f"{O}/{made['id']}/accept", json={"start_on": "2026-03-03"})
    from service.extensions import db
    from service.housing.models import HousingEvent

    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(HousingEvent)) == 0


def test_person_has_at_most_one_active_tenancy(make_unit, make_need, make_person, offer, housing_officer, problem):
    person = make_person()
    other = offer(make_unit(), make_need())  # another person's tenancy is no clash
    housing_officer.post(f"{O}/{other['id']}/accept", json={"start_on": "2026-03-03"})
    first = offer(make_unit(), make_need(person))
    tenancy_id = housing_officer.post(f"{O}/{first['id']}/accept", json={"start_on": "2026-03-03"}).get_json()[
        "tenancy_id"]
    # A new need for a move (the old one is housed) cannot become a second live tenancy.
    second_need = make_need(person)
    second = offer(make_unit(), second_need)
    response = housing_officer.post(f"{O}/{second['id']}/accept", json={"start_on": "2026-03-03"})
    body = problem(response, 409)
    assert (body["type"], body["existing_id"]) == ("urn:tjenestespor:problem:active_tenancy_exists", tenancy_id)
    assert body["detail"] == "The person already has an active tenancy; end it first."
    assert housing_officer.get(f"{O}/{second['id']}").get_json()["status"] == "pending"


def test_a_tenancy_accepted_after_the_check_is_pointed_to(make_unit, make_need, make_person, offer, housing_officer,
                                                          problem, check_misses_once):
    person = make_person()
    first = offer(make_unit(), make_need(person))
    tenancy_id = housing_officer.post(f"{O}/{first['id']}/accept", json={"start_on": "2026-03-03"}).get_json()[
        "tenancy_id"]
    second = offer(make_unit(), make_need(person))
    calls = check_misses_once(offers, "_active_tenancy_of")
    body = problem(housing_officer.post(f"{O}/{second['id']}/accept", json={"start_on": "2026-03-03"}), 409)
    assert (body["type"], body["existing_id"]) == ("urn:tjenestespor:problem:active_tenancy_exists", tenancy_id)
    assert len(calls) == 2  # the check missed; the unique index caught it and the lookup found the tenancy
    assert [t["id"] for t in housing_officer.get(T, query_string={"person_id": person["id"]}).get_json()] == [
        tenancy_id]


def test_accept_after_respond_by_is_refused(make_unit, make_need, offer, housing_officer, frozen_clock):
    unit, need = make_unit(), make_need()
    made = offer(unit, need, respond_by="2026-03-05")
    frozen_clock.set(dt.datetime(2026, 3, 6, 9, tzinfo=dt.timezone.utc))
    response = housing_officer.post(f"{O}/{made['id']}/accept", json={"start_on": "2026-03-06"})
    assert response.status_code == 409 and response.get_json()["type"].endswith("offer_expired")
    assert response.get_json()["detail"] == "The offer could be answered until 2026-03-05; make a new offer."
    nb = housing_officer.post(f"{O}/{made['id']}/accept", json={"start_on": "2026-03-06"},
                              headers={"Accept-Language": "nb"}).get_json()
    assert "05.03.2026" in nb["detail"]
    # The place stays reserved until the offer is withdrawn (or, later, the offer_expired job expires it).
    assert housing_officer.post(f"{O}/{made['id']}/withdraw", json={}).status_code == 200
    assert housing_officer.get(f"{U}/{unit['id']}").get_json()["status"] == "available"
    assert housing_officer.get(f"{N}/{need['id']}").get_json()["status"] == "waiting"


def test_an_answer_given_in_time_but_recorded_late_is_accepted(make_unit, make_need, offer, housing_officer,
                                                                frozen_clock):
    """Offered 3 March, answer by 5 March; the person said yes on 5 March, recorded on 6 March."""
    made = offer(make_unit(), make_need(), respond_by="2026-03-05")
    frozen_clock.set(dt.datetime(2026, 3, 6, 9, tzinfo=dt.timezone.utc))
    response = housing_officer.post(f"{O}/{made['id']}/accept",
                                    json={"start_on": "2026-03-06", "responded_on": "2026-03-05"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["status"], body["responded_on"]) == ("accepted", "2026-03-05")  # stored as given
    assert body["tenancy_id"]


def test_an_answer_given_after_respond_by_is_refused_whenever_recorded(make_unit, make_need, offer,
                                                                        housing_officer, frozen_clock, problem):
    """Answer by 5 March; the person said yes on 6 March (recorded on 7 March, or on 6 March)."""
    made = offer(make_unit(), make_need(), respond_by="2026-03-05")
    frozen_clock.set(dt.datetime(2026, 3, 7, 9, tzinfo=dt.timezone.utc))
    body = problem(housing_officer.post(f"{O}/{made['id']}/accept",
                                        json={"start_on": "2026-03-07", "responded_on": "2026-03-06"}), 409)
    assert body["type"] == "urn:tjenestespor:problem:offer_expired"
    assert body["detail"] == "The offer could be answered until 2026-03-05; make a new offer."
    assert housing_officer.get(f"{O}/{made['id']}").get_json()["status"] == "pending"


def test_responded_on_in_the_future_or_before_the_offer_is_422(make_unit, make_need, offer, housing_officer,
                                                               frozen_clock):
    """Today is 3 March 2026; the offer was made 3 March."""
    made = offer(make_unit(), make_need())
    for step, extra in (("accept", {"start_on": "2026-03-03"}), ("decline", {"reason": "Passer ikke"})):
        response = housing_officer.post(f"{O}/{made['id']}/{step}", json={**extra, "responded_on": "2026-03-04"})
        assert response.status_code == 422
        assert response.get_json()["errors"] == {"responded_on": ["must not be in the future"]}
        response = housing_officer.post(f"{O}/{made['id']}/{step}", json={**extra, "responded_on": "2026-03-02"})
        assert response.status_code == 422
        assert response.get_json()["errors"] == {"responded_on": ["must not be before the offer was made"]}
    assert housing_officer.get(f"{O}/{made['id']}").get_json()["status"] == "pending"


def test_decline_keeps_the_day_the_person_answered(make_unit, make_need, offer, housing_officer, frozen_clock):
    """Offered 3 March; one declined on 4 March, recorded 9 March; the other recorded the day it came."""
    first, second = offer(make_unit(), make_need()), offer(make_unit(), make_need())
    frozen_clock.set(dt.datetime(2026, 3, 9, 9, tzinfo=dt.timezone.utc))
    body = housing_officer.post(f"{O}/{first['id']}/decline",
                                json={"reason": "For langt fra skolen", "responded_on": "2026-03-04"}).get_json()
    assert (body["status"], body["responded_on"]) == ("declined", "2026-03-04")
    body = housing_officer.post(f"{O}/{second['id']}/decline", json={"reason": "Passer ikke"}).get_json()
    assert (body["status"], body["responded_on"]) == ("declined", "2026-03-09")  # default: the day recorded


def test_person_overview_has_housing_sections(make_unit, make_need, make_person, offer, housing_officer, env, town):
    person = make_person()
    need = make_need(person)
    made = offer(make_unit(), need)
    housing_officer.post(f"{O}/{made['id']}/accept", json={"start_on": "2026-03-03"})
    body = housing_officer.get(f"/api/v1/persons/{person['id']}/overview").get_json()
    assert [n["id"] for n in body["housing_needs"]] == [need["id"]]
    assert [o["id"] for o in body["housing_offers"]] == [made["id"]]
    assert len(body["housing_tenancies"]) == 1
    case_officer = env.caller("case_officer", town)
    body = case_officer.get(f"/api/v1/persons/{person['id']}/overview").get_json()
    assert [n["id"] for n in body["housing_needs"]] == [need["id"]]
    assert body["housing_offers"] is None and body["housing_tenancies"] is None


def test_provider_sees_tenancies_only_of_persons_it_serves(make_unit, make_need, make_person, offer,
                                                            housing_officer, env, town, app, monkeypatch):
    from service.common.contributions import for_app
    from service.persons.models import Person

    served, other = make_person(name="Served"), make_person(name="Other")
    tenancy_ids = {}
    for person in (served, other):
        made = offer(make_unit(), make_need(person))
        tenancy_ids[person["id"]] = housing_officer.post(
            f"{O}/{made['id']}/accept", json={"start_on": "2026-03-03"}).get_json()["tenancy_id"]
    provider = env.caller("provider", town)
    assert provider.get(T).get_json() == []  # no scope registered: sees nobody
    monkeypatch.setitem(for_app(app).row_rules, ("person", "served"), [lambda user: Person.name == "Served"])
    assert [t["id"] for t in provider.get(T).get_json()] == [tenancy_ids[served["id"]]]
    assert provider.get(f"{T}/{tenancy_ids[other['id']]}").status_code == 404
    assert provider.get(f"{T}/{tenancy_ids[served['id']]}").status_code == 200
    assert provider.post(f"{T}/{tenancy_ids[served['id']]}/end",
                         json={"ended_on": "2026-03-03", "reason": "other"}).status_code == 403


@pytest.mark.parametrize("role", ["planner", "case_officer", "provider", "coordinator"])
def test_only_housing_officer_handles_offers(env, town, role):
    caller = env.caller(role, town)
    assert caller.get(O).status_code == 403
    assert caller.post("/api/v1/housing/allocation-proposal", json={}).status_code == 403


def test_planner_sees_nothing_person_level(env, town):
    planner = env.caller("planner", town)
    for url in (N, O, T):
        assert planner.get(url).status_code == 403
