"""Small-cell suppression: hand-worked tables, and the attacker's LP audit over random snapshots."""

from __future__ import annotations

import decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from service.reports.suppression import Cell, audit, protect, protected
from service.reports.tables import Relation, at_most, distinct_total_of, equal, total_of


def grid(key: str, values: list[list[int]], *, row_totals: bool = True, column_totals: bool = True,
         ) -> tuple[list[Cell], list[Relation]]:
    """A count table ``key`` with rows r1…, columns c1…, and a ``total`` column and/or row."""
    rows = [f"r{i + 1}" for i in range(len(values))]
    columns = [f"c{j + 1}" for j in range(len(values[0]))]
    raw = {(row, column): values[i][j] for i, row in enumerate(rows) for j, column in enumerate(columns)}
    relations = []
    if row_totals:
        for row in rows:
            raw[(row, "total")] = sum(raw[(row, column)] for column in columns)
            relations.append(total_of((key, row, "total"), [(key, row, column) for column in columns]))
        columns = [*columns, "total"]
    if column_totals:
        for column in columns:
            raw[("total", column)] = sum(raw[(row, column)] for row in rows)
            relations.append(total_of((key, "total", column), [(key, row, column) for row in rows]))
    return [Cell((key, row, column), value, "count") for (row, column), value in raw.items()], relations


def check(cells: list[Cell], relations: list[Relation], threshold: int = 5) -> dict:
    """Protect, then audit as a statistical office would; return the marks and the intervals."""
    marks = protect(cells, relations, threshold)
    intervals = audit(cells, relations, marks)
    assert protected(intervals, threshold), intervals
    return {"marks": marks, "intervals": intervals}


def test_a_small_cell_in_a_two_by_two_table_hides_the_rectangle_and_keeps_the_totals():
    cells, relations = grid("A", [[3, 10], [20, 30]])
    result = check(cells, relations)

    assert result["marks"] == {("A", "r1", "c1"): "primary", ("A", "r1", "c2"): "secondary",
                               ("A", "r2", "c1"): "secondary", ("A", "r2", "c2"): "secondary"}
    # One degree of freedom d: 3+d, 10−d, 20−d, 30+d with −3 ≤ d ≤ 10.
    assert result["intervals"] == {("A", "r1", "c1"): pytest.approx((0, 13)), ("A", "r1", "c2"): pytest.approx((0, 13)),
                                   ("A", "r2", "c1"): pytest.approx((10, 23)),
                                   ("A", "r2", "c2"): pytest.approx((27, 40))}


def test_zeros_are_shown_and_a_small_margin_is_hidden_like_any_small_count():
    cells, relations = grid("A", [[3, 0, 12], [0, 9, 15]])
    result = check(cells, relations)

    assert result["marks"] == {("A", "r1", "c1"): "primary", ("A", "total", "c1"): "primary",  # 3 + 0
                               ("A", "r1", "c3"): "secondary", ("A", "r2", "c2"): "secondary",
                               ("A", "r2", "c3"): "secondary", ("A", "total", "c2"): "secondary"}
    assert ("A", "r1", "c2") not in result["marks"] and ("A", "r2", "c1") not in result["marks"]


def test_a_single_row_hides_a_second_cell_not_its_total():
    cells, relations = grid("A", [[3, 7]], column_totals=False)
    result = check(cells, relations)

    assert result["marks"] == {("A", "r1", "c1"): "primary", ("A", "r1", "c2"): "secondary"}
    assert result["intervals"] == {("A", "r1", "c1"): (0, 10), ("A", "r1", "c2"): (0, 10)}


def test_two_small_cells_that_together_are_still_small_need_a_third():
    cells, relations = grid("A", [[1, 2, 40]], column_totals=False)
    result = check(cells, relations)

    # 1 + 2 = 43 − 40 would leave each of them in [0, 3]: the LP finds it, and 40 goes too.
    assert result["marks"] == {("A", "r1", "c1"): "primary", ("A", "r1", "c2"): "primary",
                               ("A", "r1", "c3"): "secondary"}
    assert set(result["intervals"].values()) == {(0, 43)}


