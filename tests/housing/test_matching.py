"""Matching (docs/housing.md): hard rules named, score terms explained, optimal proposal beats greedy."""

from tests.housing.conftest import GREEN, RED, YELLOW, N, U

P = "/api/v1/housing/allocation-proposal"


def _by(items, key):
    return {item[key]: item for item in items}


def test_each_hard_rule_is_named(make_unit, make_need, housing_officer, offer):
    need = make_need(category="robust_staff_base", housing_situation="sleeping_rough", active_substance_use=True)
    ordinary = make_unit(features=GREEN)
    sf = make_unit(features=RED, staffing="staff_base", unit_type="staffed_complex", substance_free=True)
    fits = make_unit(features=RED, staffing="staff_base", unit_type="staffed_complex")
    closed = make_unit(features=RED, staffing="staff_base", unit_type="staffed_complex")
    housing_officer.post(f"{U}/{closed['id']}/unavailable", json={"reason": "renovation"})
    full = make_unit(features=RED, staffing="staff_base", unit_type="staffed_complex")
    offer(full, make_need(category="robust_staff_base", housing_situation="housed"))

    body = housing_officer.get(f"{N}/{need['id']}/candidates").get_json()
    assert [c["unit_id"] for c in body["candidates"]] == [fits["id"]]
    excluded = {e["unit_id"]: e["reasons"] for e in body["excluded"]}
    assert excluded == {
        ordinary["id"]: ["class_too_low", "staffing_too_low", "unit_type_unsuitable"],
        sf["id"]: ["substance_free_unit"],
        closed["id"]: ["not_available"],
        full["id"]: ["no_capacity"],
    }
    for exclusion in body["excluded"]:  # every rule has its sentence
        assert [x["rule"] for x in exclusion["explanations"]] == exclusion["reasons"]
        assert all(x["text"] and x["text"] != x["rule"] for x in exclusion["explanations"])


def test_substance_free_required(make_unit, make_need, housing_officer):
    need = make_need(category="training_flat", housing_situation="institution_release")
    wet = make_unit(unit_type="training_flat")
    dry = make_unit(unit_type="training_flat", substance_free=True)
    body = housing_officer.get(f"{N}/{need['id']}/candidates").get_json()
    assert [c["unit_id"] for c in body["candidates"]] == [dry["id"]]
    assert [(e["unit_id"], e["reasons"]) for e in body["excluded"]] == [(wet["id"], ["substance_free_required"])]


def test_unclassified_unit_cannot_be_matched(make_unit, make_need, housing_officer):
    unit = make_unit(features=["smoke_detector"])
    need = make_need()
    body = housing_officer.get(f"{U}/{unit['id']}/candidates").get_json()
    assert [(e["need_id"], e["reasons"]) for e in body["excluded"]] == [(need["id"], ["class_too_low"])]
    assert body["excluded"][0]["risk_class"] is None
    assert body["excluded"][0]["explanations"][0]["text"] == "The unit is without a risk class; the need requires green"


def test_co_location_conflict_both_ways(make_unit, make_need, make_person, housing_officer, offer):
    resident, enemy, avoided = make_person(name="A"), make_person(name="B"), make_person(name="C")
    home = make_unit(complex="Tangen", capacity=1)
    neighbour = make_unit(complex="Tangen")
    elsewhere = make_unit(complex="Vestre")
    resident_need = make_need(resident, avoid_person_ids=[avoided["id"]])
    offered = offer(home, resident_need)
    housing_officer.post(f"{O}/{offered['id']}/accept", json={"start_on": "2026-03-03"})
    enemy_need = make_need(enemy, avoid_person_ids=[resident["id"]])
    avoided_need = make_need(avoided)

    body = housing_officer.get(f"{U}/{neighbour['id']}/candidates").get_json()
    assert body["candidates"] == []
    assert {e["need_id"]: e["reasons"] for e in body["excluded"]} == {
        enemy_need["id"]: ["co_location_conflict"], avoided_need["id"]: ["co_location_conflict"]}
    body = housing_officer.get(f"{U}/{elsewhere['id']}/candidates").get_json()
    assert {c["need_id"] for c in body["candidates"]} == {enemy_need["id"], avoided_need["id"]}


