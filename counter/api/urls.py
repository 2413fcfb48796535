from django.urls import path

from . import views

app_name = "counter_api"

urlpatterns = [
    path("tariff/", views.TariffView.as_view(), name="tariff"),
    path("sessions/", views.SessionsView.as_view(), name="sessions"),
    path("sessions/<int:session_id>/", views.SessionDetailView.as_view(), name="session"),
    path("sessions/<int:session_id>/close/", views.SessionCloseView.as_view(), name="session_close"),
    path("bookings/", views.BookingsView.as_view(), name="bookings"),
    path("bookings/<str:receipt_number>/upi/confirm/", views.UpiConfirmView.as_view(), name="upi_confirm"),
    path("bookings/<str:receipt_number>/upi/cancel/", views.UpiCancelView.as_view(), name="upi_cancel"),
    path("bookings/<str:receipt_number>/cancel/", views.CancelRequestView.as_view(), name="cancel_request"),
    path(
        "cancellations/<int:request_id>/approve/",
        views.CancelDecideView.as_view(decision="approve"),
        name="cancel_approve",
    ),
    path(
        "cancellations/<int:request_id>/reject/",
        views.CancelDecideView.as_view(decision="reject"),
        name="cancel_reject",
    ),
    path("receipts/<str:receipt_number>/", views.ReceiptView.as_view(), name="receipt"),
    path("receipts/<str:receipt_number>/pdf/", views.ReceiptPdfView.as_view(), name="receipt_pdf"),
]
