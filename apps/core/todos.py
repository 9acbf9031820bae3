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

Both, and the navbar's other figure (unread notifications), are kept in Redis for
a short while (`PERSON_CACHE_SECONDS`), since the badges are on every page and
building their queries costs more than the rest of a small page. An entry is one
person's, in one school, in one language, with one set of roles (all in its key),
and is shown to nobody else. It is dropped:
- when anyone changes something in that school (a request other than GET/HEAD by
  a member of the school: `TodosChangedMiddleware`), so one's own action shows at
  once, and colleagues' on their next page;
- when something is done for the person alone (a notification sent or read:
  `todos_changed(user_id=…)`);
- when a beat sweep has run (deadlines passed, reminders due: collabschool/celery.py);
- at the latest after `PERSON_CACHE_SECONDS`: what changes by the clock alone (a
  lesson that has just ended) or from another school of the network shows by then.
The three generations (everybody's, the school's, the person's) are read with the
entry in one round trip; an entry made under other generations is stale. The
navbar's two figures (NAVBAR_FIGURES) are read together: one round trip a page for
both, through the request's one TodoScope (`request_todo_scope`). A Redis that is
down only costs the queries, as without the cache.
"""

import dataclasses
import datetime
import functools
import logging
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone, translation

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
    # What this scope read from the cache already (person_cached): keys → values.
    read: dict = dataclasses.field(default_factory=dict, compare=False, repr=False)

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

logger = logging.getLogger(__name__)

GENERATION_KEY = "todos:generation"


def _school_generation_key(school_id):
    return f"todos:generation:school={school_id}"


def _user_generation_key(user_id):
    return f"todos:generation:user={user_id}"


def todos_changed(*, school_id=None, user_id=None):
    """Forget the cached to-dos and figures of one person (in every school), of one
    school's people, or of everybody's (neither given)."""
    if user_id is not None:
        key = _user_generation_key(user_id)
    elif school_id is not None:
        key = _school_generation_key(school_id)
    else:
        key = GENERATION_KEY
    try:
        cache.set(key, uuid.uuid4().hex, None)
    except Exception:
        # Entries made before still expire after PERSON_CACHE_SECONDS.
        logger.warning("to-do cache unwritable: cached to-dos stay until they expire", exc_info=True)


# The figures the navbar shows on every page of a school: read from the cache together.
NAVBAR_FIGURES = ("count", "unread")


def _entry_key(kind, scope, roles):
    return f"todos:{kind}:school={scope.school.pk}:user={scope.user.pk}:roles={roles}:{translation.get_language()}"


def person_cached(kind, *, scope, compute):
    """`compute()` for the person of `scope`, read from the cache while nothing has
    changed for them (see above); `kind` names the figure. The first read of a
    scope brings the navbar's figures with it, in the same round trip."""
    seconds = settings.PERSON_CACHE_SECONDS
    if not seconds:
        return compute()
    roles = ",".join(sorted(scope.membership.roles))
    generation_keys = [GENERATION_KEY, _school_generation_key(scope.school.pk), _user_generation_key(scope.user.pk)]
    key = _entry_key(kind, scope, roles)
    if key not in scope.read:
        # Every page of a school shows the navbar's figures: whatever is read first brings them.
        kinds = dict.fromkeys((kind, *NAVBAR_FIGURES))
        keys = [*generation_keys, *(_entry_key(other, scope, roles) for other in kinds)]
        try:
            found = cache.get_many(keys)
        except Exception:
            logger.warning("to-do cache unreadable: counting in the database", exc_info=True)
            return compute()
        scope.read.update({name: found.get(name) for name in keys})
    # Read before computing: a change made meanwhile moves a generation, and the
    # entry stored below is then stale at the next read.
    generations = tuple(scope.read.get(generation_key) for generation_key in generation_keys)
    entry = scope.read[key]
    if entry is not None and entry[0] == generations:
        return entry[1]
    value = compute()
    try:
        cache.set(key, (generations, value), seconds)
    except Exception:
        logger.warning("to-do cache unwritable", exc_info=True)
    return value


def todo_scope(*, school, user, membership, now=None):
    now = now or timezone.now()
    return TodoScope(school=school, user=user, membership=membership, now=now, today=school_today(school, now))


def request_todo_scope(request):
    """The signed-in member's scope for this request, made once: the navbar's
    figures share it, and with it one read of the cache."""
    scope = getattr(request, "_todo_scope", None)
    if scope is None:
        scope = request._todo_scope = todo_scope(
            school=request.school, user=request.user, membership=request.membership
        )
    return scope


def todo_items(*, scope):
    """The person's open items, soonest deadline first, the administration's figures last."""
    return person_cached("items", scope=scope, compute=lambda: _items(scope))


def _items(scope):
    items = [item for source in TASK_SOURCES for item in source.items(scope)]
    return sorted(items, key=lambda item: item.sort_key(scope.now))


def todo_count(*, scope):
    """How many open items the person has: one query for every source together."""
    return person_cached("count", scope=scope, compute=lambda: _count(scope))


def _count(scope):
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
        return todo_count(scope=request_todo_scope(request))

    return {"todos_open": count}


class TodosChangedMiddleware:
    """A request that may have changed something in a school (any method but GET,
    HEAD, OPTIONS, by someone working there) forgets that school's cached to-dos."""

    SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        school = getattr(request, "school", None)
        if request.method not in self.SAFE_METHODS and school is not None:
            todos_changed(school_id=school.pk)
        return response