def test_a_median_over_a_small_count_is_hidden_and_a_median_of_nobody_is_null():
    cells = [
        Cell(("T4", "phone", "decided"), 3, "count"),
        Cell(("T4", "phone", "median_days"), 12.5, "derived", base=("T4", "phone", "decided")),
        Cell(("T4", "letter", "decided"), 8, "count"),
        Cell(("T4", "letter", "median_days"), 20, "derived", base=("T4", "letter", "decided")),
        Cell(("T4", "email", "decided"), 0, "count"),
        Cell(("T4", "email", "median_days"), None, "derived", base=("T4", "email", "decided")),
        Cell(("T4", "total", "decided"), 11, "count"),
        Cell(("T4", "total", "median_days"), 17, "derived", base=("T4", "total", "decided")),
    ]
    relations = [total_of(("T4", "total", "decided"), [("T4", source, "decided") for source in
                                                       ("phone", "letter", "email")])]
    marks = check(cells, relations)["marks"]

    assert marks[("T4", "phone", "median_days")] == "primary"
    # The letter count is hidden so that the phone count cannot be subtracted from the total,
    # and its median goes with it; the median of nobody stays null.
    assert marks == {("T4", "phone", "decided"): "primary", ("T4", "phone", "median_days"): "primary",
                     ("T4", "letter", "decided"): "secondary", ("T4", "letter", "median_days"): "secondary"}


def test_a_value_over_a_count_of_zero_is_hidden():
    cells = [Cell(("T", "r", "n"), 0, "count"), Cell(("T", "r", "median"), 4, "derived", base=("T", "r", "n"))]
    assert protect(cells, []) == {("T", "r", "median"): "primary"}


def test_a_share_is_hidden_when_its_numerator_is():
    decided, within = ("T4", "total", "decided"), ("T4", "total", "decided_within_month")
    cells = [
        Cell(decided, 20, "count"),
        Cell(within, 3, "count"),
        Cell(("T4", "total", "share_within_month"), 15.0, "derived", base=decided, depends_on=(within, decided)),
    ]
    result = check(cells, [at_most(within, decided)])

    assert result["marks"] == {within: "primary", ("T4", "total", "share_within_month"): "secondary"}
    assert result["intervals"] == {within: (0, 20)}


def test_hours_over_few_persons_are_hidden_but_zero_hours_are_shown():
    cells = [
        Cell(("T2", "activity", "persons"), 2, "count"),
        Cell(("T2", "activity", "hours"), decimal.Decimal("7.5"), "sum", base=("T2", "activity", "persons")),
        Cell(("T2", "housing", "persons"), 3, "count"),
        Cell(("T2", "housing", "hours"), decimal.Decimal("0"), "sum", base=("T2", "housing", "persons")),
        Cell(("T2", "home", "persons"), 30, "count"),
        Cell(("T2", "home", "hours"), decimal.Decimal("120.5"), "sum", base=("T2", "home", "persons")),
        Cell(("T2", "total", "persons"), 35, "count"),
        Cell(("T2", "total", "hours"), decimal.Decimal("128"), "sum", base=("T2", "total", "persons")),
    ]
    groups = ("activity", "housing", "home")
    relations = [total_of(("T2", "total", column), [("T2", group, column) for group in groups])
                 for column in ("persons", "hours")]
    result = check(cells, relations)

    # 2 + 3 persons = 35 − 30 leaves each in [0, 5], wide enough; 7.5 hours = 128 − 120.5 − 0 is
    # not, so the home hours go too. The zero hours of the housing group are shown.
    assert result["marks"] == {
        ("T2", "activity", "persons"): "primary", ("T2", "activity", "hours"): "primary",
        ("T2", "housing", "persons"): "primary", ("T2", "home", "hours"): "secondary",
    }
    assert result["intervals"] == {("T2", "activity", "persons"): (0, 5), ("T2", "housing", "persons"): (0, 5),
                                   ("T2", "activity", "hours"): (0, 128), ("T2", "home", "hours"): (0, 128)}


