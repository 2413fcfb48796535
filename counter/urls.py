from django.urls import path

from . import views

app_name = "counter"

urlpatterns = [
    path("", views.home, name="home"),
    path("till/open/", views.till_open, name="till_open"),
    path("till/close/", views.till_close, name="till_close"),
    path("till/<int:session_id>/report/", views.session_report, name="session_report"),
    path("book/", views.book, name="book"),
    path("book/article/", views.article_block, name="article_block"),
    path("book/quote/", views.quote_preview, name="quote"),
    path("book/account-otp/", views.account_otp_send, name="account_otp_send"),
    path("pin/", views.pin_lookup, name="pin_lookup"),
    path("receipts/<str:receipt_number>/", views.receipt, name="receipt"),
    path("receipts/<str:receipt_number>/pdf/", views.receipt_pdf_view, name="receipt_pdf"),
    path("receipts/<str:receipt_number>/upi/confirm/", views.upi_confirm, name="upi_confirm"),
    path("receipts/<str:receipt_number>/upi/cancel/", views.upi_cancel, name="upi_cancel"),
    path("receipts/<str:receipt_number>/cancel/", views.cancel_request, name="cancel_request"),
    path("upi/", views.upi_list, name="upi"),
    path("office/", views.office_home, name="office_home"),
    path("office/report/", views.office_report, name="office_report"),
    path("office/close-day/", views.office_day_close, name="office_day_close"),
    path("office/cancellations/<int:request_id>/", views.cancel_decide, name="cancel_decide"),
]
