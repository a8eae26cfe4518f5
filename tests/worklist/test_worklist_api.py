"""GET /worklist, acknowledging and handing work over: who sees which flag (the matrix's worklist
rule, blocks, municipalities), what an item says, the filters, and the audit."""

from __future__ import annotations

import sqlalchemy as sa

from service.audit.models import AuditEvent
from service.extensions import db
from tests.helpers import ok

API = "/api/v1"
ON = "2026-03-03"  # the frozen clock's day


class Office:
    """One municipality with a flag of several kinds, each with someone who must act on it."""

    def __init__(self, env, town, board, make_person):
        self.env, self.board, self.town = env, board, town
        self.officer = env.caller("case_officer", town, display_name="Siri Saksbehandler")
        self.colleague = env.caller("case_officer", town, display_name="Kai Kollega")
        self.coordinator = env.caller("coordinator", town)
        self.other_coordinator = env.caller("coordinator", town)
        self.housing = env.caller("housing_officer", town)
        self.provider = env.caller("provider", town)  # unit "Psykisk helseteam"
        self.others = {role: env.caller(role, town) for role in ("planner", "auditor", "admin")}
        self.kari = make_person(self.officer, name="Kari Frist")
        self.ola = make_person(self.officer, name="Ola Plan")
        self.referral = ok(self.officer.post(f"{API}/referrals", json={
            "person_id": self.kari["id"], "received_on": "2026-02-10", "source": "gp", "channel": "letter",
            "requested_services": ["psykisk-helse-oppfolging"], "assigned_to": str(self.officer.user_id)}), 201)
        self.decision = ok(self.officer.post(f"{API}/decisions", json={
            "person_id": self.kari["id"], "service_code": "psykisk-helse-oppfolging", "hours_per_week": 2,
            "valid_from": "2026-01-01", "valid_to": "2026-04-01", "provider_unit": "Psykisk helseteam",
            "decided_on": "2026-02-25"}), 201)
        self.plans = {who: self._plan(person, coordinator) for who, person, coordinator in (
            ("kari", self.kari, self.coordinator), ("ola", self.ola, self.other_coordinator))}
        self.unit = ok(self.housing.post(f"{API}/housing/units", json={
            "label": "Storgata 2", "unit_type": "ordinary_rental", "features": ["smoke_detector", "fire_extinguisher"],
            "next_inspection_on": "2026-03-20"}), 201)
        board.deadlines(ON)

    def _plan(self, person, coordinator) -> dict:
        plan = ok(self.officer.post(f"{API}/plans", json={"person_id": person["id"], "requested_on": "2026-01-10"}),
                  201)
        url = f"{API}/plans/{plan['id']}"
        ok(self.officer.post(f"{url}/appoint-coordinator",
                             json={"user_id": str(coordinator.user_id), "appointed_on": "2026-01-12"}))
        ok(coordinator.post(f"{url}/consent", json={"given_on": "2026-01-13", "scope": "Individuell plan"}))
        return ok(coordinator.post(f"{url}/activate", json={"activated_on": "2026-01-14",
                                                            "next_evaluation_on": "2026-03-12"}))

    def worklist(self, caller, **query) -> list[dict]:
        return ok(caller.get(f"{API}/worklist", query_string={"page_size": 200, **query}))


def _kinds(items) -> list[tuple[str, str | None]]:
    return sorted((item["kind"], item["person_name"]) for item in items)


def test_each_role_sees_the_flags_it_acts_on(env, town, board, make_person):
    office = Office(env, town, board, make_person)
    assert _kinds(office.worklist(office.officer)) == [
        ("decision_expiring", "Kari Frist"), ("referral_reply_due", "Kari Frist")]
    assert _kinds(office.worklist(office.coordinator)) == [("plan_evaluation_due", "Kari Frist")]
    assert _kinds(office.worklist(office.other_coordinator)) == [("plan_evaluation_due", "Ola Plan")]
    assert _kinds(office.worklist(office.housing)) == [("unit_inspection_due", None)]
    # the provider's unit: the decision it delivers was decided on 25.02 (news for 14 days) and expires 01.04
    news = office.worklist(office.provider)
    assert sorted((item["kind"], item["person_name"], item["due_on"]) for item in news) == [
        ("unit_decision_changed", "Kari Frist", "2026-01-01"), ("unit_decision_changed", "Kari Frist", "2026-04-01")]
    assert sorted(item["text"].split(" psykisk")[0] for item in news) == ["Decision on", "New decision on"]
    assert env.caller("provider", office.town, provider_unit="Hjemmetjenesten").get(f"{API}/worklist").get_json() == []
    for caller in office.others.values():
        body = caller.get(f"{API}/worklist")
        assert body.status_code == 403, caller.role


