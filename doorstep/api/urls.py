app_name = "doorstep_api"

urlpatterns: list = []
