from django.urls import path

from . import citizen_views

app_name = "citizen"

urlpatterns = [
    path("", citizen_views.home, name="home"),
    path("sign-in/", citizen_views.signin, name="signin"),
    path("sign-in/code/", citizen_views.signin_code, name="signin_code"),
    path("sign-out/", citizen_views.signout, name="signout"),
]
