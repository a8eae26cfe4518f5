"""Referrals through the API: register, assess, assign, preliminary reply, close, filters."""

from tests.helpers import assert_problem as problem


def test_register_and_move_through_assessment(case_officer, new_referral):
    referral = new_referral(urgency="urgent", care_pathway=2, summary="Fastlege ber om oppfølging")
    assert referral["status"] == "received" and referral["answer_due_on"] == "2026-03-10"
    assert referral["reply_overdue"] is False
    started = case_officer.post(f"/api/v1/referrals/{referral['id']}/start-assessment", json={})
    assert started.status_code == 200, started.get_json()
    body = started.get_json()
    assert body["status"] == "assessing" and body["assessment_started_on"] == "2026-03-03"
    assert body["assigned_to"] == str(case_officer.user_id)
    again = problem(case_officer.post(f"/api/v1/referrals/{referral['id']}/start-assessment", json={}), 409)
    assert again["state"] == "assessing" and "in state under assessment" in again["detail"]


def test_preliminary_reply(case_officer, new_referral):
    referral = new_referral(received_on="2026-01-20")  # due 2026-02-20, passed
    assert referral["reply_overdue"] is True
    reply = case_officer.post(f"/api/v1/referrals/{referral['id']}/preliminary-reply", json={
        "sent_on": "2026-02-18", "reason": "Venter på epikrise fra DPS", "expected_by": "2026-03-20"})
    assert reply.status_code == 200, reply.get_json()
    body = reply.get_json()
    assert body["preliminary_reply"] == {"sent_on": "2026-02-18", "reason": "Venter på epikrise fra DPS",
                                         "expected_by": "2026-03-20"}
    assert body["reply_overdue"] is False
    problem(case_officer.post(f"/api/v1/referrals/{referral['id']}/preliminary-reply", json={
        "sent_on": "2026-02-18", "reason": "x y z", "expected_by": "2026-02-17"}), 422)
    problem(case_officer.post(f"/api/v1/referrals/{referral['id']}/preliminary-reply", json={
        "sent_on": "2026-01-19", "reason": "før mottak", "expected_by": "2026-03-01"}), 422)
    problem(case_officer.post(f"/api/v1/referrals/{referral['id']}/preliminary-reply", json={
        "reason": "mangler dato"}), 422)


def test_withdraw_and_forward_are_final(case_officer, new_referral):
    withdrawn = new_referral()
    url = f"/api/v1/referrals/{withdrawn['id']}/withdraw"
    assert "on" in problem(case_officer.post(url, json={"reason": "Ønsker ikke"}), 422)["errors"]  # never today
    body = case_officer.post(url, json={"reason": "Ønsker ikke", "on": "2026-03-02"}).get_json()
    assert body["status"] == "withdrawn" and body["closed_on"] == "2026-03-02"
    for action, payload in (("forward", {"to": "DPS", "on": "2026-03-03"}),
                            ("assign", {"user_id": str(case_officer.user_id)}),
                            ("start-assessment", {}), ("withdraw", {"on": "2026-03-03"})):
        error = problem(case_officer.post(f"/api/v1/referrals/{withdrawn['id']}/{action}", json=payload), 409)
        assert error["state"] == "withdrawn"
    forwarded = new_referral()
    body = case_officer.post(f"/api/v1/referrals/{forwarded['id']}/forward",
                             json={"to": "DPS Kragerø", "reason": "Behov for spesialisthelsetjeneste",
                                   "on": "2026-03-03"}).get_json()
    assert body["status"] == "forwarded" and body["forwarded_to"] == "DPS Kragerø"
    problem(case_officer.patch(f"/api/v1/referrals/{forwarded['id']}", json={"summary": "x"},
                               headers={"If-Match": f'"v{body["version"]}"'}), 409)


def test_assign_only_to_case_officers_of_the_municipality(env, town, case_officer, new_referral):
    referral = new_referral()
    colleague = env.caller("case_officer", town)
    ok = case_officer.post(f"/api/v1/referrals/{referral['id']}/assign", json={"user_id": str(colleague.user_id)})
    assert ok.status_code == 200 and ok.get_json()["assigned_to"] == str(colleague.user_id)
    provider = env.caller("provider", town)
    assert "user_id" in problem(case_officer.post(f"/api/v1/referrals/{referral['id']}/assign",
                                                  json={"user_id": str(provider.user_id)}), 422)["errors"]
    elsewhere = env.caller("case_officer", env.municipality())
    problem(case_officer.post(f"/api/v1/referrals/{referral['id']}/assign",
                              json={"user_id": str(elsewhere.user_id)}), 422)


