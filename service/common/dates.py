"""Calendar arithmetic for legal deadlines (Europe/Oslo dates, no times)."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` + whole calendar months; a missing day becomes the month's last (31 Jan + 1 = 28/29 Feb).

    This is how forvaltningsloven's "én måned" and the DESIGN's ``answer_due_on`` are counted.
    """
    return day + relativedelta(months=months)


def add_days(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)
