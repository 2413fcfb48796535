"""End of day: no holder keeps more than ₹2,00,000; the excess goes to their POSB account."""

from __future__ import annotations

import pytest

from banking import selectors, services
from banking.exceptions import OverCap
from banking.models import CapBreach, Customer, SweepRecord
from notify.models import Outbox

pytestmark = pytest.mark.django_db

CAP = 2_00_000_00


def test_excess_over_the_cap_is_swept_across_the_holders_accounts(open_account, clerk):
    first = open_account(1_50_000_00, posb_account="POSB1234567")
    second = open_account(80_000_00, customer_id=first.customer_id, posb_account="POSB7654321")
    report = services.posb_sweep_run()
    assert report.holders_over_cap == 1 and report.swept_paise == 30_000_00 and report.breaches == 0
    total = selectors.balance_of(account_number=first.number) + selectors.balance_of(account_number=second.number)
    assert total == CAP
    record = SweepRecord.objects.get()
    assert record.account == first  # the largest balance pays first
    assert record.posb_account == "POSB1234567"
    assert Outbox.objects.filter(to=first.customer.mobile, template__key="banking.posb_swept").exists()
    assert services.ledger_check_run().ok
    # Running again changes nothing.
    assert services.posb_sweep_run().swept_paise == 0


def test_holders_within_the_cap_are_left_alone(open_account):
    account = open_account(CAP, posb_account="POSB1234567")
    assert services.posb_sweep_run().holders_over_cap == 0
    assert selectors.balance_of(account_number=account.number) == CAP


def test_without_a_linked_posb_account_the_holder_is_flagged_and_credits_pause(open_account, clerk, till_id):
    account = open_account(2_10_000_00)
    report = services.posb_sweep_run()
    assert report.breaches == 1 and report.swept_paise == 0
    breach = CapBreach.objects.get()
    assert breach.excess_paise == 10_000_00
    assert [b.pk for b in selectors.cap_breaches_open(office_ids=[account.office_id])] == [breach.pk]
    assert Outbox.objects.filter(to=account.customer.mobile, template__key="banking.over_cap").count() == 1
    with pytest.raises(OverCap):
        services.deposit_post(account_number=account.number, amount_paise=1_00, till_id=till_id, actor=clerk)
    # Withdrawals still work: the holder can bring the balance down.
    services.withdrawal_post(account_number=account.number, amount_paise=1_000_00, till_id=till_id, actor=clerk)
    # Linking a POSB account lifts the pause; the next sweep moves the excess and clears the list.
    services.account_posb_link(account_number=account.number, posb_account="posb99887766", actor=clerk)
    assert Customer.objects.get(pk=account.customer_id).over_cap_since is None
    services.posb_sweep_run()
    assert selectors.balance_of(account_number=account.number) == CAP
    assert selectors.cap_breaches_open() == []


def test_a_holder_back_under_the_cap_comes_off_the_list(open_account, clerk, till_id):
    account = open_account(2_10_000_00)
    services.posb_sweep_run()
    for _ in range(2):  # ₹5,000 each: below the consent threshold
        services.withdrawal_post(account_number=account.number, amount_paise=5_000_00, till_id=till_id, actor=clerk)
    services.posb_sweep_run()
    assert selectors.cap_breaches_open() == []
    assert Customer.objects.get(pk=account.customer_id).over_cap_since is None


def test_the_beat_task_runs_the_sweep(open_account):
    from banking.tasks import posb_sweep

    open_account(2_00_500_00, posb_account="POSB1234567")
    assert posb_sweep() == {"holders": 1, "swept_paise": 500_00, "breaches": 0}
