"""Every date the system computes from another date: one module, one rule per kind.

Why one home: a deadline given to a citizen (the appeal period) and a target the
municipality sets itself (answer a referral within a month, evaluate a plan every
six months) are counted differently, and mixing them up hurts someone. The
citizen's periods follow domstolloven §§ 148–149, the pattern the forvaltningsloven
follows (Lovavdelingen on fvl § 29; written out in skatteforvaltningsloven § 5-5 and
foreldelsesloven § 29):

* the day the period starts to run is not counted (§ 148 first paragraph);
* a period in weeks ends on the same weekday, one in months or years on the same
  date, or on the month's last day when that date does not exist (§ 148 second
  paragraph: 31 January + 1 month = 28/29 February);
* a period whose last day is a Saturday, a Sunday or a public holiday is extended to
  the next working day (§ 149). Public holidays are those of helligdagsloven § 2
  (1 January, Maundy Thursday, Good Friday, Easter Sunday and Monday, Ascension Day,
  Whit Sunday and Monday, 25 and 26 December) and 1 and 17 May (lov 26. april 1947
  nr. 1). 24 and 31 December are ordinary working days.

Whether a period moves is data (``LegalBasis.appeal_period_moves``), not code, so a
new forvaltningslov changes it by an edit. The dates the system computes:

=============================  ==================================  =====
date                           from                                moves
=============================  ==================================  =====
appeal ``deadline_on``          ``notified_on`` + the legal basis'   legal basis
                               period (fvl § 29: 3 weeks; pbrl
                               § 7-5: 4 weeks)
appeal ``absolute_limit_on``    ``decided_on`` + 1 year (fvl § 31    legal basis
                               third paragraph)
referral ``answer_due_on``      ``received_on`` + 1 month (fvl       no: the office's
                               § 11 a)                              own target
plan ``next_evaluation_on``     activation / evaluation + interval  no
tenancy ``planned_end_on``      ``start_on`` + the unit's            no
                               ``max_stay_months``
unit ``next_inspection_on``     inspection + interval               no
renewal ``valid_from``          old ``valid_to`` + 1 day            no
=============================  ==================================  =====

The holiday calendar is the legal list above with Easter from ``dateutil.easter``
(the Gregorian computus). The ``holidays`` package has the same list but only for
1901–2100 and answers an empty calendar outside it, while the service accepts dates
from 1850 to 2199; ``tests/common/test_statutory_periods.py`` checks this calendar against
hand-computed dates for 2024–2028 and against ``holidays`` for every year it covers.
"""

from __future__ import annotations

import datetime as dt
import functools

from dateutil.easter import easter
from dateutil.relativedelta import relativedelta

__all__ = [
    "add_days",
    "add_months",
    "is_working_day",
    "next_working_day",
    "norwegian_public_holidays",
    "statutory_period_end",
]

_SATURDAY = 5
# Days after Easter Sunday (helligdagsloven § 2): Maundy Thursday, Good Friday, Easter
# Sunday and Monday, Ascension Day, Whit Sunday and Monday.
_EASTER_OFFSETS = (-3, -2, 0, 1, 39, 49, 50)
# (month, day): New Year, 1 May and 17 May (lov 26. april 1947 nr. 1), Christmas Day and Boxing Day.
_FIXED = ((1, 1), (5, 1), (5, 17), (12, 25), (12, 26))


def add_days(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` + whole calendar months; a missing day becomes the month's last (31 Jan + 1 = 28/29 Feb).

    This is domstolloven § 148's month, and how the office's own targets are counted
    (``answer_due_on`` = received + 1 month, plan evaluations, maximum stays).
    """
    return day + relativedelta(months=months)


@functools.lru_cache(maxsize=256)
def norwegian_public_holidays(year: int) -> frozenset[dt.date]:
    """The public holidays (helligdager and 1/17 May) of one year; ordinary Sundays not listed."""
    easter_sunday = easter(year)
    return frozenset([dt.date(year, month, day) for month, day in _FIXED]
                     + [easter_sunday + dt.timedelta(days=offset) for offset in _EASTER_OFFSETS])


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < _SATURDAY and day not in norwegian_public_holidays(day.year)


def next_working_day(day: dt.date) -> dt.date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def statutory_period_end(start: dt.date, *, days: int = 0, weeks: int = 0, months: int = 0,
                         moves: bool = True) -> dt.date:
    """The last day of a period that starts to run on ``start`` (domstolloven §§ 148–149).

    ``start`` itself is not counted: a 3-week period from Thursday 4 March 2027 ends on
    Thursday 25 March, Maundy Thursday, and with ``moves`` on Tuesday 30 March 2027 (the
    first working day after the Easter holidays). Give exactly one of days, weeks, months.
    """
    if sum(1 for n in (days, weeks, months) if n) != 1 or min(days, weeks, months) < 0:
        raise ValueError("give exactly one positive length: days, weeks or months")
    if months:
        end = add_months(start, months)
    else:
        end = add_days(start, days + 7 * weeks)
    return next_working_day(end) if moves else end