def test_co_location_in_a_unit_outside_any_complex_counts_that_unit_alone(make_unit, make_need, make_person,
                                                                            housing_officer, offer):
    resident, avoided = make_person(name="A"), make_person(name="C")
    shared_flat = make_unit(capacity=2)  # no complex: its own place
    other_flat = make_unit()
    offered = offer(shared_flat, make_need(resident, avoid_person_ids=[avoided["id"]]))
    housing_officer.post(f"{O}/{offered['id']}/accept", json={"start_on": "2026-03-03"})
    avoided_need = make_need(avoided)

    body = housing_officer.get(f"{U}/{shared_flat['id']}/candidates").get_json()
    assert {e["need_id"]: e["reasons"] for e in body["excluded"]} == {avoided_need["id"]: ["co_location_conflict"]}
    body = housing_officer.get(f"{U}/{other_flat['id']}/candidates").get_json()
    assert [c["need_id"] for c in body["candidates"]] == [avoided_need["id"]]


O = "/api/v1/housing/offers"


def test_score_terms_hand_computed(make_unit, make_need, housing_officer):
    # today 2026-03-03; registered 2026-01-02 = 60 days waiting
    need = make_need(registered_on="2026-01-02", urgency="high", housing_situation="sleeping_rough",
                     needed_by="2026-03-18", preferred_areas=["Sannidal"])
    unit = make_unit(district="Sannidal")
    body = housing_officer.get(f"{U}/{unit['id']}/candidates").get_json()
    assert [{k: c[k] for k in ("need_id", "score", "score_terms")} for c in body["candidates"]] == [
        {"need_id": need["id"], "score": 83.5, "score_terms": {
        "urgency": 20.0,          # high
        "days_waiting": 6.0,      # 60 days x 0.1
        "homelessness": 30.0,     # sleeping rough
        "needed_by": 12.5,        # 15 days left of a 90-day horizon: 15 x (1 - 15/90)
        "class_fit": 10.0,        # green unit for a green need
        "preferred_area": 5.0,
    }}]
    assert body["excluded"] == []


def test_red_unit_is_not_wasted_on_a_green_need(make_unit, make_need, housing_officer):
    green_need = make_need(housing_situation="housed")
    red_need = make_need(category="robust_supervised", housing_situation="housed")
    red = make_unit(features=RED, staffing="supervision")
    body = housing_officer.get(f"{U}/{red['id']}/candidates").get_json()
    ranked = [(c["need_id"], c["score_terms"]["class_fit"]) for c in body["candidates"]]
    assert ranked == [(red_need["id"], 10.0), (green_need["id"], -30.0)]


def test_ranked_best_first(make_unit, make_need, housing_officer):
    calm = make_need(housing_situation="housed")
    acute = make_need(housing_situation="sleeping_rough", urgency="acute")
    unit = make_unit()
    body = housing_officer.get(f"{U}/{unit['id']}/candidates").get_json()
    assert [c["need_id"] for c in body["candidates"]] == [acute["id"], calm["id"]]
    assert body["candidates"][0]["score"] > body["candidates"][1]["score"]


def test_proposal_beats_taking_each_units_best_in_turn(make_unit, make_need, housing_officer):
    """U1 fits both needs, U2 only N1. Greedy gives U1 its best (N1) and leaves U2 empty."""
    n1 = make_need(category="aftercare", housing_situation="sleeping_rough", urgency="acute")
    n2 = make_need(category="ordinary", housing_situation="with_friends_family")
    u1 = make_unit(label="A ordinary", unit_type="ordinary_rental")
    u2 = make_unit(label="B training", unit_type="training_flat")

    def scores(unit):
        body = housing_officer.get(f"{U}/{unit['id']}/candidates").get_json()
        return {c["need_id"]: c["score"] for c in body["candidates"]}

    s1, s2 = scores(u1), scores(u2)
    assert max(s1, key=s1.get) == n1["id"] and list(s2) == [n1["id"]]
    greedy_total = s1[n1["id"]]  # U1 takes N1; U2 then has no candidate left

    body = housing_officer.post(P, json={}).get_json()
    assert {(p["unit_id"], p["need_id"]) for p in body["pairs"]} == {(u1["id"], n2["id"]), (u2["id"], n1["id"])}
    assert body["total_score"] == round(s1[n2["id"]] + s2[n1["id"]], 2)
    assert body["total_score"] > greedy_total
    assert body["unassigned_need_ids"] == [] and body["unassigned_unit_ids"] == []
    for pair in body["pairs"]:
        assert round(sum(pair["score_terms"].values()), 2) == pair["score"]


