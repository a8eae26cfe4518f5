"""Signals other features listen to, so decisions never import them.

``decision_decided`` is sent (inside the deciding transaction) with the decided
``Decision``; e.g. plans link a decision on "individuell plan og koordinator"
to the person's plan (helse- og omsorgstjenesteloven § 7-1, § 7-2).
"""

from blinker import Namespace

_signals = Namespace()
decision_decided = _signals.signal("decision-decided")
