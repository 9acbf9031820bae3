from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.core.validation import max_length_of
from apps.staff.importing import name_key
from apps.staff.models import ErasureRecord


class ErasureForm(forms.Form):
    """The administrator confirms an erasure by typing the person's surname and
    gives the reason, which goes into the act (so it must not name the person)."""

    surname = forms.CharField(
        label=_("Type the person's surname to confirm"),
        max_length=100,
        help_text=_("Erasure cannot be undone."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=max_length_of(ErasureRecord, "reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: the person's written request of 01.02.2027, or the end of the period of storage. "
            "Do not name the person: the act of destruction keeps no personal data."
        ),
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = staff

    def clean_surname(self):
        surname = self.cleaned_data["surname"]
        if name_key(surname) != name_key(self.staff.last_name):
            raise ValidationError(_("This is not the surname on the card."), code="surname_mismatch")
        return surname