def test_proposal_respects_hard_rules_and_changes_nothing(make_unit, make_need, housing_officer):
    red_need = make_need(category="robust_staff_base", housing_situation="sleeping_rough")
    green_need = make_need()
    unit = make_unit(features=YELLOW)
    body = housing_officer.post(P, json={}).get_json()
    assert [(p["unit_id"], p["need_id"]) for p in body["pairs"]] == [(unit["id"], green_need["id"])]
    assert body["unassigned_need_ids"] == [red_need["id"]]
    assert housing_officer.get(f"{U}/{unit['id']}").get_json()["status"] == "available"
    assert housing_officer.get(f"{N}/{green_need['id']}").get_json()["status"] == "waiting"


def test_proposal_fills_every_place_of_a_shared_unit(make_unit, make_need, housing_officer):
    needs = [make_need() for _ in range(3)]
    unit = make_unit(capacity=2)
    body = housing_officer.post(P, json={}).get_json()
    assert [p["unit_id"] for p in body["pairs"]] == [unit["id"], unit["id"]]
    assert len(body["unassigned_need_ids"]) == 1 and body["unassigned_need_ids"][0] in {n["id"] for n in needs}


def test_matching_sees_only_own_municipality(env, make_unit, make_need, housing_officer):
    make_need()
    other = env.caller("housing_officer", env.municipality())
    unit = other.post(U, json={"label": "Other", "unit_type": "ordinary_rental", "features": GREEN}).get_json()
    body = other.get(f"{U}/{unit['id']}/candidates").get_json()
    assert body["candidates"] == [] and body["excluded"] == []
    assert other.post(P, json={}).get_json()["pairs"] == []
    assert housing_officer.get(f"{U}/{unit['id']}/candidates").status_code == 404


def test_candidates_are_audited_per_need_listed(make_unit, make_need, housing_officer, app):
    import sqlalchemy as sa

    from service.audit.models import AuditEvent
    from service.extensions import db

    fits, excluded = make_need(), make_need(category="robust_staff_base", housing_situation="housed")
    unit = make_unit()
    housing_officer.get(f"{U}/{unit['id']}/candidates")
    with app.app_context():
        rows = db.session.execute(sa.select(AuditEvent.object_id, AuditEvent.person_id).where(
            AuditEvent.object_type == "housing_need", AuditEvent.action == "read",
            AuditEvent.detail == f"candidates for unit {unit['id']}")).all()
    assert {(o, str(p)) for o, p in rows} == {(fits["id"], fits["person_id"]),
                                              (excluded["id"], excluded["person_id"])}


def test_openapi_documents_housing(env):
    spec = env.client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/housing/allocation-proposal" in spec["paths"]
    assert "/api/v1/housing/units/{unit_id}/candidates" in spec["paths"]


# --- answers an officer can read without a second call -------------------------------------

NB = {"Accept-Language": "nb"}


