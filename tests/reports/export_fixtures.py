"""Published snapshots made by hand for the export tests (shared by tests/reports/test_exports*.py).

Each table is in the stored format (``services.compute_published``): a hidden cell is null and
listed in ``hidden``. The raw values behind the hidden cells are known here (``RAW_HIDDEN``), so
a test can assert that no export shows one, nor anything a reader would compute from the
published cells around it. Today (the frozen clock) is 03.03.2026; the export is of 2026-02.

T1 (Kristiansund's table 1, 2020): ``other`` is small (3 during, 2 on the last day) and hidden,
``institution`` (17 during) is hidden with it so that ``other`` cannot be recomputed from the
distinct total. T6 carries row codes that look like formulas (no feature labels them, so they
are shown as they are) and one with æøå.
"""

from __future__ import annotations

import datetime as dt

from service.auth import services as auth
from service.common.tenancy import tenant_scope
from service.extensions import db
from service.reports.models import Snapshot

GROUPS = ["home_based", "activity", "housing_support", "substance_care", "rapid_mental_health", "institution",
          "other"]
FORMULA_ROWS = ["=1+2", "@SUM(A1:A2)", "+cmd|' /C calc'!A0", "-2+3"]
NORWEGIAN_ROW = "overført_til_statsforvalteren"
# Raw values behind hidden cells whose numbers are distinctive (never published anywhere here):
# T1 institution during the period (17), what T1's distinct total minus the published groups
# leaves (17 + 3 = 20), and T2's hidden hours.
RAW_HIDDEN = {("T1", "institution", "during_period"): 17, ("T2", "institution", "hours"): 23.5}
NEVER_SHOWN = (17, 20, 23.5, 29)  # 29 = 23.5 + 5.5, T2's remainder


def t1(on_last_day_total: int = 709, home_based: int = 235) -> dict:
    during = [240, 150, 38, 105, 205, None, None]
    last = [home_based, 140, 36, 101, 199, 0, None]
    return {
        "rows": [*GROUPS, "ongoing_total", "rapid_only", "total"],
        "columns": ["during_period", "on_last_day"],
        "units": {"during_period": "persons", "on_last_day": "persons"},
        "values": [[d, v] for d, v in zip(during, last, strict=True)] + [[520, 510], [201, 199],
                                                                        [721, on_last_day_total]],
        "hidden": [["institution", "during_period"], ["other", "during_period"], ["other", "on_last_day"]],
    }


def t2() -> dict:
    hours = [374, 1651, 1521, 153, 0, None, None, 3722.5]
    persons = [235, 140, 36, 101, 0, None, None, 522]
    return {
        "rows": [*GROUPS, "total"], "columns": ["hours", "persons"],
        "units": {"hours": "hours", "persons": "persons"},
        "values": [[h, p] for h, p in zip(hours, persons, strict=True)],
        "hidden": [["institution", "hours"], ["institution", "persons"], ["other", "hours"], ["other", "persons"]],
    }


def t3() -> dict:
    return {
        "rows": ["mental_health_only", "substance_only", "both", "total"], "columns": ["on_last_day"],
        "units": {"on_last_day": "persons"},
        "values": [[80], [43], [13], [136]], "hidden": [],
    }


def t6() -> dict:
    rows = ["received", *FORMULA_ROWS, NORWEGIAN_ROW]
    return {
        "rows": rows, "columns": ["appeals"], "units": {"appeals": "appeals"},
        "values": [[12], [0], [6], [None], [0], [None]],
        "hidden": [["+cmd|' /C calc'!A0", "appeals"], [NORWEGIAN_ROW, "appeals"]],
    }


def t8() -> dict:
    columns = ["available", "reserved", "occupied", "unavailable", "total"]
    return {
        "rows": ["green", "yellow", "red", "unclassified", "total"], "columns": columns,
        "units": dict.fromkeys(columns, "units"),
        "values": [[6, 0, 41, 5, 52], [None, 0, 18, None, 28], [None, 0, 9, None, 12], [0, 0, 0, 0, 0],
                   [12, 0, 68, 12, 92]],
        "hidden": [["yellow", "available"], ["yellow", "unavailable"], ["red", "available"], ["red", "unavailable"]],
    }


def t9(total_waiting: int | None = 31) -> dict:
    columns = ["ordinary", "care_home_staffed", "robust_supervised", "total_waiting", "median_days_waiting",
               "available_units", "gap"]
    units = {**dict.fromkeys(columns[:4], "needs"), "median_days_waiting": "days", "available_units": "units",
             "gap": "units"}
    hidden = [["red", "ordinary"], ["red", "care_home_staffed"], ["red", "total_waiting"],
              ["red", "median_days_waiting"], ["red", "gap"], ["yellow", "robust_supervised"],
              ["yellow", "total_waiting"], ["yellow", "gap"], ["green", "robust_supervised"]]
    values = [[15, 0, None, 15, 44.5, 6, 9], [0, 9, None, None, 61, 7, None], [None, None, 0, None, None, 0, None],
              [15, 12, 0, total_waiting, 52, 13, None if total_waiting is None else total_waiting - 13]]
    if total_waiting is None:
        hidden.append(["total", "total_waiting"])
    return {"rows": ["green", "yellow", "red", "total"], "columns": columns, "units": units, "values": values,
            "hidden": hidden}


def tables(**t1_values) -> dict:
    return {"T1": t1(**t1_values), "T2": t2(), "T3": t3(), "T6": t6(), "T8": t8(), "T9": t9()}


def store(app, number: str, period: str, version: int, published: dict, *, reason: str | None = None,
          generated: dt.datetime = dt.datetime(2026, 3, 1, 1, 0, tzinfo=dt.timezone.utc)) -> None:
    """Insert a snapshot as the build would have stored it."""
    with app.app_context():
        municipality_id = auth.get_municipality_by_number(number).id
        with tenant_scope(municipality_id):
            db.session.add(Snapshot(
                municipality_id=municipality_id, period=period, version=version, reason=reason,
                generated_at=generated, built_on=generated.date(), trigger="scheduled", suppression_threshold=5,
                tables=published, changed_cells=[]))
            db.session.commit()


def seed(app, number: str) -> None:
    """February 2026 (version 1, and version 2 with a formula-like reason), last February (T9's main
    number hidden then), and trend months: November 2025 in two versions, January 2026; December missing."""
    store(app, number, "2026-02", 1, tables(on_last_day_total=700))
    store(app, number, "2026-02", 2, tables(), reason="=HYPERLINK(\"http://x\") Etterregistrering i Ålesund")
    last_year = tables(on_last_day_total=697)
    last_year["T9"] = t9(total_waiting=None)
    store(app, number, "2025-02", 1, last_year, generated=dt.datetime(2025, 3, 1, 1, 0, tzinfo=dt.timezone.utc))
    store(app, number, "2025-11", 1, tables(on_last_day_total=650))
    store(app, number, "2025-11", 2, tables(on_last_day_total=655), reason="Rettet")
    store(app, number, "2026-01", 1, tables(on_last_day_total=690))
