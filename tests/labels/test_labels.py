"""GET /api/v1/labels: the bokmål and English label of every code the API uses."""

from __future__ import annotations


def _enums(node, path=""):
    """Every (path, values) of an ``enum`` in the OpenAPI document."""
    if isinstance(node, dict):
        if isinstance(node.get("enum"), list) and all(isinstance(v, str) for v in node["enum"]):
            yield path, set(node["enum"])
        for key, value in node.items():
            yield from _enums(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _enums(value, f"{path}/{index}")


def test_every_enum_in_the_api_has_a_bokmal_label(env, town):
    caller = env.caller("case_officer", town)
    labels = caller.get("/api/v1/labels").get_json()
    spec = env.client.get("/api/v1/openapi.json").get_json()
    missing = []
    enums = list(_enums(spec))
    assert len(enums) > 30  # the walk finds the document's enums (roles, states, categories, …)
    for path, values in enums:
        if not any(values <= set(codes) for codes in labels.values()):
            missing.append(f"{path}: {sorted(values)}")
    assert not missing, "codes without a label domain:\n" + "\n".join(sorted(set(missing)))


def test_labels_come_in_bokmal_and_english_whatever_the_caller_asks(env, town):
    caller = env.caller("housing_officer", town)
    for language in ("en", "nb"):
        labels = caller.get("/api/v1/labels", headers={"Accept-Language": language}).get_json()
        assert labels["risk_class"]["yellow"] == {"nb": "Gul", "en": "Yellow"}
        assert labels["decision_state"]["draft"] == {"nb": "Utkast", "en": "Draft"}


def test_state_labels_are_translated_in_their_own_domain(env, town):
    labels = env.caller("planner", town).get("/api/v1/labels").get_json()
    # "Active" is a decision state and a plan status: each is looked up with its domain as context.
    for domain in ("decision_state", "plan_status", "need_status", "offer_status", "appeal_status"):
        for code, label in labels[domain].items():
            assert label["nb"] and label["en"], (domain, code)
            assert label["nb"] != label["en"] or label["en"] in {"Administrator"}, (domain, code, label)


def test_every_role_may_read_the_labels(env, town):
    from service.auth.roles import ALL_ROLES

    for role in ALL_ROLES:
        assert env.caller(role, town).get("/api/v1/labels").status_code == 200, role
    assert env.client.get("/api/v1/labels").status_code == 401
