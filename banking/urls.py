app_name = "banking"

urlpatterns: list = []
