"""Real threads, real PostgreSQL connections: the ledger under contention."""

from __future__ import annotations

import random
import threading
import time

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection

from banking import selectors, services
from banking.exceptions import InsufficientFunds

pytestmark = pytest.mark.django_db(transaction=True)


def _threads(n: int, target) -> list:
    """Run target(i) in n threads started together; return what each returned or raised."""
    results: list = [None] * n
    barrier = threading.Barrier(n)

    def worker(i: int) -> None:
        try:
            barrier.wait()
            results[i] = target(i)
        except Exception as exc:  # collected and asserted on by the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_fifty_withdrawals_of_ten_rupees_against_a_hundred(open_account, clerk, till_id):
    account = open_account(100_00)

    def withdraw(_i):
        return services.withdrawal_post(account_number=account.number, amount_paise=10_00, till_id=till_id, actor=clerk)

    results = _threads(50, withdraw)
    succeeded = [r for r in results if isinstance(r, services.Movement)]
    refused = [r for r in results if isinstance(r, InsufficientFunds)]
    assert len(succeeded) == 10
    assert len(refused) == 40
    assert selectors.balance_of(account_number=account.number) == 0
    assert sorted(m.balance_paise for m in succeeded) == [i * 10_00 for i in range(10)]
    assert services.ledger_check_run().ok


def test_opposite_transfers_do_not_deadlock(open_account, clerk):
    a = open_account(1_000_00)
    b = open_account(1_000_00)

    def transfer(i):
        payer, payee = (a, b) if i % 2 == 0 else (b, a)
        done = 0
        for _ in range(25):
            services.transfer_post(from_number=payer.number, to_number=payee.number, amount_paise=1_00, actor=clerk)
            done += 1
        return done

    results = _threads(8, transfer)
    assert not [r for r in results if isinstance(r, OperationalError)], results  # no deadlock detected
    assert results == [25] * 8
    total = selectors.balance_of(account_number=a.number) + selectors.balance_of(account_number=b.number)
    assert total == 2_000_00
    # Four threads each way, 25 transfers of ₹1: the two balances end where they began.
    assert selectors.balance_of(account_number=a.number) == 1_000_00


def test_jepsen_bank_money_is_conserved(open_account, clerk, till_id):
    """Random deposits, withdrawals and transfers among 8 accounts from 6 threads for a few
    seconds (fixed seed per thread): nothing is created or lost, nothing goes negative."""
    accounts = [open_account(500_00) for _ in range(8)]
    numbers = [a.number for a in accounts]
    till_before = services.till_balance(till_id=till_id)
    deadline = time.monotonic() + 3.0
    ledger_lock = threading.Lock()
    cash_in = [0]  # net cash put in through the till by the threads

    def client(i):
        rng = random.Random(1000 + i)
        done = 0
        while time.monotonic() < deadline:
            op = rng.random()
            amount = rng.randint(1, 300_00)
            try:
                if op < 0.2:
                    services.deposit_post(
                        account_number=rng.choice(numbers), amount_paise=amount, till_id=till_id, actor=clerk
                    )
                    with ledger_lock:
                        cash_in[0] += amount
                elif op < 0.4:
                    services.withdrawal_post(
                        account_number=rng.choice(numbers),
                        amount_paise=min(amount, 5_000_00),
                        till_id=till_id,
                        actor=clerk,
                    )
                    with ledger_lock:
                        cash_in[0] -= min(amount, 5_000_00)
                else:
                    payer, payee = rng.sample(numbers, 2)
                    services.transfer_post(from_number=payer, to_number=payee, amount_paise=amount, actor=clerk)
            except InsufficientFunds:
                pass
            done += 1
        return done

    results = _threads(6, client)
    assert all(isinstance(r, int) for r in results), results
    assert sum(results) > 100  # it really ran
    balances = [selectors.balance_of(account_number=n) for n in numbers]
    assert all(b >= 0 for b in balances)
    assert sum(balances) == 8 * 500_00 + cash_in[0]
    assert services.till_balance(till_id=till_id) == till_before + cash_in[0]
    run = services.ledger_check_run()
    assert run.ok, run.problems
    call_command("ledger_check")  # exits 0
