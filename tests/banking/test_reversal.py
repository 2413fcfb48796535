"""Corrections are reversal entries: a clerk asks, a different postmaster approves."""

from __future__ import annotations

import pytest

from accounts.models import Role, User
from banking import selectors, services
from banking.exceptions import (
    InsufficientFunds,
    MakerCheckerViolation,
    NotReversible,
    ReversalInvalidTransition,
)
from banking.models import JournalEntry

from .helpers import post

pytestmark = pytest.mark.django_db


def test_clerk_asks_postmaster_approves_balances_restored(open_account, clerk, postmaster, till_id):
    a = open_account(1_000_00)
    b = open_account()
    transfer = services.transfer_post(from_number=a.number, to_number=b.number, amount_paise=300_00, actor=clerk)
    request = services.reversal_request(entry_id=transfer.entry_id, reason="wrong payee", actor=clerk)
    assert request.status == "pending"
    assert selectors.balance_of(account_number=a.number) == 700_00  # nothing moves on a request
    approved = services.reversal_approve(request_id=request.pk, actor=postmaster)
    assert approved.status == "approved"
    assert selectors.balance_of(account_number=a.number) == 1_000_00
    assert selectors.balance_of(account_number=b.number) == 0
    reversal = JournalEntry.objects.get(pk=approved.reversal_entry_id)
    assert reversal.reverses_id == transfer.entry_id and reversal.actor == postmaster
    assert services.ledger_check_run().ok


def test_the_maker_cannot_be_the_checker(open_account, postmaster, clerk):
    account = open_account(100_00)
    fee = services.fee_charge(account_number=account.number, amount_paise=10_00, actor=clerk)
    request = services.reversal_request(entry_id=fee.entry_id, reason="charged twice", actor=postmaster)
    with pytest.raises(MakerCheckerViolation):
        services.reversal_approve(request_id=request.pk, actor=postmaster)
    with pytest.raises(MakerCheckerViolation):  # a clerk is not a checker either
        services.reversal_approve(request_id=request.pk, actor=clerk)
    second_postmaster = User.objects.create(
        username="pm2", role=Role.POSTMASTER, post_office_id=postmaster.post_office_id
    )
    services.reversal_approve(request_id=request.pk, actor=second_postmaster)
    assert selectors.balance_of(account_number=account.number) == 100_00


def test_decided_once_reversed_once(open_account, clerk, postmaster):
    account = open_account(100_00)
    fee = services.fee_charge(account_number=account.number, amount_paise=10_00, actor=clerk)
    request = services.reversal_request(entry_id=fee.entry_id, reason="waived", actor=clerk)
    with pytest.raises(NotReversible):  # one open request per entry
        services.reversal_request(entry_id=fee.entry_id, reason="again", actor=clerk)
    services.reversal_approve(request_id=request.pk, actor=postmaster)
    with pytest.raises(ReversalInvalidTransition):
        services.reversal_approve(request_id=request.pk, actor=postmaster)
    with pytest.raises(ReversalInvalidTransition):
        services.reversal_reject(request_id=request.pk, actor=postmaster)
    with pytest.raises(NotReversible):
        services.reversal_request(entry_id=fee.entry_id, reason="again", actor=clerk)
    reversal_entry = JournalEntry.objects.get(reverses_id=fee.entry_id)
    with pytest.raises(NotReversible):  # a reversal is not itself reversed
        services.reversal_request(entry_id=reversal_entry.pk, reason="undo", actor=clerk)


def test_a_rejected_request_moves_nothing(open_account, clerk, postmaster):
    account = open_account(100_00)
    fee = services.fee_charge(account_number=account.number, amount_paise=10_00, actor=clerk)
    request = services.reversal_request(entry_id=fee.entry_id, reason="?", actor=clerk)
    services.reversal_reject(request_id=request.pk, actor=postmaster, note="fee was due")
    assert selectors.balance_of(account_number=account.number) == 90_00


def test_reversing_a_spent_deposit_fails_like_any_debit(open_account, clerk, postmaster, till_id):
    account = open_account()
    deposit = services.deposit_post(account_number=account.number, amount_paise=100_00, till_id=till_id, actor=clerk)
    services.withdrawal_post(account_number=account.number, amount_paise=60_00, till_id=till_id, actor=clerk)
    request = services.reversal_request(entry_id=deposit.entry_id, reason="counterfeit note", actor=clerk)
    with pytest.raises(InsufficientFunds):
        services.reversal_approve(request_id=request.pk, actor=postmaster)
    assert selectors.balance_of(account_number=account.number) == 40_00


def test_a_cash_entry_of_a_closed_till_reverses_against_the_vault(open_account, clerk, postmaster, till_id):
    account = open_account()
    deposit = services.deposit_post(account_number=account.number, amount_paise=100_00, till_id=till_id, actor=clerk)
    services.till_close(till_id=till_id, counted_paise=services.till_balance(till_id=till_id), actor=clerk)
    request = services.reversal_request(entry_id=deposit.entry_id, reason="typed wrong account", actor=clerk)
    services.reversal_approve(request_id=request.pk, actor=postmaster)
    assert selectors.balance_of(account_number=account.number) == 0
    assert services.till_balance(till_id=till_id) == 0
    assert services.ledger_check_run().ok


def test_reversal_over_the_api(login, clerk, postmaster, open_account):
    account = open_account(100_00)
    fee = services.fee_charge(account_number=account.number, amount_paise=10_00, actor=clerk)
    asked = login(clerk).post(
        "/api/v1/banking/reversals/", {"entry_id": fee.entry_id, "reason": "waived"}, content_type="application/json"
    )
    assert asked.status_code == 201, asked.content
    request_id = asked.json()["id"]
    self_approval = post(login(clerk), f"/api/v1/banking/reversals/{request_id}/approve/", {})
    assert self_approval.status_code == 403
    pm = login(postmaster)
    assert [r["id"] for r in pm.get("/api/v1/banking/reversals/").json()["results"]] == [request_id]
    approved = post(pm, f"/api/v1/banking/reversals/{request_id}/approve/", {})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert selectors.balance_of(account_number=account.number) == 100_00