def test_bad_referrals(case_officer, person, new_referral):
    base = {"person_id": person["id"], "received_on": "2026-02-10", "source": "gp", "channel": "letter"}
    cases = [({"requested_services": ["finnes-ikke"]}, "requested_services"),
             ({"received_on": "2026-03-04"}, "received_on"),
             ({"source": "oracle"}, "source"),
             ({"care_pathway": 4}, "care_pathway"),
             ({"person_id": "00000000-0000-0000-0000-000000000000"}, "person_id")]
    for fields, field in cases:
        error = problem(case_officer.post("/api/v1/referrals", json={**base, **fields}), 422)
        assert field in error["errors"], (fields, error)
    assert case_officer.get("/api/v1/referrals").get_json() == []


def test_patch_needs_if_match(case_officer, new_referral):
    referral = new_referral()
    problem(case_officer.patch(f"/api/v1/referrals/{referral['id']}", json={"summary": "ny"}), 428)
    problem(case_officer.patch(f"/api/v1/referrals/{referral['id']}", json={"summary": "ny"},
                               headers={"If-Match": '"v7"'}), 412)
    ok = case_officer.patch(f"/api/v1/referrals/{referral['id']}", json={"summary": "ny", "requested_services": ["kpr-15"]},
                            headers={"If-Match": '"v1"'})
    assert ok.status_code == 200 and ok.headers["ETag"] == '"v2"'
    assert ok.get_json()["requested_services"] == ["kpr-15"]
    problem(case_officer.post(f"/api/v1/referrals/{referral['id']}/withdraw", json={"on": "2026-03-03"},
                              headers={"If-Match": '"v1"'}), 412)
    assert case_officer.get(f"/api/v1/referrals/{referral['id']}").get_json()["status"] == "received"


def test_list_filters(env, town, case_officer, make_person, new_referral):
    other = make_person(name="Annen Person")
    a = new_referral(received_on="2026-01-31", source="gp")       # due 2026-02-28
    b = new_referral(received_on="2026-02-15", source="dps")      # due 2026-03-15
    c = new_referral(person_id=other["id"], received_on="2026-03-01", source="self")  # due 2026-04-01
    colleague = env.caller("case_officer", town)
    case_officer.post(f"/api/v1/referrals/{b['id']}/assign", json={"user_id": str(colleague.user_id)})
    case_officer.post(f"/api/v1/referrals/{c['id']}/start-assessment", json={})
    ids = lambda url: [r["id"] for r in case_officer.get(url).get_json()]  # noqa: E731
    assert ids("/api/v1/referrals") == [a["id"], b["id"], c["id"]]  # soonest deadline first
    assert ids("/api/v1/referrals?status=assessing") == [c["id"]]
    assert ids("/api/v1/referrals?source=dps") == [b["id"]]
    assert ids(f"/api/v1/referrals?assigned_to={colleague.user_id}") == [b["id"]]
    assert ids("/api/v1/referrals?received_from=2026-02-01&received_to=2026-03-01") == [b["id"], c["id"]]
    assert ids("/api/v1/referrals?reply_due_before=2026-03-15") == [a["id"]]
    assert ids("/api/v1/referrals?reply_due_before=2026-03-16") == [a["id"], b["id"]]
    assert ids(f"/api/v1/referrals?person_id={other['id']}") == [c["id"]]
    problem(case_officer.get("/api/v1/referrals?received_from=2026-03-01&received_to=2026-02-01"), 422)
    response = case_officer.get("/api/v1/referrals?page_size=2")
    assert len(response.get_json()) == 2 and '"total": 3' in response.headers["X-Pagination"]


def test_other_municipality_cannot_see_the_referral(env, new_referral):
    referral = new_referral()
    stranger = env.caller("case_officer", env.municipality())
    problem(stranger.get(f"/api/v1/referrals/{referral['id']}"), 404)
    problem(stranger.post(f"/api/v1/referrals/{referral['id']}/withdraw", json={"on": "2026-03-03"}), 404)
    assert stranger.get("/api/v1/referrals").get_json() == []
