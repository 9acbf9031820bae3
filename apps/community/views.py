"""Pages of the network community. Every shared row is looked up through its
circle (`get_visible_or_404` or a selector on `visible_to`): outside the
viewer's circles it is not found, the same as another school's object."""

import functools
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import json_script
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core import wordforms
from apps.core.forms import apply_validation_error
from apps.core.tenancy import Circle, get_visible_or_404, request_viewer, school_view
from apps.core.uploads import file_download
from apps.visits import services as visits_services

from . import selectors, services
from .forms import AnswerForm, CommentForm, MaterialCreateForm, MaterialForm, QuestionForm, VersionForm
from .markup import (
    alike_html,
    answer_block_html,
    answers_html,
    circle_badge_html,
    comments_html,
    material_filter_options,
    material_rows_html,
    question_rows_html,
    tags_html,
    version_rows_html,
)
from .models import GRADES, Answer, Material, MaterialComment, MaterialVersion, Question

PAGE_SIZE = 20


def _is_htmx(request):
    return request.headers.get("HX-Request") == "true"


def _int(value):
    return int(value) if value and value.isdecimal() and len(value) < 10 else None


def _warn_evaluative_words(request, text):
    found = wordforms.entries_found(visits_services.evaluative_words_for(school=request.school), [text])
    if found:
        messages.warning(
            request,
            _(
                "Your text has evaluative words (%(words)s). Next time try describing "
                "what you saw and what you would try instead: describe, don't grade."
            )
            % {"words": ", ".join(f"«{w}»" for w in found)},
        )


def _nudge_context(request):
    words_json, forms_json = _nudge(request)
    return {"evaluative_words_json": words_json, "evaluative_forms": forms_json}


def _nudge(request):
    return _nudge_json(tuple(visits_services.evaluative_words_for(school=request.school)))


@functools.lru_cache(maxsize=64)
def _nudge_json(words):
    """The hint's two json_script elements (the words, the forms of each) for a list of evaluative
    words: the same on every page of a school until its list changes, so made once per list."""
    return json_script(list(words), "evaluative-words"), wordforms.entry_forms_json(list(words))


def _material(request, pk):
    material = selectors.material_detail(viewer=request_viewer(request), pk=pk)
    if material is None:
        raise Http404(str(Material._meta.verbose_name))
    return material


def _require_author(request, row):
    if request.staff is None or row.author_id != request.staff.pk:
        raise PermissionDenied("only the author")


@school_view()
def material_list(request):
    viewer = request_viewer(request)
    tab = request.GET.get("tab", selectors.TAB_CIRCLES)
    tab = tab if tab in selectors.TABS else selectors.TAB_CIRCLES
    kind = request.GET.get("kind", "")
    kind = kind if kind in Material.Kind.values else ""
    subject_id = _int(request.GET.get("subject", ""))
    grade = _int(request.GET.get("grade", ""))
    grade = grade if grade in GRADES else None
    page = selectors.materials_page(
        viewer=viewer,
        tab=tab,
        kind=kind,
        subject_id=subject_id,
        grade=grade,
        number=request.GET.get("page"),
        per_page=PAGE_SIZE,
    )
    return render(
        request,
        "community/material_list.html",
        {
            "page": page,
            "material_rows": material_rows_html(page.object_list, school_id=request.school.pk),
            "tab": tab,
            "options": material_filter_options(
                kind=kind,
                subject_id=subject_id,
                grade=grade,
                subjects=selectors.subject_names(school_id=request.school.pk),
            ),
            "query": urlencode({"tab": tab, "kind": kind, "subject": subject_id or "", "grade": grade or ""}),
            "has_card": request.staff is not None,
        },
    )


def _initial_circle(request):
    """A link may preselect the circle (the association's workspace: «for the association»)."""
    circle = request.GET.get("circle", "")
    return {"circle": circle} if circle in Circle.values else {}


