"""«Мои дела»: what each person has to do in the current school, registered here
by the apps that own the work and read by the start page and the navbar's badge.

The start page sits in apps.staff, below the apps whose work it lists; it does not
import them. Each app that gives people work registers a TodoSource from its
AppConfig.ready(), built on its own selectors (what "overdue" or "open" means is
said once, there).

A source gives two things for one person in one school (a TodoScope):
- `rows`: querysets whose rows are the person's open items, one row an item. The
  navbar counts them all in ONE query (a UNION ALL under a COUNT), on every page.
- `items`: the TodoItems themselves, for the start page, each with the address
  where the work is done and its deadline; a fixed number of queries whatever the
  data's size.
An administration's count (so many debriefs overdue) is one item: its row query
is cut to one row.
"""

import dataclasses
import datetime
import functools
from collections.abc import Callable, Iterable

from django.db.models import QuerySet
from django.utils import timezone

from apps.core.dates import school_today
from apps.core.registry import Registry


@dataclasses.dataclass(frozen=True)
class TodoScope:
    """Whose to-dos: a user working in `school` with the roles of `membership`,
    at the moment `now` (`today` is the school's own date then)."""

    school: object
    user: object
    membership: object
    now: datetime.datetime
    today: datetime.date

    def can(self, capability):
        return self.membership.can(capability)


@dataclasses.dataclass(frozen=True)
class TodoItem:
    """One thing to do, one tap from where it is done.

    `kind`: a stable name (tests and the page's data-todo attribute); `due`: an
    aware datetime, or a date, or None; `count`: for the administration's figures
    (counts only, never what a debrief says)."""

    kind: str
    title: str
    url: str
    due: datetime.datetime | datetime.date | None = None
    detail: str = ""
    count: int | None = None
    # The administration's figures come after one's own work.
    for_administration: bool = False

    def sort_key(self, now):
        if self.due is None:
            moment = datetime.datetime.max.replace(tzinfo=datetime.UTC)
        elif isinstance(self.due, datetime.datetime):
            moment = self.due
        else:
            moment = datetime.datetime.combine(self.due, datetime.time.max, tzinfo=timezone.get_current_timezone())
        return (self.for_administration, moment, self.title)

    def is_overdue(self, now):
        if self.due is None:
            return False
        if isinstance(self.due, datetime.datetime):
            return self.due <= now
        return self.due < timezone.localtime(now).date()


@dataclasses.dataclass(frozen=True)
class TodoSource:
    rows: Callable[[TodoScope], Iterable[QuerySet]]
    items: Callable[[TodoScope], Iterable[TodoItem]]


TASK_SOURCES = Registry("to-do sources")


def todo_scope(*, school, user, membership, now=None):
    now = now or timezone.now()
    return TodoScope(school=school, user=user, membership=membership, now=now, today=school_today(school, now))


def todo_items(*, scope):
    """The person's open items, soonest deadline first, the administration's figures last."""
    items = [item for source in TASK_SOURCES for item in source.items(scope)]
    return sorted(items, key=lambda item: item.sort_key(scope.now))


def todo_count(*, scope):
    """How many open items the person has: one query for every source together."""
    parts = [_pks(queryset) for source in TASK_SOURCES for queryset in source.rows(scope)]
    if not parts:
        return 0
    first, *rest = parts
    return first.union(*rest, all=True).count() if rest else first.count()


def _pks(queryset):
    # A sliced part (one figure, a list's limit) keeps the order its slice was taken in.
    return (queryset if queryset.query.is_sliced else queryset.order_by()).values_list("pk")


def one_row(queryset):
    """A figure of the administration counts as one item however big it is."""
    return queryset.order_by()[:1]


def todos_context(request):
    """`todos_open` for the navbar's «Мои дела» badge: a callable the template
    resolves when it shows the link, once per request (one query)."""
    user = getattr(request, "user", None)
    membership = getattr(request, "membership", None)
    if user is None or not user.is_authenticated or membership is None:
        return {"todos_open": 0}

    @functools.cache
    def count():
        return todo_count(scope=todo_scope(school=request.school, user=user, membership=membership))

    return {"todos_open": count}
