from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from apps.core.tasks import enqueue_on_commit

from .models import School
from .tasks import password_reset_email_send
from .twofactor import twofactor_code_normalise


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_username(self):
        return self.cleaned_data["username"].lower()


class QueuedPasswordResetForm(PasswordResetForm):
    """Sends the reset letter from a Celery worker, after the request has committed."""

    def save(self, domain_override=None, use_https=False, request=None, **kwargs):
        # The letter's link is on SITE_URL (see the task), whatever Host came here.
        email = self.cleaned_data["email"]
        language = getattr(request, "LANGUAGE_CODE", None)
        for user in self.get_users(email):
            enqueue_on_commit(password_reset_email_send, user_id=user.pk, language=language)


# Russia's eleven time zones, west to east (a school may pick any other valid zone in the admin).
RUSSIAN_TIME_ZONES = [
    ("Europe/Kaliningrad", _("Kaliningrad (UTC+2)")),
    ("Europe/Moscow", _("Moscow (UTC+3)")),
    ("Europe/Samara", _("Samara (UTC+4)")),
    ("Asia/Yekaterinburg", _("Yekaterinburg (UTC+5)")),
    ("Asia/Omsk", _("Omsk (UTC+6)")),
    ("Asia/Krasnoyarsk", _("Krasnoyarsk (UTC+7)")),
    ("Asia/Irkutsk", _("Irkutsk (UTC+8)")),
    ("Asia/Yakutsk", _("Yakutsk (UTC+9)")),
    ("Asia/Vladivostok", _("Vladivostok (UTC+10)")),
    ("Asia/Magadan", _("Magadan (UTC+11)")),
    ("Asia/Kamchatka", _("Kamchatka (UTC+12)")),
]


class SchoolSettingsForm(forms.ModelForm):
    class Meta:
        model = School
        fields = [
            "name",
            "short_name",
            "municipality",
            "region",
            "time_zone",
            "max_active_groups_per_teacher",
            "debrief_hours",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = list(RUSSIAN_TIME_ZONES)
        if self.instance.time_zone and self.instance.time_zone not in dict(choices):
            choices.append((self.instance.time_zone, self.instance.time_zone))
        self.fields["time_zone"] = forms.ChoiceField(label=_("time zone"), choices=choices)
        self.fields["max_active_groups_per_teacher"].min_value = 1
        self.fields["max_active_groups_per_teacher"].widget.attrs.update({"min": 1, "max": 10})

    def clean_debrief_hours(self):
        value = self.cleaned_data["debrief_hours"]
        if not 1 <= value <= 168:
            raise forms.ValidationError(_("Choose from 1 to 168 hours (a week)."))
        return value

    def clean_max_active_groups_per_teacher(self):
        value = self.cleaned_data["max_active_groups_per_teacher"]
        if not 1 <= value <= 10:
            raise forms.ValidationError(_("Choose a number from 1 to 10."))
        return value


class TwoFactorCodeForm(forms.Form):
    """A code from the authenticator app or, unless `app_only`, a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "one-time-code", "spellcheck": "false"}),
    )

    def __init__(self, *args, app_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.app_only = app_only
        if app_only:
            self.fields["code"].label = _("Code from the app")
            self.fields["code"].widget.attrs.update({"inputmode": "numeric", "pattern": "[0-9 ]*"})
        else:
            self.fields["code"].help_text = _("Six digits from the authenticator app, or one of your recovery codes.")

    def clean_code(self):
        code = twofactor_code_normalise(self.cleaned_data["code"])
        if self.app_only and not (code.isascii() and code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Type the six digits the app shows."))
        if not (code.isascii() and code.isalnum()):
            raise forms.ValidationError(_("A code has only letters and digits."))
        return code


class TwoFactorDisableForm(forms.Form):
    """Turning two-factor sign-in off asks for the password again."""

    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is wrong."))
        return password
