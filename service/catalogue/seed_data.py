"""The catalogue every municipality starts with (pure data; see docs/cases.md).

Legal bases: the appeal period is 4 weeks (28 days) for decisions on health and
care services under pasient- og brukerrettighetsloven § 7-5, and 3 weeks
(21 days) under forvaltningsloven § 29 for decisions under the social services
act and the housing act. Services: the KPR/IPLOS service types (national codes)
and the local mental-health and substance services named in the municipal plans.
An administrator edits the rows per municipality; codes never change.
"""

from __future__ import annotations

PBRL_APPEAL = {"appeal_period_days": 28, "appeal_rule": "pasient- og brukerrettighetsloven § 7-5",
               "appeal_body": "Statsforvalteren (pasient- og brukerrettighetsloven § 7-2)"}
FVL_APPEAL_STATSFORVALTER_STJL = {
    "appeal_period_days": 21, "appeal_rule": "forvaltningsloven § 29",
    "appeal_body": "Statsforvalteren (sosialtjenesteloven § 48)"}
FVL_APPEAL_STATSFORVALTER_BOLIG = {
    "appeal_period_days": 21, "appeal_rule": "forvaltningsloven § 29",
    "appeal_body": "Statsforvalteren (boligsosialloven)"}

LEGAL_BASES: list[dict] = [
    {"code": "pbrl-2-1a", "name_nb": "Rett til nødvendige helse- og omsorgstjenester fra kommunen",
     "law_reference": "pasient- og brukerrettighetsloven § 2-1 a andre ledd, jf. helse- og omsorgstjenesteloven § 3-1",
     **PBRL_APPEAL},
    {"code": "hol-3-2-6a", "name_nb": "Helsetjenester i hjemmet",
     "law_reference": "helse- og omsorgstjenesteloven § 3-2 første ledd nr. 6 bokstav a",
     **PBRL_APPEAL},
    {"code": "hol-3-2-6b", "name_nb": "Personlig assistanse, herunder praktisk bistand og opplæring og støttekontakt",
     "law_reference": "helse- og omsorgstjenesteloven § 3-2 første ledd nr. 6 bokstav b",
     **PBRL_APPEAL},
    {"code": "hol-3-2-6c", "name_nb": "Plass i institusjon, herunder sykehjem",
     "law_reference": "helse- og omsorgstjenesteloven § 3-2 første ledd nr. 6 bokstav c",
     **PBRL_APPEAL},
    {"code": "hol-3-2-6d", "name_nb": "Avlastningstiltak",
     "law_reference": "helse- og omsorgstjenesteloven § 3-2 første ledd nr. 6 bokstav d",
     **PBRL_APPEAL},
    {"code": "pbrl-2-1d", "name_nb": "Brukerstyrt personlig assistanse (BPA)",
     "law_reference": "pasient- og brukerrettighetsloven § 2-1 d, jf. helse- og omsorgstjenesteloven § 3-8",
     **PBRL_APPEAL},
    {"code": "hol-3-5", "name_nb": "Døgnopphold for øyeblikkelig hjelp",
     "law_reference": "helse- og omsorgstjenesteloven § 3-5 tredje ledd",
     **PBRL_APPEAL},
    {"code": "hol-3-6", "name_nb": "Omsorgsstønad",
     "law_reference": "helse- og omsorgstjenesteloven § 3-6 første ledd nr. 3",
     **PBRL_APPEAL},
    {"code": "pbrl-2-5", "name_nb": "Individuell plan og koordinator",
     "law_reference": "pasient- og brukerrettighetsloven § 2-5, jf. helse- og omsorgstjenesteloven §§ 7-1 og 7-2",
     **PBRL_APPEAL},
    {"code": "stjl-27", "name_nb": "Midlertidig botilbud",
     "law_reference": "sosialtjenesteloven (lov om sosiale tjenester i NAV) § 27",
     **FVL_APPEAL_STATSFORVALTER_STJL},
    {"code": "boligsosialloven-6", "name_nb": "Individuelt tilpasset bistand til vanskeligstilte på boligmarkedet",
     "law_reference": "lov om kommunenes ansvar på det boligsosiale feltet (boligsosialloven) § 6",
     **FVL_APPEAL_STATSFORVALTER_BOLIG},
]