def test_an_item_reads_without_a_second_call(env, town, board, make_person):
    office = Office(env, town, board, make_person)
    items = {item["kind"]: item for item in office.worklist(office.officer)}
    expiring = items["decision_expiring"]
    assert expiring["subject_type"] == "decision" and expiring["subject_id"] == office.decision["id"]
    assert expiring["person_id"] == office.kari["id"] and expiring["due_on"] == "2026-04-01"
    assert expiring["days_left"] == 29 and expiring["status"] == "open"
    assert expiring["subject_label"] == "psykisk helsetjeneste – oppfølging og samtaler"
    assert expiring["text"] == ("Decision on psykisk helsetjeneste – oppfølging og samtaler expires 2026-04-01 – "
                                "consider renewal")
    assert expiring["assigned_to"] == str(office.officer.user_id)
    assert expiring["assigned_to_name"] == "Siri Saksbehandler"
    assert expiring["kind_label"] and expiring["office"] == "case_office"
    assert "national_id" not in expiring
    # in bokmål the date is dd.mm.åååå
    nb = ok(office.officer.get(f"{API}/worklist", query_string={"kind": "decision_expiring"},
                               headers={"Accept-Language": "nb"}))
    assert "01.04.2026" in nb[0]["text"]
    # overdue: negative days left
    board.deadlines("2026-03-12")
    reply = ok(office.officer.get(f"{API}/worklist", query_string={"kind": "referral_reply_due"}))
    assert reply[0]["days_left"] == 7  # the list counts from today (03.03), the due day is 10.03


def test_filters(env, town, board, make_person):
    office = Office(env, town, board, make_person)
    officer = office.officer
    assert _kinds(office.worklist(officer, kind="referral_reply_due")) == [("referral_reply_due", "Kari Frist")]
    assert _kinds(office.worklist(officer, due_before="2026-03-11")) == [("referral_reply_due", "Kari Frist")]
    assert len(office.worklist(officer, mine="true")) == 2
    assert office.worklist(office.colleague, mine="true") == []
    assert len(office.worklist(office.colleague, assigned_to=str(officer.user_id))) == 2
    assert office.worklist(officer, status="resolved") == []
    problem = officer.get(f"{API}/worklist", query_string={"kind": "no_such_kind"})
    assert problem.status_code == 422 and "kind" in problem.get_json()["errors"]
    assert officer.get(f"{API}/worklist", query_string={"colour": "red"}).status_code == 422


def test_acknowledge(env, town, board, make_person):
    office = Office(env, town, board, make_person)
    item = office.worklist(office.coordinator)[0]
    assert office.provider.post(f"{API}/worklist/{item['id']}/acknowledge").status_code == 404
    seen = ok(office.coordinator.post(f"{API}/worklist/{item['id']}/acknowledge"))
    assert seen["status"] == "acknowledged" and seen["acknowledged_on"] == ON
    assert office.worklist(office.coordinator)[0]["status"] == "acknowledged"  # still on the list
    again = office.coordinator.post(f"{API}/worklist/{item['id']}/acknowledge")
    assert again.status_code == 409 and again.get_json()["state"] == "acknowledged"
    stale = office.coordinator.post(f"{API}/worklist/{item['id']}/acknowledge", headers={"If-Match": '"1"'})
    assert stale.status_code in (409, 412)


