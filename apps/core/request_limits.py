"""Request bodies too large to take: a 413 that says so, never a 500.

DATA_UPLOAD_MAX_MEMORY_SIZE bounds every request (Django raises RequestDataTooBig and
`apps.core.views.bad_request` answers 413); a view may declare a lower limit, and the
answer to give, with `body_limit` (the draft autosave), so an htmx fragment stays a
fragment. Nothing typed is lost: the page the person typed into is not replaced.
See docs/security-and-privacy.md#text-limits.
"""

from functools import wraps

from django.conf import settings
from django.shortcuts import render

TOO_BIG = 413


def content_length(request):
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def body_limit(max_bytes, *, template, context=None):
    """View decorator: a body over `max_bytes` is answered 413 with `template`
    (given `context`), before the view runs."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if content_length(request) > max_bytes:
                return too_big_response(request)
            return view(request, *args, **kwargs)

        wrapper.too_big = (template, dict(context or {}))
        return wrapper

    return decorator


def too_big_response(request):
    """413: the view's own answer (`body_limit`), else a fragment for htmx or a page."""
    view = getattr(getattr(request, "resolver_match", None), "func", None)
    template, context = getattr(view, "too_big", (None, {}))
    if template is None:
        is_htmx = request.headers.get("HX-Request") == "true"
        template = "errors/_413.html" if is_htmx else "errors/413.html"
    context = {"max_kb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024, **context}
    return render(request, template, context, status=TOO_BIG)
