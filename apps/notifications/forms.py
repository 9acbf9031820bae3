"""The preferences form: one choice per kind of notification, listed from
Notification.Kind itself, so that a kind added there appears here by itself."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Delivery, Notification

KIND_PREFIX = "kind_"


class NotificationPreferencesForm(forms.Form):
    digest_hour = forms.TypedChoiceField(
        label=_("Hour of the daily digest (school time)"),
        coerce=int,
        choices=[(hour, f"{hour:02d}:00") for hour in range(24)],
    )

    def __init__(self, *args, deliveries, digest_hour, **kwargs):
        super().__init__(*args, initial={"digest_hour": digest_hour}, **kwargs)
        for kind, label in Notification.Kind.choices:
            self.fields[KIND_PREFIX + kind] = forms.ChoiceField(
                label=label,
                choices=Delivery.choices,
                initial=deliveries.get(kind, Delivery.IMMEDIATE),
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )

    def kind_fields(self):
        """The bound fields of the kinds, in Notification.Kind's order."""
        return [self[KIND_PREFIX + kind] for kind in Notification.Kind.values]

    def kind_rows(self):
        """(bound field, radios) of each kind, the radios ready to show: a template
        per radio was a third of the page. A field with errors has None and is
        rendered by its widget (its radios are then marked invalid)."""
        rows = []
        for field in self.kind_fields():
            current = str(field.value())
            radios = (
                None
                if field.errors
                else [
                    {"value": value, "label": label, "id": f"{field.auto_id}_{index}", "checked": str(value) == current}
                    for index, (value, label) in enumerate(field.field.choices)
                ]
            )
            rows.append((field, radios))
        return rows

    def deliveries(self):
        return {kind: self.cleaned_data[KIND_PREFIX + kind] for kind in Notification.Kind.values}