def _shared_margin() -> tuple[list[Cell], list[Relation], list[Cell], list[Relation]]:
    """Table A by group × category; table B counts the same persons by category (A's column totals)."""
    a_cells, a_relations = grid("A", [[3, 0], [0, 9]])
    b_cells = [Cell(("B", "c1", "n"), 3, "count"), Cell(("B", "c2", "n"), 9, "count"),
               Cell(("B", "total", "n"), 12, "count")]
    b_relations = [total_of(("B", "total", "n"), [("B", "c1", "n"), ("B", "c2", "n")]),
                   equal(("A", "total", "c1"), ("B", "c1", "n")), equal(("A", "total", "c2"), ("B", "c2", "n")),
                   equal(("A", "total", "total"), ("B", "total", "n"))]
    return a_cells, a_relations, b_cells, b_relations


def test_a_table_sharing_a_margin_is_protected_together_with_it():
    a_cells, a_relations, b_cells, b_relations = _shared_margin()
    cells, relations = a_cells + b_cells, a_relations + b_relations

    # Protected on its own, table A gives everything away once B publishes its categories:
    # B's 9 is A's hidden column total, so A's 9 and then its 3 follow by subtraction.
    alone = set(protect(a_cells, a_relations)) | {("B", "c1", "n")}
    leaked = audit(cells, relations, alone)
    assert leaked[("A", "r1", "c1")] == (3, 3)
    assert not protected(leaked, 5)

    result = check(cells, relations)
    assert result["marks"][("B", "c2", "n")] == "secondary"
    assert result["intervals"][("A", "r1", "c1")] == pytest.approx((0, 12))


def test_overlapping_groups_under_a_distinct_total_bound_each_other_only_loosely():
    groups = [("T1", group, "n") for group in ("home_based", "activity", "housing_support")]
    distinct = ("T1", "ongoing_total", "n")
    cells = [Cell(groups[0], 2, "count"), Cell(groups[1], 3, "count"), Cell(groups[2], 10, "count"),
             Cell(distinct, 12, "count")]
    result = check(cells, distinct_total_of(distinct, groups))

    # Three persons are in two groups: 12 ≤ 2 + 3 + 10 does not pin the small groups, each ≤ 12.
    assert result["marks"] == {groups[0]: "primary", groups[1]: "primary"}
    assert result["intervals"] == {groups[0]: (0, 12), groups[1]: (0, 12)}


def test_a_small_distinct_total_is_protected_through_the_total_it_adds_up_to():
    groups = [("T1", "home_based", "n"), ("T1", "activity", "n")]
    distinct, rapid, total = ("T1", "ongoing_total", "n"), ("T1", "rapid_only", "n"), ("T1", "total", "n")
    cells = [Cell(groups[0], 2, "count"), Cell(groups[1], 3, "count"), Cell(distinct, 4, "count"),
             Cell(rapid, 6, "count"), Cell(total, 10, "count")]
    relations = [*distinct_total_of(distinct, groups), total_of(total, [distinct, rapid])]
    result = check(cells, relations)

    assert result["marks"] == {groups[0]: "primary", groups[1]: "primary", distinct: "primary", rapid: "secondary"}
    assert set(result["intervals"].values()) == {(0, 10)}


def test_the_audit_finds_a_cell_recomputable_from_its_row():
    cells, relations = grid("A", [[3, 7]], column_totals=False)
    intervals = audit(cells, relations, {("A", "r1", "c1")})

    assert intervals == {("A", "r1", "c1"): (3, 3)}
    assert not protected(intervals, 5)
    assert protected(intervals, 0)


def test_a_cell_nothing_bounds_is_unbounded():
    cells, relations = grid("A", [[3, 7]], column_totals=False)
    everything = {("A", "r1", "c1"), ("A", "r1", "c2"), ("A", "r1", "total")}
    assert audit(cells, relations, everything)[("A", "r1", "total")] == (0, float("inf"))


def test_an_undecided_unbounded_answer_from_the_solver_is_settled_by_the_directions(monkeypatch):
    from service.reports import suppression

    def presolve_cannot_tell(objective, **kwargs):
        answer = linprog(objective, **kwargs)
        if answer.status == 3:  # what HiGHS says when presolve only knows "unbounded or infeasible"
            answer.status, answer.message = 4, "The problem is unbounded or infeasible."
        return answer

    monkeypatch.setattr(suppression, "linprog", presolve_cannot_tell)
    cells, relations = grid("A", [[3, 7]], column_totals=False)
    hidden = {("A", "r1", "c1"), ("A", "r1", "c2"), ("A", "r1", "total")}
    assert audit(cells, relations, hidden) == {ref: (0, float("inf")) for ref in hidden}


