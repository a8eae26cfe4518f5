"""The person search forms: by name (GET, in the address: a name is no secret to the browser's
history the way a national id is) and by national id (POST, never in a URL)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from service.common.i18n import lazy_gettext


class NameSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    name = StringField(lazy_gettext("Name"),
                       validators=[DataRequired(lazy_gettext("Write at least two letters of the name.")),
                                   Length(min=2, max=200, message=lazy_gettext("Write at least two letters of the name."))])


class NationalIdForm(FlaskForm):
    national_id = StringField(lazy_gettext("National id (11 digits)"),
                              validators=[DataRequired(lazy_gettext("Write the eleven digits.")), Length(max=40)])
