from django.urls import path

from . import catalog_views, deadlines_views, page_views

app_name = "visits"

urlpatterns = [
    # A visit: planning, its page, feedback, the self-reflection, sharing, cancelling.
    path("my/", page_views.my_visits, name="my"),
    path("new/", page_views.visit_create, name="create"),
    path("<int:pk>/", page_views.visit_detail, name="detail"),
    path("<int:pk>/feedback/", page_views.feedback, name="feedback"),
    path("<int:pk>/feedback/draft/", page_views.feedback_draft, name="feedback_draft"),
    path("<int:pk>/reflection/", page_views.reflection, name="reflection"),
    path("<int:pk>/share/", page_views.share, name="share"),
    path("<int:pk>/cancel/", page_views.cancel, name="cancel"),
    # The deadline board.
    path("deadlines/", deadlines_views.deadline_board, name="deadlines"),
    # The school's catalog: observation protocols and evaluative words.
    path("protocols/", catalog_views.protocol_list, name="protocols"),
    path("protocols/<int:pk>/", catalog_views.protocol_edit, name="protocol_edit"),
    path("words/", catalog_views.word_list, name="words"),
    path("words/<int:pk>/delete/", catalog_views.word_delete, name="word_delete"),
]
