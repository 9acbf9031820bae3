"""The preferences form: one choice per kind of notification, listed from
Notification.Kind itself, so that a kind added there appears here by itself."""

from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from apps.core.form_rendering import printed

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
        """(bound field, radios) of each kind, the radios' markup ready to show: a
        template node per radio was most of the page. A field with errors has None
        and is rendered by its widget (its radios are then marked invalid)."""
        labels = {}
        rows = []
        for field in self.kind_fields():
            if field.errors:
                rows.append((field, None))
                continue
            current, name, auto_id = str(field.value()), printed(field.html_name), field.auto_id
            radios = []
            for index, (value, label) in enumerate(field.field.choices):
                if value not in labels:
                    labels[value] = (printed(value), printed(label))
                shown_value, shown_label = labels[value]
                checked = " checked" if str(value) == current else ""
                ident = printed(f"{auto_id}_{index}")
                radios.append(
                    f'\n      <div class="form-check form-check-inline"><input type="radio" name="{name}"'
                    f' value="{shown_value}" class="form-check-input" id="{ident}" required{checked}>'
                    f'<label class="form-check-label" for="{ident}">{shown_label}</label></div>'
                )
            # Every value in it escaped by printed().
            rows.append((field, mark_safe("".join(radios) + "\n      ")))  # nosec B308 B703 - escaped above
        return rows

    def deliveries(self):
        return {kind: self.cleaned_data[KIND_PREFIX + kind] for kind in Notification.Kind.values}
