"""The allocation office's whole path through the API alone, with every step in the audit log,
and the person overview."""

from tests.helpers import at


def test_referral_to_notified_decision_and_appeal(env, town, case_officer, person, frozen_clock):
    env.provider_unit(town, "Boligtjenesten")
    frozen_clock.set(at("2025-01-31"))
    referral = case_officer.post("/api/v1/referrals", json={
        "person_id": person["id"], "received_on": "2025-01-31", "source": "dps", "channel": "electronic_message",
        "requested_services": ["psykisk-helse-oppfolging", "bo-og-veiledning"], "care_pathway": 3,
        "summary": "Utskrives fra DPS-sengepost, trenger oppfølging i bolig"}).get_json()
    assert referral["answer_due_on"] == "2025-02-28"
    rid = referral["id"]
    case_officer.post(f"/api/v1/referrals/{rid}/start-assessment", json={})
    frozen_clock.set(at("2025-02-25"))
    reply = case_officer.post(f"/api/v1/referrals/{rid}/preliminary-reply", json={
        "sent_on": "2025-02-25", "reason": "Kartlegging i hjemmet er ikke gjennomført", "expected_by": "2025-03-14"}).get_json()
    assert reply["preliminary_reply"]["sent_on"] == "2025-02-25"
    frozen_clock.set(at("2025-02-28"))
    draft = case_officer.post("/api/v1/decisions", json={
        "person_id": person["id"], "referral_id": rid, "service_code": "bo-og-veiledning",
        "hours_per_week": 6, "valid_from": "2025-03-01", "valid_to": "2025-08-31", "evaluate_by": "2025-06-01",
        "provider_unit": "Boligtjenesten", "reasoning": "Behov for veiledning i å mestre egen bolig"}).get_json()
    decided = case_officer.post(f"/api/v1/decisions/{draft['id']}/decide", json={"decided_on": "2025-02-28"}).get_json()
    assert decided["state"] == "upcoming" and decided["appeal_deadline_on"] is None
    assert case_officer.get(f"/api/v1/referrals/{rid}").get_json()["status"] == "decided"
    frozen_clock.set(at("2025-03-03"))
    notified = case_officer.post(f"/api/v1/decisions/{draft['id']}/notify", json={"notified_on": "2025-03-03"}).get_json()
    assert notified["state"] == "active"
    assert notified["appeal_period_days"] == 28 and notified["appeal_deadline_on"] == "2025-03-31"
    frozen_clock.set(at("2025-03-20"))
    appeal = case_officer.post(f"/api/v1/decisions/{draft['id']}/appeals", json={
        "received_on": "2025-03-20", "summary": "Ønsker flere timer"}).get_json()
    assert appeal["deadline_met"] is True and appeal["deadline_on"] == "2025-03-31"
    url = f"/api/v1/decisions/{draft['id']}/appeals/{appeal['id']}/status"
    assert case_officer.post(url, json={"status": "upheld", "on": "2025-03-20"}).status_code == 409  # reassess first
    assert case_officer.post(url, json={"status": "reassessing", "on": "2025-03-20"}).get_json()["status"] == "reassessing"
    frozen_clock.set(at("2025-04-02"))
    forwarded = case_officer.post(url, json={"status": "forwarded", "on": "2025-04-01"}).get_json()
    assert forwarded["forwarded_on"] == "2025-04-01"
    frozen_clock.set(at("2025-05-15"))
    assert case_officer.post(url, json={"status": "upheld", "on": "2025-03-31"}).status_code == 422  # before forwarded
    done = case_officer.post(url, json={"status": "upheld", "on": "2025-05-15"}).get_json()
    assert done["status"] == "upheld" and done["resolved_on"] == "2025-05-15"
    final = case_officer.post(url, json={"status": "overturned", "on": "2025-05-15"})
    assert final.status_code == 409 and final.get_json()["state"] == "upheld"

    auditor = env.caller("auditor", town)
    log = auditor.get(f"/api/v1/persons/{person['id']}/access-log?page_size=200").get_json()
    steps = [(e["object_type"], e["action"], e["detail"]) for e in reversed(log)]
    for step in [("referral", "create", None), ("referral", "update", "start_assessment"),
                 ("referral", "update", "preliminary_reply"), ("decision", "create", None),
                 ("referral", "update", "decided"), ("decision", "update", "decide"),
                 ("decision", "update", "notify"), ("appeal", "create", None),
                 ("appeal", "update", "status reassessing"), ("appeal", "update", "status forwarded"),
                 ("appeal", "update", "status upheld")]:
        assert step in steps, step
    # in order
    positions = [steps.index(s) for s in [("referral", "create", None), ("decision", "update", "decide"),
                                          ("decision", "update", "notify"), ("appeal", "create", None)]]
    assert positions == sorted(positions)


