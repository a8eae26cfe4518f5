"""Labels of the worklist's codes (the pattern: docs/architecture.md, "Labels"). The flag kinds'
labels come with the kinds themselves (``contributions.add_flag_kind``, domain ``flag_kind``)."""

from service.common.i18n import NP_

DOMAINS = {
    "flag_status": {
        "open": NP_("flag_status", "Open"),
        "acknowledged": NP_("flag_status", "Acknowledged"),
        "resolved": NP_("flag_status", "Resolved"),
    },
    "flag_office": {
        "case_office": NP_("flag_office", "Allocation office"),
        "housing_office": NP_("flag_office", "Housing office"),
        "provider_unit": NP_("flag_office", "Provider unit"),
    },
}
