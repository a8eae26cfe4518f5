"""``GET /persons/{id}/overview``: everything about one person on one page.

Each feature (referrals, decisions, plans, housing) contributes a section by
registering a function here, so the persons package does not import them. A
section function receives the (already visible, already audited) person and
returns JSON-ready data; it is responsible for applying the caller's
need-to-know rules to its own rows and for auditing what it reads.
"""

from __future__ import annotations

from collections.abc import Callable

from service.persons.models import Person

SectionBuilder = Callable[[Person], object]
_SECTIONS: dict[str, SectionBuilder] = {}


def register_overview_section(name: str, builder: SectionBuilder) -> None:
    _SECTIONS[name] = builder


def build_overview(person: Person) -> dict:
    return {name: builder(person) for name, builder in _SECTIONS.items()}
