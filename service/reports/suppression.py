"""Small-cell suppression of a whole snapshot, and the audit that proves it (docs/reports.md).

A published count of 1 … threshold−1 persons can identify them in a small municipality, so such
counts are hidden (primary suppression), and with them the hours and the medians and shares
computed over so few persons. Hiding a cell is not enough on its own: a reader who knows the row
total and the other cells of the row recomputes it by subtraction, and the tables of one snapshot
share margins (T1's total on the last day is T10's total), so the other table can give it away
too. Secondary suppression therefore hides further cells until no hidden value can be narrowed
down to less than the threshold.

"Can be narrowed down" is decided the way statistical offices audit a protected table (the
attacker's linear program of τ-ARGUS and its kin): the attacker knows every published cell, every
relation that holds between the cells (sums, distinct-person totals, sub-counts, equalities across
tables) and that nothing is negative; for each hidden cell two linear programs give the smallest
and the largest value consistent with all of that. The table is protected when every such interval
is at least the threshold wide. The relations are only as good as the tables that declare them: a
relation a table forgets is a leak this audit cannot see.

Zero is shown as zero: "nobody" discloses nobody, and a hidden zero would only make secondary
suppression hide more. Cells that do not apply (``None``) are published as null and take no part.
Because all relations are homogeneous (a total minus its parts is zero) and every hidden count or
sum is positive, hiding every nonzero cell of a connected group of relations always protects it
(the true values can be scaled freely), so secondary suppression always terminates; it prefers
small cells, and keeps totals, to lose little information.

Hidden cells must be published with one mark, "hidden", never "primary" or "secondary": a
"primary" mark would tell the reader the value is 1 … threshold−1, an interval narrower than the
threshold whatever the audit says. The same holds for everything computed from published cells
(trends, changes since last year, differences between versions of a snapshot, charts): it may
use published cells only, or it reopens what suppression closed.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from service.reports.tables import CellKind, CellRef, Number, Relation

PRIMARY = "primary"
SECONDARY = "secondary"

# Widths are compared with this slack: values are floats by the time they reach the solver.
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Cell:
    """One raw cell of a snapshot.

    ``value`` None: the cell does not apply (published as null, never a variable of the audit).
    ``base``: for a sum or derived cell, the count cell of the persons behind it.
    ``depends_on``: for a derived cell, the cells it is computed from."""

    ref: CellRef
    value: Number | None
    kind: CellKind
    base: CellRef | None = None
    depends_on: tuple[CellRef, ...] = ()


def protect(cells: Sequence[Cell], relations: Sequence[Relation], threshold: int = 5) -> dict[CellRef, str]:
    """The cells to hide, each with why: ``"primary"`` (small in itself, or computed over a small
    count) or ``"secondary"`` (hidden so that no primary cell can be recomputed)."""
    if threshold < 1:
        raise ValueError("the suppression threshold is at least 1")
    model = _Model(cells, relations)
    marks: dict[CellRef, str] = {}
    for cell in model.ordered:
        if _is_primary(cell, model.cells, threshold):
            marks[cell.ref] = PRIMARY

    hidden = {ref for ref in marks if model.is_variable(ref)}
    while True:
        added = model.close_pinned(hidden)
        if not added:
            for narrow in model.narrow_cells(hidden, threshold):
                extra = model.candidate(narrow, hidden)
                if extra is not None and extra not in hidden:
                    hidden.add(extra)
                    added.append(extra)
        if not added:
            break
        for ref in added:
            marks.setdefault(ref, SECONDARY)

    changed = True
    while changed:
        changed = False
        for cell in model.ordered:
            if cell.kind != "derived" or cell.ref in marks or cell.value is None:
                continue
            if any(ref in marks for ref in (cell.base, *cell.depends_on) if ref is not None):
                marks[cell.ref] = SECONDARY
                changed = True
    return marks


def audit(cells: Sequence[Cell], relations: Sequence[Relation],
          hidden: Collection[CellRef]) -> dict[CellRef, tuple[float, float]]:
    """For every hidden count or sum cell, the smallest and largest value it can have given every
    published count and sum at its value, every relation, and nothing negative (``math.inf``
    when nothing bounds it from above)."""
    model = _Model(cells, relations)
    variables = {ref for ref in hidden if model.is_variable(ref)}
    intervals: dict[CellRef, tuple[float, float]] = {}
    for component in model.components(variables):
        intervals.update(model.lp(component).intervals())
    return intervals


def protected(intervals: Mapping[CellRef, tuple[float, float]], threshold: int) -> bool:
    """Whether every hidden cell's interval is at least ``threshold`` wide."""
    return all(hi - lo >= threshold - TOLERANCE for lo, hi in intervals.values())


def _is_primary(cell: Cell, cells: Mapping[CellRef, Cell], threshold: int) -> bool:
    if cell.value is None:
        return False
    if cell.kind == "count":
        return 1 <= cell.value <= threshold - 1
    base = cells[cell.base].value if cell.base is not None else None
    small_base = base is not None and 1 <= base <= threshold - 1
    if cell.kind == "sum":
        # Zero hours are shown as zero, like a zero count (and like it, they disclose nobody).
        return small_base and cell.value != 0
    return small_base or base == 0