def test_the_choice_does_not_depend_on_the_order_of_cells_or_relations():
    a_cells, a_relations, b_cells, b_relations = _shared_margin()
    cells, relations = a_cells + b_cells, a_relations + b_relations
    assert protect(cells[::-1], relations[::-1]) == protect(cells, relations)


def test_a_relation_over_a_cell_that_is_not_a_count_is_refused():
    cells = [Cell(("T", "r", "n"), 3, "count"), Cell(("T", "r", "median"), 4, "derived", base=("T", "r", "n"))]
    with pytest.raises(ValueError):
        protect(cells, [equal(("T", "r", "n"), ("T", "r", "median"))])
    with pytest.raises(ValueError):
        protect(cells, [equal(("T", "r", "n"), ("T", "elsewhere", "n"))])


# Random snapshots: a few tables of the shapes the report has, with small cells frequent.


@st.composite
def counts(draw, threshold: int, zero_share: float) -> int:
    roll = draw(st.floats(0, 1))
    if roll < zero_share:
        return 0
    if roll < zero_share + (1 - zero_share) / 2:
        return draw(st.integers(1, threshold - 1))
    return draw(st.integers(threshold, 60))


@st.composite
def grid_tables(draw, key: str, threshold: int, zero_share: float, column_totals: bool | None = None):
    height, width = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    values = [[draw(counts(threshold, zero_share)) for _ in range(width)] for _ in range(height)]
    row_totals = draw(st.booleans())
    if column_totals is None:
        column_totals = draw(st.booleans()) or not row_totals
    cells, relations = grid(key, values, row_totals=row_totals, column_totals=column_totals)
    if row_totals and draw(st.booleans()):
        # A median and a share per row, computed over the row's total (T4's shape).
        for row in [f"r{i + 1}" for i in range(height)]:
            base, first = (key, row, "total"), (key, row, "c1")
            persons = next(cell.value for cell in cells if cell.ref == base)
            share = round(100 * values[int(row[1:]) - 1][0] / persons, 1) if persons else None
            cells += [Cell((key, row, "median"), 7 if persons else None, "derived", base=base),
                      Cell((key, row, "share"), share, "derived", base=base, depends_on=(first, base))]
    return cells, relations


@st.composite
def shared_margin_tables(draw, key: str, threshold: int, zero_share: float):
    """Two tables of the same persons: the second splits the first's column totals differently."""
    cells, relations = draw(grid_tables(key, threshold, zero_share, column_totals=True))
    margin = {cell.ref[2]: cell.value for cell in cells if cell.ref[1] == "total"}
    columns = [column for column in margin if column != "total"]
    height = draw(st.integers(1, 3))
    other, other_relations = [], []
    for column in columns:
        cuts = sorted(draw(st.lists(st.integers(0, margin[column]), min_size=height - 1, max_size=height - 1)))
        parts = [high - low for low, high in zip([0, *cuts], [*cuts, margin[column]], strict=True)]
        other += [Cell((key + "b", f"s{i + 1}", column), part, "count") for i, part in enumerate(parts)]
        other += [Cell((key + "b", "total", column), margin[column], "count")]
        other_relations.append(total_of((key + "b", "total", column),
                                        [(key + "b", f"s{i + 1}", column) for i in range(height)]))
        other_relations.append(equal((key, "total", column), (key + "b", "total", column)))
    return cells + other, relations + other_relations


