app_name = "network_events"

urlpatterns = []