class _Model:
    """The cells and relations of one snapshot, indexed for suppression and audit."""

    def __init__(self, cells: Sequence[Cell], relations: Sequence[Relation]) -> None:
        self.cells: dict[CellRef, Cell] = {}
        for cell in cells:
            if cell.ref in self.cells:
                raise ValueError(f"cell {cell.ref} is given twice")
            self.cells[cell.ref] = cell
        self.ordered = sorted(self.cells.values(), key=lambda cell: cell.ref)
        for cell in self.ordered:
            for ref in (cell.base, *cell.depends_on):
                if ref is not None and ref not in self.cells:
                    raise ValueError(f"cell {cell.ref} refers to {ref}, which is not a cell")

        # In a canonical order, so that the cells chosen do not depend on the order tables came in.
        canonical = set()
        for relation in relations:
            terms: dict[CellRef, float] = {}
            for ref, coefficient in relation.terms:
                if not self.is_variable(ref):
                    raise ValueError(f"relation over {ref}, which is not a count or sum with a value")
                terms[ref] = terms.get(ref, 0.0) + float(coefficient)
            if any(terms.values()):
                canonical.add((tuple(sorted((ref, c) for ref, c in terms.items() if c)), relation.op == "eq"))
        self.relations: list[tuple[tuple[CellRef, float], ...]] = []
        self.equality: list[bool] = []
        self.relations_of: dict[CellRef, list[int]] = {}
        for index, (terms, equality) in enumerate(sorted(canonical)):
            self.relations.append(terms)
            self.equality.append(equality)
            for ref, _ in terms:
                self.relations_of.setdefault(ref, []).append(index)
        self._lps: dict[frozenset[CellRef], _ComponentLP] = {}

    def is_variable(self, ref: CellRef) -> bool:
        """Counts and sums that apply are what relations speak of and what the audit solves for."""
        cell = self.cells.get(ref)
        return cell is not None and cell.kind != "derived" and cell.value is not None

    def value(self, ref: CellRef) -> float:
        return float(self.cells[ref].value)

    def neighbours(self, ref: CellRef) -> Iterable[CellRef]:
        for index in self.relations_of.get(ref, ()):
            for other, _ in self.relations[index]:
                if other != ref:
                    yield other

    def components(self, hidden: set[CellRef]) -> list[list[CellRef]]:
        """Hidden cells joined by the relations they share. Published cells are constants to the
        attacker, so they join nothing: each group is one small, independent linear program."""
        seen: set[CellRef] = set()
        groups = []
        for start in sorted(hidden):
            if start in seen:
                continue
            seen.add(start)
            group, stack = [], [start]
            while stack:
                ref = stack.pop()
                group.append(ref)
                for other in self.neighbours(ref):
                    if other in hidden and other not in seen:
                        seen.add(other)
                        stack.append(other)
            groups.append(sorted(group))
        return groups

    def lp(self, component: list[CellRef]) -> _ComponentLP:
        key = frozenset(component)
        if key not in self._lps:
            self._lps[key] = _ComponentLP(self, component)
        return self._lps[key]

    def publishable(self, ref: CellRef, hidden: set[CellRef]) -> bool:
        return ref not in hidden and self.value(ref) != 0

    def close_pinned(self, hidden: set[CellRef]) -> list[CellRef]:
        """The cheap first pass: an equation with exactly one hidden cell gives it away outright,
        so hide its smallest published nonzero companion (one exists: the equation balances)."""
        added = []
        for index, terms in enumerate(self.relations):
            if not self.equality[index]:
                continue
            inside = [ref for ref, _ in terms if ref in hidden]
            if len(inside) != 1:
                continue
            options = [ref for ref, _ in terms if self.publishable(ref, hidden)]
            if options:
                choice = min(options, key=lambda ref: (self.value(ref), ref))
                hidden.add(choice)
                added.append(choice)
        return added

    def narrow_cells(self, hidden: set[CellRef], threshold: int) -> list[CellRef]:
        """The first cell (in ref order) of every group whose interval is narrower than the threshold."""
        narrow = []
        for component in self.components(hidden):
            found = self.lp(component).first_narrow(threshold)
            if found is not None:
                narrow.append(found)
        return narrow

    def candidate(self, narrow: CellRef, hidden: set[CellRef]) -> CellRef | None:
        """The published cell to hide next for ``narrow``: from the relations of ``narrow`` with the
        fewest hidden cells (the ones that pin it hardest), the smallest value; failing that, the
        nearest published nonzero cell through the relations. None only when every nonzero cell
        around is hidden already, which protects ``narrow`` (see the module docstring)."""
        best: tuple[int, float, CellRef] | None = None
        for index in self.relations_of.get(narrow, ()):
            terms = self.relations[index]
            crowd = sum(ref in hidden for ref, _ in terms)
            for ref, _ in terms:
                if self.publishable(ref, hidden):
                    option = (crowd, self.value(ref), ref)
                    if best is None or option < best:
                        best = option
        if best is not None:
            return best[2]
        seen, layer = {narrow}, [narrow]
        while layer:
            following = sorted({other for ref in layer for other in self.neighbours(ref)} - seen)
            seen.update(following)
            options = [ref for ref in following if self.publishable(ref, hidden)]
            if options:
                return min(options, key=lambda ref: (self.value(ref), ref))
            layer = following
        return None


