from django.urls import path

from . import views

app_name = "banking_api"

NUMBER = "<str:number>"

urlpatterns = [
    path("accounts/", views.AccountListView.as_view(), name="accounts"),
    path(f"accounts/{NUMBER}/", views.AccountDetailView.as_view(), name="account"),
    path(f"accounts/{NUMBER}/deposits/", views.DepositView.as_view(), name="deposits"),
    path(f"accounts/{NUMBER}/withdrawals/", views.WithdrawalView.as_view(), name="withdrawals"),
    path(f"accounts/{NUMBER}/withdrawal-otp/", views.WithdrawalOtpView.as_view(), name="withdrawal_otp"),
    path(f"accounts/{NUMBER}/fees/", views.FeeView.as_view(), name="fees"),
    path(f"accounts/{NUMBER}/status/", views.AccountStatusView.as_view(), name="status"),
    path(f"accounts/{NUMBER}/posb-link/", views.PosbLinkView.as_view(), name="posb_link"),
    path(f"accounts/{NUMBER}/statement/", views.StatementView.as_view(), name="statement"),
    path("transfers/", views.TransferView.as_view(), name="transfers"),
    path("tills/", views.TillListView.as_view(), name="tills"),
    path("tills/<int:till_id>/", views.TillDetailView.as_view(), name="till"),
    path("tills/<int:till_id>/close/", views.TillCloseView.as_view(), name="till_close"),
    path("reversals/", views.ReversalListView.as_view(), name="reversals"),
    path("reversals/<int:request_id>/approve/", views.ReversalApproveView.as_view(), name="reversal_approve"),
    path("reversals/<int:request_id>/reject/", views.ReversalRejectView.as_view(), name="reversal_reject"),
    path("payments/upi-pending/", views.UpiPendingView.as_view(), name="upi_pending"),
    path("payments/upi-reconciliation/", views.UpiReconciliationView.as_view(), name="upi_reconciliation"),
    path("payments/<int:payment_id>/upi-confirm/", views.UpiConfirmView.as_view(), name="upi_confirm"),
    path("payments/<int:payment_id>/upi-cancel/", views.UpiCancelView.as_view(), name="upi_cancel"),
    path("payments/<int:payment_id>/refund/", views.PaymentRefundView.as_view(), name="payment_refund"),
    path("ledger-check/latest/", views.LedgerCheckLatestView.as_view(), name="ledger_check_latest"),
]
