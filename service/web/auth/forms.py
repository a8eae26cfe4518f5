"""The login's forms. Labels and messages come from the catalogue when they are shown."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from service.common.i18n import lazy_gettext


class LoginForm(FlaskForm):
    username = StringField(lazy_gettext("Username"),
                           validators=[DataRequired(lazy_gettext("Write your username.")), Length(max=80)])
    password = PasswordField(lazy_gettext("Password"),
                             validators=[DataRequired(lazy_gettext("Write your password.")), Length(max=1000)])


class CodeForm(FlaskForm):
    code = StringField(lazy_gettext("Code from the authenticator app"),
                       validators=[DataRequired(lazy_gettext("Write the six digits the app shows.")),
                                   Length(max=20)])


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(lazy_gettext("Current password"), validators=[
        DataRequired(lazy_gettext("Write your current password.")), Length(max=1000)])
    new_password = PasswordField(lazy_gettext("New password"), validators=[
        DataRequired(lazy_gettext("Write a new password.")), Length(max=1000)])
    new_password_again = PasswordField(lazy_gettext("New password again"), validators=[
        DataRequired(lazy_gettext("Write the new password once more.")),
        EqualTo("new_password", lazy_gettext("The two new passwords are not the same."))])
