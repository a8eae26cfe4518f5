"""Signals other features listen to, so decisions never import them.

``decision_decided`` is sent (inside the deciding transaction) by the application,
``sender=app``, with the decided ``Decision`` as ``decision``. Receivers connect
with ``sender=app`` in their feature's ``init_app`` (never at import), so only an
application built with that feature hears it; e.g. plans link a decision on
"individuell plan og koordinator" to the person's plan (helse- og
omsorgstjenesteloven § 7-1, § 7-2).
"""

from blinker import Namespace
from flask import current_app

_signals = Namespace()
decision_decided = _signals.signal("decision-decided")


def send_decision_decided(decision) -> None:
    decision_decided.send(current_app._get_current_object(), decision=decision)
