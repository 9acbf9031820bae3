"""Forms of the school's visit catalogs: observation protocols and evaluative words."""

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.validation import max_length_of

from .catalog_services import ItemSpec
from .models import EvaluativeWord, ObservationProtocol, ProtocolItem


class ProtocolForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=ObservationProtocol._meta.get_field("name").max_length)
    description = forms.CharField(
        label=_("Description"),
        max_length=max_length_of(ObservationProtocol, "description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the observer looks at with this protocol, and why."),
    )
    is_active = forms.BooleanField(
        label=_("In use"), required=False, help_text=_("Only protocols in use are offered when a visit is planned.")
    )

    @staticmethod
    def initial_for(protocol):
        return {"name": protocol.name, "description": protocol.description, "is_active": protocol.is_active}


class ProtocolItemForm(forms.ModelForm):
    class Meta:
        model = ProtocolItem
        fields = ["kind", "text", "position"]
        # "Order" alone is also an order of the director (a приказ): the context tells them apart.
        labels = {
            "kind": _("Kind"),
            "text": _("Prompt or checklist item"),
            "position": pgettext_lazy("position of a line in a list", "Order"),
        }
        widgets = {"position": forms.NumberInput(attrs={"min": 0, "max": 999, "class": "protocol-order"})}


class BaseProtocolItemFormSet(BaseInlineFormSet):
    def item_specs(self):
        """The items to keep, in their order (call after is_valid): blank new rows
        and rows marked for deletion are left out; positions become 0, 1, 2, …"""
        rows = []
        for index, form in enumerate(self.forms):
            if form in self.deleted_forms or not form.cleaned_data:
                continue
            if index < self.initial_form_count() and form.instance.pk is None:
                continue  # an id not of this protocol (as Django's own formsets, ignored)
            data = form.cleaned_data
            rows.append((data.get("position") or 0, index, data, form.instance if form.instance.pk else None))
        rows.sort(key=lambda row: (row[0], row[1]))
        return [
            ItemSpec(kind=data["kind"], text=data["text"], position=position, item=item)
            for position, (_order, _index, data, item) in enumerate(rows)
        ]


ProtocolItemFormSet = inlineformset_factory(
    ObservationProtocol,
    ProtocolItem,
    form=ProtocolItemForm,
    formset=BaseProtocolItemFormSet,
    extra=3,
    can_delete=True,
    can_delete_extra=False,
    max_num=60,
    validate_max=True,
    # Never build more rows than that, whatever items-TOTAL_FORMS says (Django's
    # default allows 1,000 more: a page of seconds of rendering for one request).
    absolute_max=60,
)


class EvaluativeWordForm(forms.Form):
    word = forms.CharField(
        label=_("Word or phrase"),
        max_length=EvaluativeWord._meta.get_field("word").max_length,
        help_text=_(
            "A word or a short phrase that grades rather than describes, for example «молодец» or "
            "«отличная работа». Any form of it counts: «молодцы», «отличную работу»."
        ),
    )
