"""Tills and the payment rail the counter and doorstep call."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from accounts.models import Role, User
from banking import selectors, services
from banking.exceptions import (
    DuplicateUtr,
    InsufficientFunds,
    InvalidAmount,
    InvalidPayment,
    InvalidUtr,
    PaymentDuplicate,
    PaymentInvalidTransition,
    TillAlreadyOpen,
    TillClerkInvalid,
    TillNotOpen,
    TillShort,
)
from banking.models import LedgerAccount, OfficeUpiPayee

pytestmark = pytest.mark.django_db
Kind = LedgerAccount.Kind


def test_a_till_opens_with_a_float_from_the_vault_and_closes_by_counting(clerk, office):
    till_id = services.till_open(office_id=office.pk, clerk_id=clerk.pk, opening_paise=5_000_00, actor=clerk)
    assert services.till_balance(till_id=till_id) == 5_000_00
    assert selectors.ledger_sums(office_id=office.pk)[Kind.OFFICE_CASH] == -5_000_00
    with pytest.raises(TillAlreadyOpen):
        services.till_open(office_id=office.pk, clerk_id=clerk.pk, opening_paise=0, actor=clerk)
    result = services.till_close(till_id=till_id, counted_paise=4_990_00, actor=clerk)
    assert (result.expected_paise, result.counted_paise, result.difference_paise) == (5_000_00, 4_990_00, -10_00)
    assert result.entry_id is not None
    sums = selectors.ledger_sums(office_id=office.pk)
    assert sums[Kind.OFFICE_CASH] == -10_00
    assert sums[Kind.CASH_SHORTAGE_EXCESS] == 10_00  # a shortage is a debit
    assert services.till_balance(till_id=till_id) == 0
    with pytest.raises(TillNotOpen):
        services.till_close(till_id=till_id, counted_paise=0, actor=clerk)
    # A new session may start now.
    services.till_open(office_id=office.pk, clerk_id=clerk.pk, opening_paise=0, actor=clerk)
    assert services.ledger_check_run().ok


def test_an_excess_at_close_is_a_credit(clerk, office):
    till_id = services.till_open(office_id=office.pk, clerk_id=clerk.pk, opening_paise=100_00, actor=clerk)
    result = services.till_close(till_id=till_id, counted_paise=105_00, actor=clerk)
    assert result.difference_paise == 5_00
    assert selectors.ledger_sums(office_id=office.pk)[Kind.CASH_SHORTAGE_EXCESS] == -5_00


def test_only_staff_of_the_office_get_a_till(postman, clerk, places):
    with pytest.raises(TillClerkInvalid):
        services.till_open(office_id=postman.post_office_id, clerk_id=postman.pk, opening_paise=0, actor=clerk)
    with pytest.raises(TillClerkInvalid):
        services.till_open(office_id=places.patna_gpo.pk, clerk_id=clerk.pk, opening_paise=0, actor=clerk)


def test_a_till_never_pays_out_cash_it_does_not_hold(open_account, office):
    account = open_account(500_00)
    second = User.objects.create(username="clerk2", role=Role.COUNTER_CLERK, post_office=office)
    small_till = services.till_open(office_id=office.pk, clerk_id=second.pk, opening_paise=100_00, actor=second)
    with pytest.raises(TillShort):
        services.withdrawal_post(account_number=account.number, amount_paise=200_00, till_id=small_till, actor=second)
    assert selectors.balance_of(account_number=account.number) == 500_00
    assert services.till_balance(till_id=small_till) == 100_00


def test_cash_payment_goes_to_income_and_gst(clerk, postmaster, office, till_id):
    before = services.till_balance(till_id=till_id)
    payment = services.payment_take(
        office_id=office.pk,
        method="cash",
        lines=[("postage_income", 47_00), ("fee_income", 5_00)],
        gst_paise=9_36,
        reference="BK-0001",
        till_id=till_id,
        actor=clerk,
    )
    assert payment.status == "completed" and payment.total_paise == 61_36
    assert services.till_balance(till_id=till_id) == before + 61_36
    sums = selectors.ledger_sums(office_id=office.pk)
    assert (sums[Kind.POSTAGE_INCOME], sums[Kind.FEE_INCOME], sums[Kind.GST_PAYABLE]) == (47_00, 5_00, 9_36)
    with pytest.raises(PaymentDuplicate):
        services.payment_take(
            office_id=office.pk,
            method="cash",
            lines=[("postage_income", 47_00)],
            gst_paise=0,
            reference="BK-0001",
            till_id=till_id,
            actor=clerk,
        )
    # A refund is maker-checker: the clerk asks, the postmaster approves.
    request = services.payment_refund_request(payment_id=payment.pk, reason="booking cancelled", actor=clerk)
    assert services.till_balance(till_id=till_id) == before + 61_36  # nothing moved yet
    services.reversal_approve(request_id=request.pk, actor=postmaster)
    payment.refresh_from_db()
    assert payment.status == "refunded"
    assert services.till_balance(till_id=till_id) == before
    assert selectors.ledger_sums(office_id=office.pk)[Kind.POSTAGE_INCOME] == 0
    with pytest.raises(PaymentInvalidTransition):
        services.payment_refund_request(payment_id=payment.pk, reason="twice", actor=clerk)


def test_account_payment_never_overdraws(open_account, clerk, office):
    account = open_account(50_00)
    with pytest.raises(InsufficientFunds):
        services.payment_take(
            office_id=office.pk,
            method="account",
            lines=[("service_income", 200_00)],
            gst_paise=36_00,
            reference="VISIT-9",
            account_number=account.number,
            actor=clerk,
        )
    assert selectors.balance_of(account_number=account.number) == 50_00
    paid = services.payment_take(
        office_id=office.pk,
        method="account",
        lines=[("service_income", 40_00)],
        gst_paise=7_20,
        reference="VISIT-9",
        account_number=account.number,
        actor=clerk,
    )
    assert paid.status == "completed"
    assert selectors.balance_of(account_number=account.number) == 2_80


def test_upi_pending_until_the_utr_then_reconciled(clerk, office):
    OfficeUpiPayee.objects.create(office=office, vpa="bhagalpur.ho@ippb", payee_name="Bhagalpur H.O & Sons")
    payment = services.payment_take(
        office_id=office.pk,
        method="upi",
        lines=[("postage_income", 59_00)],
        gst_paise=10_62,
        reference="BK/2025-7",
        actor=clerk,
    )
    assert payment.status == "pending" and payment.entry is None
    uri = urlsplit(payment.upi_uri)
    assert uri.scheme == "upi" and uri.netloc == "pay"
    assert "Bhagalpur%20H.O%20%26%20Sons" in payment.upi_uri and "BK%2F2025-7" in payment.upi_uri
    query = parse_qs(uri.query)
    assert query["pa"] == ["bhagalpur.ho@ippb"] and query["am"] == ["69.62"] and query["cu"] == ["INR"]
    assert query["tr"] == ["BK/2025-7"]
    assert [p.pk for p in selectors.upi_pending(office_id=office.pk)] == [payment.pk]
    assert selectors.ledger_sums(office_id=office.pk)[Kind.POSTAGE_INCOME] == 0  # nothing posted yet
    with pytest.raises(InvalidUtr):
        services.upi_payment_confirm(payment_id=payment.pk, utr="12345", actor=clerk)
    services.upi_payment_confirm(payment_id=payment.pk, utr="512345678901", actor=clerk)
    sums = selectors.ledger_sums(office_id=office.pk)
    assert sums[Kind.UPI_CLEARING] == 69_62 and sums[Kind.POSTAGE_INCOME] == 59_00
    other = services.payment_take(
        office_id=office.pk, method="upi", lines=[("fee_income", 1_00)], gst_paise=0, reference="BK-8", actor=clerk
    )
    with pytest.raises(DuplicateUtr):
        services.upi_payment_confirm(payment_id=other.pk, utr="512345678901", actor=clerk)
    services.upi_payment_cancel(payment_id=other.pk, actor=clerk, reason="paid cash")
    from django.utils import timezone

    rec = selectors.upi_reconciliation(office_id=office.pk, day=timezone.localdate())
    assert [row["utr"] for row in rec.confirmed] == ["512345678901"]
    assert rec.confirmed_total_paise == 69_62 and rec.clearing_balance_paise == 69_62
    assert rec.pending_count == 0 and rec.cancelled_count == 1
    assert services.ledger_check_run().ok


@pytest.mark.parametrize(
    "kwargs",
    [
        {"method": "cheque"},
        {"lines": []},
        {"lines": [("gst_payable", 100)]},
        {"lines": [("postage_income", 0)]},
        {"lines": [("postage_income", "100")]},
        {"gst_paise": -1},
        {"reference": ""},
        {"reference": "x" * 36},
    ],
)
def test_bad_payments_are_refused(clerk, office, till_id, kwargs):
    args = {
        "office_id": office.pk,
        "method": "cash",
        "lines": [("postage_income", 100)],
        "gst_paise": 0,
        "reference": "OK-1",
        "till_id": till_id,
        "actor": clerk,
    }
    args.update(kwargs)
    with pytest.raises((InvalidPayment, InvalidAmount)):
        services.payment_take(**args)


def test_a_large_account_payment_needs_the_holders_otp_and_wrong_codes_count(open_account, clerk, office):
    from banking.exceptions import OtpInvalid, OtpRequired
    from banking.models import WithdrawalOtp

    from .helpers import sms_code_to

    account = open_account(20_000_00)
    args = {
        "office_id": office.pk,
        "method": "account",
        "lines": [("service_income", 6_000_00)],
        "gst_paise": 0,
        "reference": "VISIT-BIG",
        "account_number": account.number,
        "actor": clerk,
    }
    with pytest.raises(OtpRequired):
        services.payment_take(**args)
    services.withdrawal_otp_send(account_number=account.number, amount_paise=6_000_00, actor=clerk, purpose="payment")
    code = sms_code_to(account.customer.mobile)
    with pytest.raises(OtpInvalid):
        services.payment_take(**args, otp="000000" if code != "000000" else "111111")
    assert WithdrawalOtp.objects.get(account=account).attempts == 1
    paid = services.payment_take(**args, otp=code)
    assert paid.status == "completed"
    assert selectors.balance_of(account_number=account.number) == 14_000_00