def test_candidates_name_the_person_and_the_unit(make_unit, make_need, make_person, housing_officer):
    person = make_person(name="Ola Nordmann")
    need = make_need(person)
    unit = make_unit(label="Tangen 4B", address="Tangenveien 4, 3770 Kragerø")
    body = housing_officer.get(f"{U}/{unit['id']}/candidates").get_json()
    [candidate] = body["candidates"]
    assert candidate["need_id"] == need["id"]
    assert (candidate["person_id"], candidate["person_name"]) == (person["id"], "Ola Nordmann")
    assert (candidate["unit_label"], candidate["unit_address"], candidate["risk_class"]) == (
        "Tangen 4B", "Tangenveien 4, 3770 Kragerø", "green")
    body = housing_officer.get(f"{N}/{need['id']}/candidates").get_json()
    assert body["candidates"][0]["person_name"] == "Ola Nordmann"
    assert body["candidates"][0]["unit_label"] == "Tangen 4B"


def test_exclusions_say_why_in_bokmal_with_the_values(make_unit, make_need, housing_officer, offer):
    need = make_need(category="robust_staff_base", housing_situation="sleeping_rough", active_substance_use=True)
    make_unit(label="Gul", features=YELLOW, staffing="supervision", unit_type="staffed_complex")
    make_unit(label="Rusfri", features=RED, staffing="staff_base", unit_type="staffed_complex",
                    substance_free=True)
    closed = make_unit(label="Stengt", features=RED, staffing="staff_base", unit_type="staffed_complex")
    housing_officer.post(f"{U}/{closed['id']}/unavailable", json={"reason": "renovation"})
    make_unit(label="Leilighet", features=RED, staffing="staff_base")
    full = make_unit(label="Full", features=RED, staffing="staff_base", unit_type="staffed_complex")
    offer(full, make_need(category="robust_staff_base", housing_situation="housed"))

    body = housing_officer.get(f"{N}/{need['id']}/candidates", headers=NB).get_json()
    texts = {e["unit_label"]: [x["text"] for x in e["explanations"]] for e in body["excluded"]}
    assert texts["Gul"] == ["Boligen er gul; behovet krever rød",
                            "Boligen har tilsyn; behovet krever personalbase"]
    assert texts["Rusfri"] == ["Boligen er rusfri; personen har et aktivt rusbruk"]
    assert texts["Stengt"] == ["Boligen er ute av bruk"]
    assert texts["Leilighet"] == ["Boligen er en ordinær utleiebolig, som ikke passer et behov for "
                                  "robust bolig med personalbase"]
    assert texts["Full"] == ["Boligen har ingen ledig plass"]
    for exclusion in body["excluded"]:
        assert [x["rule"] for x in exclusion["explanations"]] == exclusion["reasons"]
    # the sentences are made once per language: each caller still gets their own
    for headers, expected in (({"Accept-Language": "en"}, "The unit is yellow; the need requires red"), (NB, "Boligen er gul; behovet krever rød")):
        body = housing_officer.get(f"{N}/{need['id']}/candidates", headers=headers).get_json()
        texts = {e["unit_label"]: [x["text"] for x in e["explanations"]] for e in body["excluded"]}
        assert texts["Gul"][0] == expected


def test_proposal_names_pairs_and_the_unassigned(make_unit, make_need, make_person, housing_officer):
    placed = make_need(make_person(name="Kari Plass"))
    waiting = make_need(make_person(name="Per Venter"), category="robust_staff_base", housing_situation="housed")
    unit = make_unit(label="Storgata 1")
    spare = make_unit(label="Ledig", features=YELLOW, unit_type="training_flat")
    body = housing_officer.post(P, json={}).get_json()
    [pair] = body["pairs"]
    assert (pair["person_name"], pair["unit_label"]) == ("Kari Plass", "Storgata 1")
    assert pair["need_id"] == placed["id"] and pair["unit_id"] == unit["id"]
    assert [(n["need_id"], n["person_name"]) for n in body["unassigned_needs"]] == [(waiting["id"], "Per Venter")]
    assert [(u["unit_id"], u["unit_label"]) for u in body["unassigned_units"]] == [(spare["id"], "Ledig")]


def test_candidates_schema_is_documented(env):
    spec = env.client.get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    exclusion = next(s for name, s in schemas.items() if name.startswith("Exclusion"))
    assert {"person_name", "unit_label", "unit_address", "reasons", "explanations"} <= set(exclusion["properties"])
