from django.contrib import admin
from django.urls import include, path

from apps.calendar import urls as calendar_urls
from apps.core import views as core_views
from apps.mentoring import urls as mentoring_urls
from apps.staff import views as staff_views


def _superuser_only(request):
    return request.user.is_active and request.user.is_superuser


# The Django admin is for superusers only; schools work in the app's own pages.
admin.site.has_permission = _superuser_only
admin.site.site_header = "collabschool"

urlpatterns = [
    # The school's start page: the registry overview and one's own card.
    path("", staff_views.home, name="home"),
    path("", include("apps.accounts.urls")),
    path("staff/", include("apps.staff.urls")),
    path("staff/", include("apps.privacy.urls")),
    # The calendars keep their addresses and names under mentoring, where phones subscribed.
    path("mentoring/", include((mentoring_urls.urlpatterns + calendar_urls.urlpatterns, "mentoring"))),
    path("visits/", include("apps.visits.urls")),
    path("teams/", include("apps.teams.urls")),
    path("partners/", include("apps.partners.urls")),
    path("problem-days/", include("apps.problemdays.urls")),
    path("community/", include("apps.community.urls")),
    path("associations/", include("apps.associations.urls")),
    path("events/", include("apps.network_events.urls")),
    path("help/", include("apps.help_programmes.urls")),
    path("recognition/", include("apps.recognition.urls")),
    path("ratings/", include("apps.ratings.urls")),
    path("dashboards/", include("apps.dashboards.urls")),
    path("surveys/", include("apps.surveys.urls")),
    path("notifications/", include("apps.notifications.urls")),
    path("audit/", include("apps.audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz/", core_views.health, name="health"),
    path("admin/", admin.site.urls),
]

handler400 = "apps.core.views.bad_request"
handler403 = "apps.core.views.permission_denied"
handler404 = "apps.core.views.page_not_found"
handler500 = "apps.core.views.server_error"
