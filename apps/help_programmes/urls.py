app_name = "help_programmes"

urlpatterns = []
