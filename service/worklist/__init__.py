"""The worklist: flags the jobs raise for deadlines and expiries, shown to whoever must act (docs/worklist.md).

* ``models`` — ``Flag``;
* ``flags`` — raising and resolving flags, one set-based statement per kind and municipality
  (the jobs), resolving and moving a subject's flags (the actions of every feature);
* ``services`` — the worklist itself: need-to-know (the matrix's ``worklist`` rule), the items
  with names and one line of text, acknowledging, handing work over;
* ``routes`` (HTTP), ``schemas`` (shapes only), ``labels``.

The flag kinds are not here: each feature contributes its own from its ``flags`` module
(``contributions.add_flag_kind``), with the SQL of its condition.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    """Contributes the matrix's ``worklist`` row rule and the labels of its codes."""
    from service.auth import matrix
    from service.common.contributions import for_app
    from service.worklist.labels import DOMAINS as LABELS
    from service.worklist.services import worklist_rows

    registry = for_app(app)
    registry.add_row_rule(matrix.FLAG, matrix.WORKLIST, worklist_rows)
    registry.add_labels(LABELS)