class _ComponentLP:
    """The attacker's linear program for one group of hidden cells: published cells substituted
    as constants, every variable at least zero."""

    def __init__(self, model: _Model, component: list[CellRef]) -> None:
        self.refs = component
        self.truth = np.array([model.value(ref) for ref in component])
        position = {ref: i for i, ref in enumerate(component)}
        seen: set[int] = set()
        rows_eq, rhs_eq, rows_ub, rhs_ub = [], [], [], []
        for ref in component:
            for index in model.relations_of.get(ref, ()):
                if index in seen:
                    continue
                seen.add(index)
                row = np.zeros(len(component))
                constant = 0.0
                for other, coefficient in model.relations[index]:
                    if other in position:
                        row[position[other]] += coefficient
                    else:
                        constant += coefficient * model.value(other)
                (rows_eq if model.equality[index] else rows_ub).append(row)
                (rhs_eq if model.equality[index] else rhs_ub).append(-constant)
        self.size = len(component)
        self.a_eq = np.array(rows_eq) if rows_eq else None
        self.b_eq = np.array(rhs_eq) if rows_eq else None
        self.a_ub = np.array(rows_ub) if rows_ub else None
        self.b_ub = np.array(rhs_ub) if rows_ub else None
        # Values a feasible point has shown each variable can take: the truth to begin with, then
        # every optimum found. A variable already seen spanning the threshold needs no program.
        self.seen_lo = self.truth.copy()
        self.seen_hi = self.truth.copy()
        self.exact: dict[int, tuple[float, float]] = {}

    def intervals(self) -> dict[CellRef, tuple[float, float]]:
        return {ref: self.interval(i) for i, ref in enumerate(self.refs)}

    def first_narrow(self, threshold: int) -> CellRef | None:
        for i, ref in enumerate(self.refs):
            if self.is_narrow(i, threshold):
                return ref
        return None

    def is_narrow(self, i: int, threshold: int) -> bool:
        wide = threshold - TOLERANCE
        if self.seen_hi[i] - self.seen_lo[i] >= wide:
            return False
        if i in self.exact:
            lo, hi = self.exact[i]
            return hi - lo < wide
        hi = self._optimise(i, maximise=True)
        if hi - self.seen_lo[i] >= wide:
            return False
        lo = self._optimise(i, maximise=False)
        self.exact[i] = (lo, hi)
        return hi - lo < wide

    def interval(self, i: int) -> tuple[float, float]:
        if i not in self.exact:
            hi = self._optimise(i, maximise=True)
            lo = self._optimise(i, maximise=False)
            self.exact[i] = (lo, hi)
        return self.exact[i]

    def _optimise(self, i: int, maximise: bool) -> float:
        objective = np.zeros(self.size)
        objective[i] = -1.0 if maximise else 1.0
        result = self._solve(objective)
        if result.status == 0:
            np.minimum(self.seen_lo, result.x, out=self.seen_lo)
            np.maximum(self.seen_hi, result.x, out=self.seen_hi)
            return float(result.x[i]) + 0.0  # never -0.0
        if maximise and (result.status == 3 or self._unbounded_above(i)):
            self.seen_hi[i] = math.inf
            return math.inf
        # The truth is feasible and nothing goes below zero, so this is the solver struggling.
        retry = self._solve(objective, presolve=False)
        if retry.status == 0:
            return float(retry.x[i]) + 0.0
        raise RuntimeError(f"the suppression audit could not bound {self.refs[i]}: {result.message}")

    def _solve(self, objective: np.ndarray, presolve: bool = True):
        return linprog(objective, A_ub=self.a_ub, b_ub=self.b_ub, A_eq=self.a_eq, b_eq=self.b_eq,
                       bounds=(0, None), method="highs", options={"presolve": presolve})

    def _unbounded_above(self, i: int) -> bool:
        """Whether a direction of the feasible region (homogeneous constraints) increases ``i``:
        the answer HiGHS gives as "unbounded or infeasible" when presolve cannot tell which."""
        objective = np.zeros(self.size)
        objective[i] = -1.0
        direction = linprog(objective,
                            A_ub=self.a_ub, b_ub=None if self.b_ub is None else np.zeros_like(self.b_ub),
                            A_eq=self.a_eq, b_eq=None if self.b_eq is None else np.zeros_like(self.b_eq),
                            bounds=(0, 1), method="highs")
        return direction.status == 0 and -direction.fun > TOLERANCE