@school_view()
def material_create(request):
    staff = request.staff
    form = MaterialCreateForm(
        request.POST or None,
        request.FILES or None,
        initial=_initial_circle(request),
        school=request.school,
        staff=staff,
    )
    if staff is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            material = services.material_create(
                school=request.school,
                author=staff,
                circle=data["circle"],
                kind=data["kind"],
                title=data["title"],
                topic=data["topic"],
                description=data["description"],
                subject=data["subject"],
                grades=data["grades"],
                tags=data["tags"],
                file=data.get("file"),
                link=data.get("link") or "",
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The material is saved."))
            return redirect("community:material_detail", pk=material.pk)
    return render(request, "community/material_form.html", {"form": form, "has_card": staff is not None})


@school_view()
def material_detail(request, pk):
    viewer = request_viewer(request)
    found = selectors.material_page(viewer=viewer, pk=pk)
    if found is None:
        raise Http404(str(Material._meta.verbose_name))
    material, versions, comments = found
    is_author = request.staff is not None and material.author_id == request.staff.pk
    tags = material.tag_rows
    # One CSRF token for the page's forms, those of its template and those drawn in Python.
    token = get_token(request)
    context = {
        "csrf_token": token,
        "material": material,
        "is_author": is_author,
        "circle_badge": circle_badge_html(material),
        "tags_html": tags_html(tags),
        "version_rows": version_rows_html(versions),
        "comments_html": comments_html(request, comments, material=material, form=CommentForm(), csrf_token=token),
        "alike_html": alike_html(
            selectors.problems_alike(viewer=viewer, school=request.school, tags=tags, exclude_material=material)
        ),
        **_nudge_context(request),
    }
    return render(request, "community/material_detail.html", context)


@school_view()
def material_edit(request, pk):
    material = _material(request, pk)
    _require_author(request, material)
    initial = {
        "title": material.title,
        "kind": material.kind,
        "circle": material.circle,
        "topic": material.topic,
        "subject": material.subject,
        "grades": material.grades,
        "tags": [tag["pk"] for tag in material.tag_rows],
        "description": material.description,
    }
    form = MaterialForm(request.POST or None, initial=initial, school=request.school, staff=request.staff)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.material_update(
                material=material,
                author=request.staff,
                circle=data["circle"],
                kind=data["kind"],
                title=data["title"],
                topic=data["topic"],
                description=data["description"],
                subject=data["subject"],
                grades=data["grades"],
                tags=data["tags"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The material is saved."))
            return redirect("community:material_detail", pk=material.pk)
    return render(request, "community/material_form.html", {"form": form, "material": material, "has_card": True})


@require_POST
@school_view()
def material_withdraw(request, pk):
    material = _material(request, pk)
    _require_author(request, material)
    services.material_withdraw(material=material, author=request.staff)
    messages.success(request, _("The material is a draft again: only you see it."))
    return redirect("community:material_detail", pk=material.pk)


@school_view()
def version_add(request, pk):
    material = _material(request, pk)
    _require_author(request, material)
    form = VersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.version_add(
                material=material,
                author=request.staff,
                change_note=data["change_note"],
                file=data.get("file"),
                link=data.get("link") or "",
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The new version is saved."))
            return redirect("community:material_detail", pk=material.pk)
    return render(request, "community/version_form.html", {"form": form, "material": material})


@school_view()
def version_file(request, pk):
    version = get_visible_or_404(MaterialVersion.objects.all(), viewer=request_viewer(request), pk=pk)
    return file_download(version.file)


def _comments_html(request, material, form, token):
    comments = selectors.material_comments(material=material)
    return comments_html(request, comments, material=material, form=form, csrf_token=token)


def _comments_response(request, material, form):
    return HttpResponse(_comments_html(request, material, form, get_token(request)))


@require_POST
@school_view()
def comment_create(request, pk):
    material = _material(request, pk)
    form = CommentForm(request.POST)
    if request.staff is not None and form.is_valid():
        try:
            services.comment_create(
                viewer=request_viewer(request),
                author=request.staff,
                material_id=material.pk,
                text=form.cleaned_data["text"],
                parent_id=form.cleaned_data.get("parent"),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            _warn_evaluative_words(request, form.cleaned_data["text"])
            form = CommentForm()
    if _is_htmx(request):
        return _comments_response(request, material, form)
    if form.errors:
        for error in form.errors.get("text", []) + form.non_field_errors():
            messages.error(request, error)
    return redirect("community:material_detail", pk=material.pk)


def _comment(request, pk):
    return get_visible_or_404(
        MaterialComment.objects.select_related("material", "author__user", "school"),
        viewer=request_viewer(request),
        pk=pk,
    )


@require_POST
@school_view()
def comment_delete(request, pk):
    comment = _comment(request, pk)
    _require_author(request, comment)
    material = comment.material
    services.comment_delete(comment=comment, author=request.staff)
    if _is_htmx(request):
        return _comments_response(request, _material(request, material.pk), CommentForm())
    return redirect("community:material_detail", pk=material.pk)


@require_POST
@school_view()
def comment_helped(request, pk):
    """The material's author marks (or unmarks) that a comment helped."""
    comment = _comment(request, pk)
    _require_author(request, comment.material)
    try:
        if comment.helped_at is None:
            services.comment_mark_helped(comment=comment, author=request.staff)
        else:
            services.comment_unmark_helped(comment=comment, author=request.staff)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    if _is_htmx(request):
        return _comments_response(request, _material(request, comment.material_id), CommentForm())
    return redirect("community:material_detail", pk=comment.material_id)


@school_view()
def question_list(request):
    mine = request.GET.get("tab") == "mine"
    page = selectors.questions_page(
        viewer=request_viewer(request), mine=mine, number=request.GET.get("page"), per_page=PAGE_SIZE
    )
    return render(
        request,
        "community/question_list.html",
        {
            "page": page,
            "question_rows": question_rows_html(page.object_list, school_id=request.school.pk),
            "mine": mine,
            "query": urlencode({"tab": "mine" if mine else ""}),
        },
    )


@school_view()
def question_create(request):
    staff = request.staff
    form = QuestionForm(request.POST or None, initial=_initial_circle(request), school=request.school, staff=staff)
    if staff is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            question = services.question_create(
                school=request.school,
                author=staff,
                circle=data["circle"],
                title=data["title"],
                body=data["body"],
                subject=data["subject"],
                tags=data["tags"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The question is asked."))
            return redirect("community:question_detail", pk=question.pk)
    return render(request, "community/question_form.html", {"form": form, "has_card": staff is not None})


def _question(request, pk):
    question = selectors.question_detail(viewer=request_viewer(request), pk=pk)
    if question is None:
        raise Http404(str(Question._meta.verbose_name))
    return question


def _answers_html(request, question, token, answers=None):
    is_author = request.staff is not None and question.author_id == request.staff.pk
    if answers is None:
        answers = selectors.question_answers(question=question)
    return answers_html(answers, question=question, is_author=is_author, csrf_token=token)


def _question_page(request, question, form, status=200, answers=None):
    tags = question.tag_rows
    token = get_token(request)
    alike = selectors.problems_alike(viewer=request_viewer(request), school=request.school, tags=tags)
    context = {
        "csrf_token": token,
        "question": question,
        "is_author": request.staff is not None and question.author_id == request.staff.pk,
        "circle_badge": circle_badge_html(question),
        "tags_html": tags_html(tags),
        "answers_html": _answers_html(request, question, token, answers),
        "answer_block": answer_block_html(
            request,
            form,
            question=question,
            nudge_json=_nudge(request) if request.staff is not None else None,
            csrf_token=token,
        ),
        "alike_html": alike_html(alike),
    }
    return render(request, "community/question_detail.html", context, status=status)


@school_view()
def question_detail(request, pk):
    found = selectors.question_page(viewer=request_viewer(request), pk=pk)
    if found is None:
        raise Http404(str(Question._meta.verbose_name))
    question, answers = found
    return _question_page(request, question, AnswerForm(), answers=answers)


@require_POST
@school_view()
def answer_create(request, pk):
    question = _question(request, pk)
    form = AnswerForm(request.POST)
    if request.staff is not None and form.is_valid():
        try:
            answer = services.answer_create(
                viewer=request_viewer(request),
                author=request.staff,
                question_id=question.pk,
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            _warn_evaluative_words(request, form.cleaned_data["text"])
            messages.success(request, _("The answer is posted."))
            return _redirect_answer(question, answer)
    return _question_page(request, question, form)


def _redirect_answer(question, answer):
    return redirect(reverse("community:question_detail", args=[question.pk]) + f"#answer-{answer.pk}")


@require_POST
@school_view()
def answer_accept(request, pk):
    answers = Answer.objects.select_related("question", "author__user", "school")
    answer = get_visible_or_404(answers, viewer=request_viewer(request), pk=pk)
    _require_author(request, answer.question)
    try:
        services.answer_accept(answer=answer, author=request.staff)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    question = _question(request, answer.question_id)
    if _is_htmx(request):
        return HttpResponse(_answers_html(request, question, get_token(request)))
    return _redirect_answer(question, answer)
