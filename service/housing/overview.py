"""Person overview sections for housing (registered at import of this module).

A section is null when the caller's role may not see that kind of row.
"""

from __future__ import annotations

from flask import g

from service.auth.roles import CASE_OFFICER, HOUSING_OFFICER, PROVIDER
from service.housing.schemas import NeedSchema, OfferSchema, TenancySchema
from service.persons.overview import register_overview_section

NEED_READERS = {HOUSING_OFFICER, CASE_OFFICER}
OFFER_READERS = {HOUSING_OFFICER}
TENANCY_READERS = {HOUSING_OFFICER, PROVIDER}


def _role():
    user = g.get("current_user")
    return user.role if user is not None else HOUSING_OFFICER


def _needs(person):
    from service.housing.needs import needs_of_person

    if _role() not in NEED_READERS:
        return None
    return NeedSchema(many=True).dump(needs_of_person(person.id))


def _offers(person):
    from service.housing.offers import offers_of_person

    if _role() not in OFFER_READERS:
        return None
    return OfferSchema(many=True).dump(offers_of_person(person.id))


def _tenancies(person):
    from service.housing.offers import tenancies_of_person

    if _role() not in TENANCY_READERS:
        return None
    return TenancySchema(many=True).dump(tenancies_of_person(person.id))


register_overview_section("housing_needs", _needs)
register_overview_section("housing_offers", _offers)
register_overview_section("housing_tenancies", _tenancies)
