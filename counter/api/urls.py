from django.urls import path

from . import views

app_name = "counter_api"

urlpatterns = [
    path("tariff/", views.TariffView.as_view(), name="tariff"),
]
