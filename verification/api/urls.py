app_name = "verification_api"

urlpatterns: list = []
