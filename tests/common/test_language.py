"""People-facing text is bokmål unless the caller asks for English (docs/architecture.md)."""

import pytest

from service.common.errors import PROBLEM_TYPES


def test_no_language_header_gives_bokmal(case_officer):
    body = case_officer.post("/api/v1/persons", json={}, headers={"Accept-Language": None}).get_json()
    assert body["title"] == "Ugyldige opplysninger"
    assert body["detail"] == "Innholdet eller parameterne i forespørselen er ikke gyldige; se errors."
    assert body["errors"]["name"] == ["Feltet må fylles ut."]


@pytest.mark.parametrize("header", ["nb", "nb-NO", "no", "nn", "de, fr;q=0.5", "nb;q=0.9, en;q=0.8"])
def test_norwegian_and_unknown_languages_give_bokmal(case_officer, header):
    body = case_officer.get("/api/v1/persons/not-a-uuid", headers={"Accept-Language": header}).get_json()
    assert body["title"] == "Ikke funnet"
    assert body["detail"] == "Det finnes ingenting på denne adressen."


def test_english_on_request(case_officer):
    body = case_officer.post("/api/v1/persons", json={"name": "Kari", "birth_date": "31.12.2020"},
                             headers={"Accept-Language": "en-GB,en;q=0.9"}).get_json()
    assert body["title"] == "Validation failed"
    assert body["errors"]["birth_date"] == ["Not a valid date: use the format YYYY-MM-DD (e.g. 2027-03-30)."]


def test_a_badly_formatted_date_says_the_expected_format_in_bokmal(case_officer):
    body = case_officer.post("/api/v1/persons", json={"name": "Kari", "birth_date": "31.12.2020"},
                             headers={"Accept-Language": "nb"}).get_json()
    assert body["errors"]["birth_date"] == ["Ugyldig dato: bruk formatet ÅÅÅÅ-MM-DD (f.eks. 2027-03-30)."]


def test_marshmallow_templates_are_translated(case_officer):
    body = case_officer.post("/api/v1/persons", json={"name": "Kari", "has_minor_children": "kanskje"},
                             headers={"Accept-Language": "nb"}).get_json()
    assert body["errors"]["has_minor_children"] == ["Må være en av: yes, no, unknown."]


def test_every_problem_type_has_a_bokmal_title(app):
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale("nb"):
        untranslated = [code for code, (_s, title) in PROBLEM_TYPES.items() if gettext(title) == title]
    assert untranslated == []
