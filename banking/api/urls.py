app_name = "banking_api"

urlpatterns: list = []
