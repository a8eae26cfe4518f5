"""Labels of the person codes: code → English label, marked with its domain as context.

Contributed to ``GET /api/v1/labels`` in this feature's ``init_app``; the bokmål is in the
catalogue under the same context (``pgettext(domain, label)``)."""

from service.common.i18n import NP_

DOMAINS = {
    "sex": {
        "female": NP_("sex", "Female"),
        "male": NP_("sex", "Male"),
        "other": NP_("sex", "Other"),
    },
    "has_minor_children": {
        "yes": NP_("has_minor_children", "Yes"),
        "no": NP_("has_minor_children", "No"),
        "unknown": NP_("has_minor_children", "Unknown"),
    },
}
