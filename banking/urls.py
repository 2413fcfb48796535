"""The savings pages (/banking/): the clerk's window, and customer self-service under my/."""

from django.urls import path

from . import views

app_name = "banking"

NUMBER = "<str:number>"

urlpatterns = [
    # The clerk's window (counter clerks and postmasters of the account's office).
    path("", views.home, name="home"),
    path("open/", views.account_open, name="account_open"),
    path(f"a/{NUMBER}/", views.account_detail, name="account"),
    path(f"a/{NUMBER}/deposit/", views.deposit, name="deposit"),
    path(f"a/{NUMBER}/withdraw/", views.withdraw, name="withdraw"),
    path(f"a/{NUMBER}/withdraw/consent/", views.withdrawal_consent, name="withdrawal_consent"),
    path(f"a/{NUMBER}/withdraw/otp/", views.withdrawal_otp, name="withdrawal_otp"),
    path(f"a/{NUMBER}/statement/", views.statement, name="statement"),
    path(f"a/{NUMBER}/mini-statement/", views.mini_statement, name="mini_statement"),
    # Customer self-service: its own session (banking.selfservice), cookie path /banking/my/.
    path("my/", views.my_home, name="my_home"),
    path("my/balance/", views.my_balance, name="my_balance"),
    path("my/sign-in/", views.my_signin, name="my_signin"),
    path("my/sign-in/code/", views.my_signin_code, name="my_signin_code"),
    path("my/sign-out/", views.my_signout, name="my_signout"),
    path("my/statement/", views.my_statement, name="my_statement"),
    path("my/mini-statement/", views.my_mini_statement, name="my_mini_statement"),
    path("my/transfer/", views.my_transfer, name="my_transfer"),
    path("my/transfer/confirm/", views.my_transfer_confirm, name="my_transfer_confirm"),
    path("my/transfer/resend/", views.my_transfer_resend, name="my_transfer_resend"),
    path("my/transfer/done/", views.my_transfer_done, name="my_transfer_done"),
]
