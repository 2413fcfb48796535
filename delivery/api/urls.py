app_name = "delivery_api"

urlpatterns: list = []
