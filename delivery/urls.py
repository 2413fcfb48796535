from django.urls import path

from . import views

app_name = "delivery"

urlpatterns = [
    path("beat/", views.postman_home, name="postman_home"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("office/", views.office_home, name="office_home"),
    path("office/assign/", views.assign_beats, name="assign"),
    path("office/dispatch/", views.dispatch, name="dispatch"),
    path("office/receive/", views.receive, name="receive"),
    path("bags/<str:bag>/", views.manifest, name="manifest"),
    path("articles/<str:number>/", views.article_detail, name="article"),
]
