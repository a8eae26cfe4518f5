"""The shape of the label table, for the OpenAPI document (its keys are the contributed codes)."""

LABEL = {
    "type": "object",
    "properties": {"nb": {"type": "string"}, "en": {"type": "string"}},
    "required": ["nb", "en"],
}

# {domain: {code: {"nb": …, "en": …}}}
LABEL_TABLE = {
    "type": "object",
    "additionalProperties": {"type": "object", "additionalProperties": LABEL},
    "example": {"decision_state": {"draft": {"nb": "Utkast", "en": "Draft"}}},
}
