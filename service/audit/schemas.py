import marshmallow as ma


class AuditEventSchema(ma.Schema):
    id = ma.fields.UUID(dump_only=True)
    seq = ma.fields.Integer(dump_only=True)
    at = ma.fields.DateTime(dump_only=True)
    actor_id = ma.fields.UUID(dump_only=True, allow_none=True)
    actor_name = ma.fields.String(dump_only=True, allow_none=True,
                                  metadata={"description": "The actor's display name, else username; "
                                                           "null for system actions"})
    role = ma.fields.String(dump_only=True, allow_none=True)
    action = ma.fields.String(dump_only=True)
    object_type = ma.fields.String(dump_only=True)
    object_id = ma.fields.String(dump_only=True, allow_none=True)
    person_id = ma.fields.UUID(dump_only=True, allow_none=True)
    request_id = ma.fields.String(dump_only=True, allow_none=True)
    outcome = ma.fields.String(dump_only=True)
    detail = ma.fields.String(dump_only=True, allow_none=True)
    hash = ma.fields.String(dump_only=True)


class AuditQuerySchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    actor_id = ma.fields.UUID()
    person_id = ma.fields.UUID()
    action = ma.fields.String(validate=ma.validate.OneOf(
        ["read", "create", "update", "delete", "export", "login", "denied"]))
    object_type = ma.fields.String()
    object_id = ma.fields.String()
    outcome = ma.fields.String()
    request_id = ma.fields.String()
    at_from = ma.fields.AwareDateTime(default_timezone=None)
    at_to = ma.fields.AwareDateTime(default_timezone=None)
