"""Why a hard rule excludes a (unit, need) pair: one sentence with the values, in the caller's language."""

from __future__ import annotations

import functools

from flask_babel import get_locale

from service.common.i18n import N_, _
from service.housing.frames import NeedFrame, UnitFrame
from service.housing.models import NEED_CATEGORIES, RISK_CLASSES, STAFFING_LEVELS, UNIT_TYPES

# Names used inside the exclusion sentences: marked here, translated where shown.
CLASS_NAMES = {"green": N_("green"), "yellow": N_("yellow"), "red": N_("red")}
UNCLASSIFIED = N_("without a risk class")
STAFFING_NAMES = {"none": N_("no staffing"), "supervision": N_("supervision"), "staff_base": N_("a staff base"),
                  "round_the_clock": N_("round-the-clock staffing")}
UNIT_TYPE_NAMES = {"ordinary_rental": N_("an ordinary rental flat"), "care_home": N_("a care home"),
                   "staffed_complex": N_("a staffed housing complex"), "training_flat": N_("a training flat"),
                   "aftercare_flat": N_("an aftercare flat"), "temporary": N_("temporary accommodation")}
CATEGORY_NAMES = {"ordinary": N_("ordinary housing"), "care_home_staffed": N_("a staffed care home"),
                  "robust_supervised": N_("robust housing with supervision"),
                  "robust_staff_base": N_("robust housing with a staff base"),
                  "training_flat": N_("a training flat"), "aftercare": N_("aftercare housing")}


def _named(table: dict, values: tuple, code: int) -> str:
    value = values[code] if 0 <= code < len(values) else None
    return _(table[value]) if value in table else (value or "?")


def _class_name(risk_class: str | None) -> str:
    return _(CLASS_NAMES[risk_class]) if risk_class in CLASS_NAMES else _(UNCLASSIFIED)


def explain(rule: str, units: UnitFrame, i: int, needs: NeedFrame, j: int) -> str:
    """One sentence, in the caller's language, saying why ``rule`` excludes the pair (unit i, need j)."""
    return _sentence(str(get_locale()), rule, *_values(rule, units, i, needs, j))


def _values(rule: str, units: UnitFrame, i: int, needs: NeedFrame, j: int) -> tuple:
    """What the sentence of ``rule`` depends on: a risk class, staffing level, unit type or need category."""
    if rule == "class_too_low":
        need_rank = int(needs.class_rank[j])
        return units.risk_classes[i], RISK_CLASSES[need_rank] if need_rank >= 0 else None
    if rule == "staffing_too_low":
        return int(units.staffing_rank[i]), int(needs.staffing_rank[j])
    if rule == "unit_type_unsuitable":
        return int(units.type_code[i]), int(needs.category_code[j])
    return ()


@functools.lru_cache(maxsize=1024)
def _sentence(locale: str, rule: str, *values) -> str:
    """The sentence for a rule and its values in ``locale``, made once per process: the candidates
    for one unit explain a hundred excluded needs with a handful of distinct sentences, and
    translating each anew cost about a tenth of the request's CPU on ``large``."""
    if rule == "not_available":
        return _("The unit is out of use")
    if rule == "class_too_low":
        unit_class, need_class = values
        return _("The unit is %(unit_class)s; the need requires %(need_class)s",
                 unit_class=_class_name(unit_class), need_class=_class_name(need_class))
    if rule == "staffing_too_low":
        unit_rank, need_rank = values
        return _("The unit has %(unit_staffing)s; the need requires %(need_staffing)s",
                 unit_staffing=_named(STAFFING_NAMES, STAFFING_LEVELS, unit_rank),
                 need_staffing=_named(STAFFING_NAMES, STAFFING_LEVELS, need_rank))
    if rule == "unit_type_unsuitable":
        type_code, category_code = values
        return _("The unit is %(unit_type)s, which does not suit a need for %(category)s",
                 unit_type=_named(UNIT_TYPE_NAMES, UNIT_TYPES, type_code),
                 category=_named(CATEGORY_NAMES, NEED_CATEGORIES, category_code))
    if rule == "substance_free_required":
        return _("The need requires a substance-free unit; this unit is not substance-free")
    if rule == "substance_free_unit":
        return _("The unit is substance-free; the person has an active substance use")
    if rule == "co_location_conflict":
        return _("The person should not live in the same place as someone who lives there or has been offered "
                 "a place there")
    if rule == "no_capacity":
        return _("The unit has no free place")
    raise LookupError(f"no explanation for rule {rule}")