def test_late_appeal_is_audited_as_late(env, town, case_officer, new_decision, frozen_clock):
    frozen_clock.set(at("2025-04-10"))
    decision = new_decision(service_code="midlertidig-botilbud", hours_per_week=None, valid_from="2025-03-01",
                            valid_to="2025-03-31", decided_on="2025-02-28")
    case_officer.post(f"/api/v1/decisions/{decision['id']}/notify", json={"notified_on": "2025-03-03"})
    late = case_officer.post(f"/api/v1/decisions/{decision['id']}/appeals", json={"received_on": "2025-03-25"}).get_json()
    assert late["deadline_on"] == "2025-03-24" and late["deadline_met"] is False
    auditor = env.caller("auditor", town)
    events = auditor.get(f"/api/v1/audit?object_id={late['id']}").get_json()
    assert [e["detail"] for e in events if e["action"] == "create"] == ["received after the deadline"]


def test_person_overview_sections(env, town, case_officer, person, new_referral, new_decision):
    open_referral = new_referral()
    closed = new_referral()
    case_officer.post(f"/api/v1/referrals/{closed['id']}/withdraw", json={"on": "2026-03-03"})
    active = new_decision()
    expired = new_decision(valid_from="2025-01-01", valid_to="2025-12-31", decided_on="2024-12-01")
    refused = new_decision(outcome="refused", valid_from=None, valid_to=None, hours_per_week=None,
                           service_code="kpr-1", provider_unit=None)
    other_unit = new_decision(provider_unit="Hjemmetjenesten", service_code="kpr-6", hours_per_week=None)
    appeal = case_officer.post(f"/api/v1/decisions/{refused['id']}/appeals", json={"received_on": "2026-03-01"}).get_json()

    overview = case_officer.get(f"/api/v1/persons/{person['id']}/overview").get_json()
    assert [r["id"] for r in overview["referrals"]] == [open_referral["id"]]
    decisions = overview["decisions"]
    assert {d["id"] for d in decisions["active"]} == {active["id"], other_unit["id"]}
    assert [d["id"] for d in decisions["expired"]] == [expired["id"]]
    assert [d["id"] for d in decisions["refused"]] == [refused["id"]]
    assert [a["id"] for a in overview["appeals"]] == [appeal["id"]]

    provider = env.caller("provider", town, provider_unit="Psykisk helseteam")
    seen = provider.get(f"/api/v1/persons/{person['id']}/overview").get_json()
    assert seen["referrals"] is None and seen["appeals"] is None
    assert {d["id"] for ds in seen["decisions"].values() for d in ds} == {active["id"], expired["id"]}

    auditor = env.caller("auditor", town)
    reads = auditor.get(f"/api/v1/audit?person_id={person['id']}&action=read&page_size=200").get_json()
    overview_reads = {(e["object_type"], e["object_id"]) for e in reads if e["detail"] == "overview"}
    assert ("decision", other_unit["id"]) in overview_reads and ("appeal", appeal["id"]) in overview_reads
    assert ("referral", open_referral["id"]) in overview_reads
