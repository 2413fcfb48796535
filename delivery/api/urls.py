from django.urls import path

from . import views

app_name = "delivery_api"

urlpatterns = [
    path("articles/<str:number>/", views.ArticleView.as_view(), name="article"),
    path("articles/<str:number>/events/", views.ArticleEventsView.as_view(), name="events"),
    path("articles/<str:number>/out-for-delivery/", views.OutForDeliveryView.as_view(), name="out_for_delivery"),
    path("articles/<str:number>/deliver/", views.DeliverView.as_view(), name="deliver"),
    path("articles/<str:number>/resend-otp/", views.ResendOtpView.as_view(), name="resend_otp"),
    path("articles/<str:number>/attempt/", views.AttemptView.as_view(), name="attempt"),
    path("beat/", views.BeatView.as_view(), name="beat"),
    path("bags/", views.BagsView.as_view(), name="bags"),
    path("bags/<str:bag>/", views.BagView.as_view(), name="bag"),
    path("bags/<str:bag>/receive/", views.BagReceiveView.as_view(), name="bag_receive"),
]
