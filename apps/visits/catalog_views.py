"""The school's visit catalog: its observation protocols (prompts and checklist
items) and the evaluative words the feedback form gently points out."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from apps.core import wordforms
from apps.core.forms import apply_validation_error
from apps.core.links import row_link
from apps.core.tenancy import get_for_school_or_404, school_view
from apps.core.typography import quoted
from apps.staff.forms import NameForm

from . import catalog_services, services
from .catalog_forms import EvaluativeWordForm, ProtocolForm, ProtocolItemFormSet
from .models import EvaluativeWord, ObservationProtocol

_protocol_edit_link = row_link("visits:protocol_edit")
_word_delete_link = row_link("visits:word_delete")


@school_view("visits.manage_catalog")
def protocol_list(request):
    """The school's observation protocols; the defaults are made on first open."""
    services.protocols_ensure_defaults(school=request.school)
    form = NameForm(request.POST or None, model=ObservationProtocol, school=request.school)
    if request.method == "POST" and form.is_valid():
        try:
            protocol = catalog_services.protocol_create(school=request.school, name=form.cleaned_data["name"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The protocol is added: now write its prompts and checklist items."))
            return redirect("visits:protocol_edit", pk=protocol.pk)
    protocols = list(ObservationProtocol.objects.for_school(request.school).annotate(item_count=Count("items")))
    for protocol in protocols:
        protocol.edit_url = _protocol_edit_link(pk=protocol.pk)
    return render(request, "visits/catalog/protocols.html", {"form": form, "protocols": protocols})


@school_view("visits.manage_catalog")
def protocol_edit(request, pk):
    protocol = get_for_school_or_404(ObservationProtocol.objects.all(), school=request.school, pk=pk)
    form = ProtocolForm(request.POST or None, initial=ProtocolForm.initial_for(protocol))
    formset = ProtocolItemFormSet(request.POST or None, instance=protocol, prefix="items")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            catalog_services.protocol_update(
                protocol=protocol,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                is_active=form.cleaned_data["is_active"],
                items=formset.item_specs(),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The protocol is saved."))
            return redirect("visits:protocols")
    return render(
        request, "visits/catalog/protocol_form.html", {"form": form, "formset": formset, "protocol": protocol}
    )


@school_view("visits.manage_catalog")
def word_list(request):
    """The evaluative words the feedback form gently points out; the defaults are
    made on first open."""
    form = EvaluativeWordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = catalog_services.evaluative_word_create(school=request.school, word=form.cleaned_data["word"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("%(word)s is added.") % {"word": quoted(entry.word)})
            return redirect("visits:words")
    # Each entry with the forms the feedback form will point out, so that whoever
    # edits the list sees what «молодец» or «отличная работа» will catch.
    words = list(EvaluativeWord.objects.for_school(request.school))
    if not words:
        services.evaluative_words_ensure(school=request.school)
        words = list(EvaluativeWord.objects.for_school(request.school))
    for entry in words:
        entry.forms = wordforms.entry_forms(entry.word)
        entry.forms_text = ", ".join(entry.forms)
        entry.quoted = quoted(entry.word)
        entry.delete_url = _word_delete_link(pk=entry.pk)
        # The line's labels said here, not by a translation tag per line.
        entry.remove_label = _("Remove %(word)s") % {"word": entry.quoted}
        count = len(entry.forms)
        entry.forms_label = ngettext("%(counter)s form counts", "%(counter)s forms count", count) % {"counter": count}
    return render(request, "visits/catalog/words.html", {"form": form, "words": words})


@require_POST
@school_view("visits.manage_catalog")
def word_delete(request, pk):
    entry = get_for_school_or_404(EvaluativeWord.objects.all(), school=request.school, pk=pk)
    catalog_services.evaluative_word_delete(entry=entry)
    messages.success(request, _("%(word)s is removed from the list.") % {"word": quoted(entry.word)})
    return redirect("visits:words")
