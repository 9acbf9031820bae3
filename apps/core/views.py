from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache

from .health import health_report
from .request_limits import too_big_response


def _error(request, template, status):
    return render(request, template, status=status)


def bad_request(request, exception=None):
    # A form over DATA_UPLOAD_MAX_MEMORY_SIZE: Django gives up reading it and calls this.
    if isinstance(exception, RequestDataTooBig):
        return too_big_response(request)
    return _error(request, "errors/400.html", 400)


def permission_denied(request, exception=None):
    return _error(request, "errors/403.html", 403)


def page_not_found(request, exception=None):
    return _error(request, "errors/404.html", 404)


def server_error(request):
    # No request context: whatever broke the page may break a context processor too.
    return HttpResponseServerError(loader.get_template("errors/500.html").render({}))


def csrf_failure(request, reason=""):
    return render(request, "errors/403_csrf.html", status=403)


@never_cache
def health(request):
    """For load balancers, docker and monitoring: 200 when the database, the
    broker, the worker and every beat sweep are fine, else 503; the JSON names
    each component's status (see apps.core.health). No sign-in needed: it
    reveals no host, address or error text."""
    healthy, report = health_report()
    return JsonResponse(report, status=200 if healthy else 503)
