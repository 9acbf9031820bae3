from django.contrib import admin

from .models import SurveyAnalysis, SurveyRound


# Answers and ties are deliberately not registered: who named whom stays unseen,
# in the Django admin too.
@admin.register(SurveyRound)
class SurveyRoundAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "opens_on", "closes_on", "closed_at", "analysed_at"]
    list_filter = ["school"]
    search_fields = ["name"]
    readonly_fields = ["closed_at", "analysed_at"]


@admin.register(SurveyAnalysis)
class SurveyAnalysisAdmin(admin.ModelAdmin):
    list_display = ["round", "computed_at", "participants", "respondents", "density", "isolates"]
    readonly_fields = [f.name for f in SurveyAnalysis._meta.fields]
