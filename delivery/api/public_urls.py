from django.urls import path

from . import views

app_name = "track_api"

urlpatterns = [
    path("track/<str:number>/", views.PublicTrackView.as_view(), name="track"),
]