# (code, name_nb, kpr_code, hour_based, default_legal_basis, report_group)
_SERVICES: list[tuple] = [
    # KPR/IPLOS service types (national codes)
    ("kpr-1", "Praktisk bistand – daglige gjøremål", "1", True, "hol-3-2-6b", "home_based"),
    ("kpr-2", "Praktisk bistand – opplæring – daglige gjøremål", "2", True, "hol-3-2-6b", "home_based"),
    ("kpr-3", "Praktisk bistand – brukerstyrt personlig assistanse (BPA)", "3", True, "pbrl-2-1d", "home_based"),
    ("kpr-4", "Dagaktivitetstilbud", "4", True, "hol-3-2-6b", "activity"),
    ("kpr-6", "Trygghetsalarm", "6", False, "pbrl-2-1a", "home_based"),
    ("kpr-7", "Avlastning – utenfor institusjon", "7", True, "hol-3-2-6d", "home_based"),
    ("kpr-8", "Avlastning – i institusjon", "8", False, "hol-3-2-6d", "institution"),
    ("kpr-9", "Støttekontakt", "9", True, "hol-3-2-6b", "activity"),
    ("kpr-11", "Omsorgsstønad", "11", True, "hol-3-6", "home_based"),
    ("kpr-15", "Helsetjenester i hjemmet", "15", True, "hol-3-2-6a", "home_based"),
    ("kpr-17", "Dagopphold i institusjon", "17", False, "hol-3-2-6c", "activity"),
    ("kpr-18", "Tidsbegrenset opphold i institusjon – utredning/behandling", "18", False, "hol-3-2-6c", "institution"),
    ("kpr-19", "Tidsbegrenset opphold i institusjon – habilitering/rehabilitering", "19", False, "hol-3-2-6c", "institution"),
    ("kpr-20", "Tidsbegrenset opphold i institusjon – annet", "20", False, "hol-3-2-6c", "institution"),
    ("kpr-21", "Langtidsopphold i institusjon", "21", False, "hol-3-2-6c", "institution"),
    ("kpr-25", "Kommunal øyeblikkelig hjelp døgnopphold", "25", False, "hol-3-5", "institution"),
    ("kpr-27", "Elektronisk medisineringsstøtte", "27", False, "hol-3-2-6a", "home_based"),
    ("kpr-28", "Digitalt tilsyn", "28", False, "pbrl-2-1a", "home_based"),
    ("kpr-29", "Bolig som kommunen disponerer for helse- og omsorgsformål", "29", False,
     "boligsosialloven-6", "housing_support"),
    # Local mental-health and substance services (Kragerø 4.1.1, Kristiansund tables 1–2)
    ("psykisk-helse-oppfolging", "Psykisk helsetjeneste – oppfølging og samtaler", None, True,
     "hol-3-2-6a", "home_based"),
    ("rask-psykisk-helsehjelp", "Rask psykisk helsehjelp", None, True, "pbrl-2-1a", "rapid_mental_health"),
    ("rus-oppfolging", "Oppfølging rus (ruskonsulent)", None, True, "hol-3-2-6a", "substance_care"),
    ("rus-praktisk-bistand-opplaering", "Praktisk bistand og opplæring (rus)", None, True,
     "hol-3-2-6b", "substance_care"),
    ("bo-og-veiledning", "Bo og veiledning – oppfølging i bolig", None, True, "hol-3-2-6b", "housing_support"),
    ("aktivitetstilbud", "Aktivitetstilbud / dagtilbud", None, True, "hol-3-2-6b", "activity"),
    ("individuell-plan-koordinator", "Individuell plan og koordinator", None, False, "pbrl-2-5", "other"),
    ("boligsosial-bistand", "Boligsosial bistand (boligsosialloven § 6)", None, False,
     "boligsosialloven-6", "housing_support"),
    ("midlertidig-botilbud", "Midlertidig botilbud (sosialtjenesteloven § 27)", None, False,
     "stjl-27", "housing_support"),
]

SERVICES: list[dict] = [
    {"code": code, "name_nb": name, "kpr_code": kpr, "hour_based": hours,
     "default_legal_basis": basis, "report_group": group}
    for code, name, kpr, hours, basis, group in _SERVICES
]
