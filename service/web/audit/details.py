"""An audit event's ``detail`` in words, for the auditor's pages.

Why here and not in the trail: the features write the detail once, in English codes, and it is
hashed into the chain, so it can never be translated where it is stored. The codes have labels
(service/audit/labels.py, domain ``audit_detail``); this reads the few shapes that carry a value
beside the code (a reason, a state change, a count) and labels each part. Free text the officer
typed (a reason) is shown as typed; a detail no rule knows is shown as it is, never hidden.
"""

from __future__ import annotations

import re

from service.common.i18n import _, label

DOMAIN = "audit_detail"
_ARROW = re.compile(r"^(?:consent; )?(?P<before>[a-z_ ()]+?) -> (?P<after>[a-z_]+)(?:: (?P<reason>.*))?$", re.S)
_HOURS = re.compile(r"^(?P<hours>\d+) h: (?P<reason>.*)$", re.S)
_BARRED_ATTEMPT = re.compile(r"^(?P<what>[a-z ]+): barred \(per-person block\)$")
_BARRED_USER = re.compile(r"^user [0-9a-f-]{36} barred: (?P<reason>.*)$", re.S)
_APPEAL_STATUS = re.compile(r"^status (?P<status>[a-z_]+)$")
_REVIEW = re.compile(r"^event [0-9a-f-]{36}: (?P<finding>[a-z_]+)$")
_FLAG = re.compile(r"^flag (?P<kind>[a-z_]+) acknowledged$")
_CANDIDATES_FOR_UNIT = re.compile(r"^candidates for unit [0-9a-f-]{36}$")
_SAMPLE = re.compile(r"^sample (?P<period>\d{4}-\d{2}): (?P<drawn>\d+) of (?P<population>\d+)$")
# The states named by "before -> after": a plan's status, or a person's address protection.
_STATE_DOMAINS = {"individual_plan": "plan_status", "address_protection": "address_protection"}
_COORDINATOR_ONLY = "declined (coordinator only)"


def _known(code: str) -> str | None:
    text = label(DOMAIN, code, standalone=True)
    return None if text == code else text


def in_words(detail: str | None, object_type: str | None = None) -> str:
    """The detail as the auditor reads it (empty for none)."""
    if not detail:
        return ""
    known = _known(detail)
    if known:
        return known
    if match := _HOURS.match(detail):
        return _("Opened for %(hours)s hours: %(reason)s", hours=match["hours"], reason=match["reason"])
    if match := _BARRED_ATTEMPT.match(detail):
        return _("Refused (%(what)s): the user is barred from the person",
                 what=_known(match["what"]) or match["what"])
    if match := _BARRED_USER.match(detail):
        return f"{_known('barred')}: {match['reason']}"
    if match := _APPEAL_STATUS.match(detail):
        return _("Status set to %(status)s", status=label("appeal_status", match["status"], standalone=True))
    if match := _REVIEW.match(detail):
        return _("Review: %(finding)s", finding=label("audit_review_finding", match["finding"], standalone=True))
    if match := _FLAG.match(detail):
        return _("Worklist item acknowledged: %(kind)s", kind=label("flag_kind", match["kind"], standalone=True))
    if _CANDIDATES_FOR_UNIT.match(detail):
        return _known("candidates for unit") or detail
    if match := _SAMPLE.match(detail):
        return _("Sample for %(period)s: %(drawn)s of %(population)s accesses", period=match["period"],
                 drawn=match["drawn"], population=match["population"])
    if (match := _ARROW.match(detail)) and object_type in _STATE_DOMAINS:
        return _state_change(match, _STATE_DOMAINS[object_type], detail.startswith("consent; "))
    head, sep, rest = detail.partition(": ")
    if sep and (known := _known(head)):
        if head == "fields":
            rest = ", ".join(name.replace("_", " ") for name in rest.split(","))
        return f"{known}: {rest}"
    return detail


def _state_change(match: re.Match, domain: str, consent: bool) -> str:
    def state(code: str) -> str:
        if code == _COORDINATOR_ONLY:
            return _("%(state)s (coordinator only)", state=label(domain, "declined", standalone=True))
        return label(domain, code, standalone=True)

    text = _("From %(before)s to %(after)s", before=state(match["before"]), after=state(match["after"]))
    if consent:
        text = f"{_known('consent')}; {text}"
    if match["reason"]:
        text = f"{text}: {match['reason']}"
    return text
