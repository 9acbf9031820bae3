"""The community in «Мои дела» (apps.core.todos): one's questions that colleagues
answered, with none marked as the one that helped yet."""

from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.todos import TodoItem, TodoSource
from apps.core.typography import quoted

from .selectors import my_unaccepted_questions


def rows(scope):
    return [my_unaccepted_questions(school=scope.school, user=scope.user)]


def items(scope):
    return [
        TodoItem(
            kind="community_answer_accept",
            title=_("Mark the answer that helped: %(title)s") % {"title": quoted(question.title)},
            url=reverse("community:question_detail", args=[question.pk]),
        )
        for question in my_unaccepted_questions(school=scope.school, user=scope.user).order_by("published_at", "pk")
    ]


SOURCE = TodoSource(rows=rows, items=items)
