"""The Django admin of advice-network surveys: for looking up only.

Rounds are opened, closed and analysed on the app's pages and by the analysis
task (apps/surveys/services.py), which fix the participants and the dates and
compute the results; editing a round or an analysis here would change figures
behind a report, so nothing is added, changed or deleted here.
"""

from django.contrib import admin

from apps.core.admin import ReadOnlyAdminMixin

from .models import SurveyAnalysis, SurveyRound


# Answers and ties are deliberately not registered: who named whom stays unseen,
# in the Django admin too.
@admin.register(SurveyRound)
class SurveyRoundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "school", "opens_on", "closes_on", "closed_at", "analysed_at"]
    list_filter = ["school"]
    search_fields = ["name"]


@admin.register(SurveyAnalysis)
class SurveyAnalysisAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["round", "computed_at", "participants", "respondents", "density", "isolates"]
