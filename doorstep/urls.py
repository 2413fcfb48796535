from django.urls import path

from . import views

app_name = "doorstep"

urlpatterns = [
    path("", views.home, name="home"),
    path("field/", views.field_home, name="field_home"),
]
