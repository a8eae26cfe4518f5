import marshmallow as ma

from service.auth.roles import ALL_ROLES


class MeSchema(ma.Schema):
    id = ma.fields.UUID()
    username = ma.fields.String()
    display_name = ma.fields.String(allow_none=True)
    role = ma.fields.String()
    provider_unit_id = ma.fields.UUID(allow_none=True)
    provider_unit = ma.fields.Function(lambda u: u.provider_unit.name if u.provider_unit else None,
                                       metadata={"type": "string", "nullable": True,
                                                 "description": "the provider unit's name"})
    municipality_number = ma.fields.Function(lambda u: u.municipality.number)
    municipality_name = ma.fields.Function(lambda u: u.municipality.name)


class UserSchema(ma.Schema):
    """A colleague as others see them: never tokens, never credentials."""

    id = ma.fields.UUID(dump_only=True)
    username = ma.fields.String(dump_only=True)
    display_name = ma.fields.String(dump_only=True, allow_none=True)
    role = ma.fields.String(dump_only=True)
    disabled = ma.fields.Function(lambda u: u.disabled_at is not None, dump_only=True,
                                  metadata={"type": "boolean"})


class UserQuerySchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    role = ma.fields.String(validate=ma.validate.OneOf(ALL_ROLES))
    active = ma.fields.Boolean(metadata={"description": "true: only users who can log in; "
                                                        "false: only disabled users"})
