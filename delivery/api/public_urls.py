app_name = "track_api"

urlpatterns: list = []
