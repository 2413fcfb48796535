from django.urls import path

from . import views

app_name = "counter"

urlpatterns = [
    path("", views.home, name="home"),
    path("office/", views.office_home, name="office_home"),
    path("pin/", views.pin_lookup, name="pin_lookup"),
]