def test_a_blocked_user_never_sees_a_flag_about_that_person(env, town, board, make_person):
    office = Office(env, town, board, make_person)
    ok(office.colleague.post(f"{API}/persons/{office.kari['id']}/blocks",
                             json={"user_id": str(office.officer.user_id), "reason": "related"}), 201)
    assert office.worklist(office.officer) == []
    assert len(office.worklist(office.colleague)) == 2
    flag_id = office.worklist(office.colleague)[0]["id"]
    assert office.officer.post(f"{API}/worklist/{flag_id}/acknowledge").status_code == 404


def test_another_municipality_sees_none_of_it(env, town, board, make_person):
    office = Office(env, town, board, make_person)
    elsewhere = env.municipality()
    for role in ("case_officer", "coordinator", "housing_officer", "provider"):
        stranger = env.caller(role, elsewhere)
        assert ok(stranger.get(f"{API}/worklist")) == [], role
    flag_id = office.worklist(office.officer)[0]["id"]
    assert env.caller("case_officer", elsewhere).post(f"{API}/worklist/{flag_id}/acknowledge").status_code == 404


def test_reading_the_worklist_is_audited_per_person_row(app, env, town, board, make_person):
    office = Office(env, town, board, make_person)
    office.worklist(office.officer)
    with app.app_context():
        events = db.session.execute(sa.select(AuditEvent.object_type, AuditEvent.object_id, AuditEvent.actor_id)
                                    .where(AuditEvent.detail == "worklist")).all()
    assert sorted((e.object_type, e.object_id) for e in events) == sorted([
        ("decision", office.decision["id"]), ("referral", office.referral["id"])])
    assert {e.actor_id for e in events} == {office.officer.user_id}


def test_handover_moves_referrals_and_flags_in_one_audited_step(app, env, town, board, make_person):
    office = Office(env, town, board, make_person)
    officer, colleague = office.officer, office.colleague
    body = {"from_user_id": str(officer.user_id), "to_user_id": str(colleague.user_id)}
    assert office.coordinator.post(f"{API}/worklist/reassign", json=body).status_code == 403
    handed = ok(office.others["admin"].post(f"{API}/worklist/reassign", json=body))
    assert (handed["referrals"], handed["flags"], handed["kept"]) == (1, 2, 0)
    assert ok(colleague.get(f"{API}/referrals/{office.referral['id']}"))["assigned_to"] == str(colleague.user_id)
    assert len(office.worklist(colleague, mine="true")) == 2 and office.worklist(officer, mine="true") == []
    with app.app_context():
        details = sorted(db.session.scalars(sa.select(AuditEvent.detail).where(
            AuditEvent.detail.in_(("handover", "worklist handover")))))
    assert details == ["handover", "worklist handover", "worklist handover"]
    # a coordinator's work goes to a coordinator only; a colleague must be active and another user
    wrong = officer.post(f"{API}/worklist/reassign", json={
        "from_user_id": str(colleague.user_id), "to_user_id": str(office.coordinator.user_id)})
    assert wrong.status_code == 422 and "to_user_id" in wrong.get_json()["errors"]
    same = officer.post(f"{API}/worklist/reassign", json={
        "from_user_id": str(colleague.user_id), "to_user_id": str(colleague.user_id)})
    assert same.status_code == 422


def test_handover_leaves_rows_about_a_person_the_colleague_is_barred_from(env, town, board, make_person):
    office = Office(env, town, board, make_person)
    ok(office.officer.post(f"{API}/persons/{office.kari['id']}/blocks",
                           json={"user_id": str(office.colleague.user_id), "reason": "disqualified"}), 201)
    handed = ok(office.officer.post(f"{API}/worklist/reassign", json={
        "from_user_id": str(office.officer.user_id), "to_user_id": str(office.colleague.user_id)}))
    assert (handed["referrals"], handed["flags"], handed["kept"]) == (0, 0, 3)


def test_a_disabled_users_flags_go_to_the_office(app, env, town, board, make_person):
    office = Office(env, town, board, make_person)
    from service.auth import services as auth

    with app.app_context():
        auth.disable_user(office.officer.username)
        db.session.commit()
    counts = board.deadlines("2026-03-04")
    assert counts["rerouted"] == 2
    items = office.worklist(office.colleague)
    assert {item["assigned_to"] for item in items} == {None}
