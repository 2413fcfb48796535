app_name = "counter_api"

urlpatterns: list = []