@st.composite
def distinct_tables(draw, key: str, threshold: int, zero_share: float):
    """Groups of persons that overlap, their distinct total, those in none, and everyone (T1's shape)."""
    groups = draw(st.integers(2, 4))
    persons = draw(st.lists(st.lists(st.booleans(), min_size=groups, max_size=groups), max_size=25))
    sizes = [sum(person[g] for person in persons) for g in range(groups)]
    distinct = sum(any(person) for person in persons)
    others = draw(counts(threshold, zero_share))
    refs = [(key, f"g{g + 1}", "n") for g in range(groups)]
    cells = [Cell(ref, size, "count") for ref, size in zip(refs, sizes, strict=True)]
    cells += [Cell((key, "distinct", "n"), distinct, "count"), Cell((key, "others", "n"), others, "count"),
              Cell((key, "total", "n"), distinct + others, "count")]
    relations = [*distinct_total_of((key, "distinct", "n"), refs),
                 total_of((key, "total", "n"), [(key, "distinct", "n"), (key, "others", "n")])]
    return cells, relations


@st.composite
def hours_tables(draw, key: str, threshold: int, zero_share: float):
    """Hours per week by group with the persons behind them (T2's shape); hours in half hours."""
    groups = draw(st.integers(1, 4))
    persons = [draw(counts(threshold, zero_share)) for _ in range(groups)]
    hours = [decimal.Decimal(draw(st.integers(1, 400))) / 2 if n else decimal.Decimal(0) for n in persons]
    cells, relations = [], []
    for column, values, kind in (("persons", persons, "count"), ("hours", hours, "sum")):
        for g, value in enumerate(values):
            cells.append(Cell((key, f"g{g + 1}", column), value, kind,
                              base=(key, f"g{g + 1}", "persons") if kind == "sum" else None))
        cells.append(Cell((key, "total", column), sum(values), kind,
                          base=(key, "total", "persons") if kind == "sum" else None))
        relations.append(total_of((key, "total", column), [(key, f"g{g + 1}", column) for g in range(groups)]))
    return cells, relations


@st.composite
def snapshots(draw):
    threshold = draw(st.integers(2, 10))
    zero_share = draw(st.sampled_from([0.0, 0.2, 0.6]))  # 0.6: sparse tables
    makers = [grid_tables, shared_margin_tables, distinct_tables, hours_tables]
    cells, relations = [], []
    for number in range(draw(st.integers(1, 3))):
        table_cells, table_relations = draw(draw(st.sampled_from(makers))(f"T{number}", threshold, zero_share))
        cells += table_cells
        relations += table_relations
    if draw(st.booleans()):
        # One more table counts some of the same persons in another breakdown, and says so
        # (T10's total on the last day is T1's).
        shared = draw(st.sampled_from([cell for cell in cells if cell.kind == "count"]))
        parts = draw(st.integers(1, 3))
        cuts = sorted(draw(st.lists(st.integers(0, shared.value), min_size=parts - 1, max_size=parts - 1)))
        split = [high - low for low, high in zip([0, *cuts], [*cuts, shared.value], strict=True)]
        refs = [("X", f"p{i + 1}", "n") for i in range(parts)]
        cells += [Cell(ref, value, "count") for ref, value in zip(refs, split, strict=True)]
        cells.append(Cell(("X", "total", "n"), shared.value, "count"))
        relations += [total_of(("X", "total", "n"), refs), equal(shared.ref, ("X", "total", "n"))]
    return threshold, cells, relations


@settings(max_examples=150, deadline=None)
@given(snapshots())
def test_every_random_snapshot_passes_the_audit(snapshot):
    threshold, cells, relations = snapshot
    marks = protect(cells, relations, threshold)
    intervals = audit(cells, relations, marks)

    assert protected(intervals, threshold), intervals
    by_ref = {cell.ref: cell for cell in cells}
    for cell in cells:
        if cell.value is None or (cell.kind != "derived" and cell.value == 0):
            assert cell.ref not in marks, f"{cell.ref} = {cell.value} is shown as it is"
        if cell.kind == "count" and 1 <= cell.value <= threshold - 1:
            assert marks[cell.ref] == "primary"
        if cell.kind == "derived" and cell.value is not None and cell.ref not in marks:
            # A published median or share is over a count of at least the threshold, from published cells.
            assert by_ref[cell.base].value >= threshold
            assert not {cell.base, *cell.depends_on} & set(marks)
    for ref, (lo, hi) in intervals.items():
        # The attacker works from the raw values as published: the truth is always among the answers.
        assert lo - 1e-6 <= float(by_ref[ref].value) <= hi + 1e-6
    assert set(marks.values()) <= {"primary", "secondary"}
