app_name = "associations"

urlpatterns = []
