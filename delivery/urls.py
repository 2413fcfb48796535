from django.urls import path

from . import views

app_name = "delivery"

urlpatterns = [
    path("beat/", views.postman_home, name="postman_home"),
]
