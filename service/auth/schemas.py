import marshmallow as ma


class MeSchema(ma.Schema):
    id = ma.fields.UUID()
    username = ma.fields.String()
    display_name = ma.fields.String(allow_none=True)
    role = ma.fields.String()
    provider_unit = ma.fields.String(allow_none=True)
    municipality_number = ma.fields.Function(lambda u: u.municipality.number)
    municipality_name = ma.fields.Function(lambda u: u.municipality.name)
