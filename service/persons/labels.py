"""Labels of the person codes (the pattern: docs/architecture.md, "Labels")."""

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
    "address_protection": {
        "none": NP_("address_protection", "No protection"),
        "confidential": NP_("address_protection", "Confidential address (kode 7)"),
        "strictly_confidential": NP_("address_protection", "Strictly confidential address (kode 6)"),
    },
    "person_block_reason": {
        "disqualified": NP_("person_block_reason", "Disqualified (forvaltningsloven § 6)"),
        "related": NP_("person_block_reason", "Related to the person"),
        "person_request": NP_("person_block_reason", "The person asked"),
        "other": NP_("person_block_reason", "Other reason"),
    },
}
