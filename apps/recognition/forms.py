import functools

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.choices import offer_loaded
from apps.core.validation import max_length_of
from apps.staff.forms import StaffMultipleChoiceField
from apps.staff.models import StaffMember

from . import selectors
from .models import LINKS, Recognition

TEXT_MAX = max_length_of(Recognition, "text")
REASON_MAX = max_length_of(Recognition, "hidden_reason")


class RecipientsField(StaffMultipleChoiceField):
    show_school = False


class RecognitionForm(forms.Form):
    """Whom, what for, and (optionally) the one thing it is about. The hint
    «за что именно?» is shown beside the text (static/js/recognition.js) and after
    posting (apps/recognition/hint.py): it never blocks."""

    recipients = RecipientsField(
        label=_("Whom do you recognise"),
        queryset=StaffMember.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("One or more colleagues of your school or its network."),
    )
    text = forms.CharField(
        label=_("What for"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_MAX}),
        help_text=_("What exactly the colleague did and what came of it: a lesson, a material, a piece of advice."),
    )
    link = forms.ChoiceField(
        label=_("What it is about"),
        required=False,
        help_text=_("A lesson, a team outcome, a material, a day, a result or a seminar: if there is one."),
    )

    def __init__(self, *args, viewer, school, **kwargs):
        """`viewer`: the author as a viewer (apps.core.tenancy.request_viewer) in `school`."""
        super().__init__(*args, **kwargs)
        recipients = self.fields["recipients"]
        # Validated against the queryset; offered from a prepared query (rows read once).
        offer_loaded(
            recipients,
            selectors.recipients_offered(viewer=viewer),
            functools.cache(functools.partial(selectors.recipients_offered_rows, viewer=viewer)),
        )
        recipients.show_school = school.network_id is not None
        labels = {name: model._meta.verbose_name for name, model in LINKS}
        groups = [
            (str(labels[kind]).capitalize(), [(f"{kind}:{pk}", label) for pk, label in choices])
            for kind, choices in selectors.link_options(viewer=viewer, school=school)
            if choices
        ]
        self.fields["link"].choices = [("", _("Nothing in particular: just thank you")), *groups]

    def clean_link(self):
        value = self.cleaned_data.get("link") or ""
        if not value:
            return ("", None)
        kind, _sep, pk = value.partition(":")
        return (kind, int(pk))


class ModerateForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is hidden"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": REASON_MAX}),
        help_text=_("Written to the audit trail; the author and the colleagues named see that it was hidden."),
    )
