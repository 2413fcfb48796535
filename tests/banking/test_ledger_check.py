"""manage.py ledger_check: 0 when the ledger is whole, non-zero with the list when not."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from banking import selectors, services
from banking.models import LedgerCheckRun

pytestmark = pytest.mark.django_db


def test_a_whole_ledger_passes_and_the_run_is_stored(open_account, clerk, capsys):
    a = open_account(100_00)
    b = open_account()
    services.transfer_post(from_number=a.number, to_number=b.number, amount_paise=30_00, actor=clerk)
    call_command("ledger_check")
    assert "OK" in capsys.readouterr().out
    latest = selectors.ledger_check_latest()
    assert latest.ok and latest.entries_checked >= 3 and latest.problems == []


def test_a_tampered_balance_is_found(open_account, capsys):
    account = open_account(100_00)
    with connection.cursor() as cursor:  # someone edits a balance behind the ledger's back
        cursor.execute("UPDATE banking_ledgeraccount SET balance_paise = 1000000 WHERE id = %s", [account.ledger_id])
    with pytest.raises(CommandError, match="1 problem"):
        call_command("ledger_check")
    err = capsys.readouterr().err
    assert f"customer account {account.ledger_id}: stored balance 1000000 paise, sum of postings 10000 paise" in err
    latest = LedgerCheckRun.objects.latest("id")
    assert latest.ok is False and len(latest.problems) == 1


def test_the_command_exits_non_zero(open_account):
    from django.core.management import ManagementUtility

    account = open_account(100_00)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE banking_ledgeraccount SET balance_paise = 1 WHERE id = %s", [account.ledger_id])
    # As from a shell: the CommandError becomes exit status 1.
    with pytest.raises(SystemExit) as caught:
        ManagementUtility(["manage.py", "ledger_check"]).execute()
    assert caught.value.code == 1


def test_a_closed_account_holding_money_is_found(open_account, capsys):
    account = open_account(100_00)
    with connection.cursor() as cursor:  # closed behind the ledger's back, balance and all
        cursor.execute("UPDATE banking_savingsaccount SET status = 'closed' WHERE id = %s", [account.pk])
    with pytest.raises(CommandError, match="2 problem"):
        call_command("ledger_check")
    err = capsys.readouterr().err
    assert f"savings account {account.number} is closed but holds 10000 paise" in err
    assert f"savings account {account.number} is closed but its balance row takes postings" in err


def test_frozen_and_closed_accounts_refuse_postings_on_their_balance_row(open_account, clerk, postmaster):
    frozen, closed = open_account(100_00), open_account()
    services.account_status_change(account_number=frozen.number, new_status="frozen", reason="r", actor=postmaster)
    services.account_status_change(account_number=closed.number, new_status="closed", reason="r", actor=postmaster)
    assert services.ledger_check_run().ok
    services.account_status_change(account_number=frozen.number, new_status="active", reason="r", actor=postmaster)
    services.fee_charge(account_number=frozen.number, amount_paise=1_00, actor=clerk)  # takes postings again
    assert services.ledger_check_run().ok
