"""A posting racing a close or a freeze (issue 8, item 3): real threads, real PostgreSQL.

A posting checks the account's status early (for a clear answer), but the status that
counts is the one it sees inside its locked write: a close or freeze committed between
the early check and the write refuses the posting. First each operation is paused right
after its early status check while the account is closed or frozen (deterministic);
then random operations run against random closes and freezes.
"""

from __future__ import annotations

import random
import threading
import time

import pytest
from django.db import connection

from banking import selectors, services
from banking.exceptions import AccountNotActive, AccountNotEmpty, InsufficientFunds, InvalidStatusChange
from banking.models import SavingsAccount

pytestmark = pytest.mark.django_db(transaction=True)

RACER = "racer"


class _PauseAfterStatusCheck:
    """Patches banking.services._account_usable: in the racer thread, once the account
    passed its early check, wait until the test has changed the account's status."""

    def __init__(self, monkeypatch):
        self.checked = threading.Event()
        self.go = threading.Event()
        original = services._account_usable

        def paused(account, *, credit):
            original(account, credit=credit)
            if threading.current_thread().name == RACER and not self.go.is_set():
                self.checked.set()
                assert self.go.wait(20), "the test never released the racer"

        monkeypatch.setattr(services, "_account_usable", paused)

    def race(self, operation, status_change) -> object:
        """Run operation() in the racer thread; when it has passed its status check, run
        status_change() here (committed: the test is transactional), then let it go on."""
        result: list = [None]

        def run():
            try:
                result[0] = operation()
            except Exception as exc:  # asserted on by the test
                result[0] = exc
            finally:
                connection.close()

        racer = threading.Thread(target=run, name=RACER)
        racer.start()
        try:
            assert self.checked.wait(20), f"the operation never reached its status check: {result[0]!r}"
            status_change()
        finally:
            self.go.set()
            racer.join(30)
        return result[0]


def _set_status(account, status: str, actor):
    return lambda: services.account_status_change(
        account_number=account.number, new_status=status, reason="race", actor=actor
    )


def _payment(account, clerk, amount: int, reference: str):
    return lambda: services.payment_take(
        office_id=clerk.post_office_id,
        method="account",
        lines=[("service_income", amount)],
        gst_paise=0,
        reference=reference,
        account_number=account.number,
        actor=clerk,
    )


def test_a_deposit_paused_after_its_check_does_not_land_in_a_closed_account(
    monkeypatch, open_account, clerk, postmaster, till_id
):
    account = open_account(0)
    pause = _PauseAfterStatusCheck(monkeypatch)

    result = pause.race(
        lambda: services.deposit_post(account_number=account.number, amount_paise=500_00, till_id=till_id, actor=clerk),
        _set_status(account, "closed", postmaster),
    )

    assert isinstance(result, AccountNotActive), result
    assert SavingsAccount.objects.get(pk=account.pk).status == "closed"
    assert selectors.balance_of(account_number=account.number) == 0
    run = services.ledger_check_run()
    assert run.ok, run.problems


def test_a_transfer_paused_after_its_check_does_not_land_in_a_closed_account(
    monkeypatch, open_account, clerk, postmaster
):
    payer = open_account(1_000_00)
    payee = open_account(0)
    pause = _PauseAfterStatusCheck(monkeypatch)

    result = pause.race(
        lambda: services.transfer_post(
            from_number=payer.number, to_number=payee.number, amount_paise=300_00, actor=clerk
        ),
        _set_status(payee, "closed", postmaster),
    )

    assert isinstance(result, AccountNotActive), result
    assert selectors.balance_of(account_number=payee.number) == 0
    assert selectors.balance_of(account_number=payer.number) == 1_000_00
    assert services.ledger_check_run().ok


@pytest.mark.parametrize("operation", ["deposit", "withdrawal", "transfer_out", "transfer_in", "fee", "payment"])
def test_nothing_paused_after_its_check_lands_on_a_frozen_account(
    monkeypatch, open_account, clerk, postmaster, till_id, operation
):
    account = open_account(1_000_00)
    other = open_account(1_000_00)
    number = account.number
    operations = {
        "deposit": lambda: services.deposit_post(
            account_number=number, amount_paise=10_00, till_id=till_id, actor=clerk
        ),
        "withdrawal": lambda: services.withdrawal_post(
            account_number=number, amount_paise=10_00, till_id=till_id, actor=clerk
        ),
        "transfer_out": lambda: services.transfer_post(
            from_number=number, to_number=other.number, amount_paise=10_00, actor=clerk
        ),
        "transfer_in": lambda: services.transfer_post(
            from_number=other.number, to_number=number, amount_paise=10_00, actor=clerk
        ),
        "fee": lambda: services.fee_charge(account_number=number, amount_paise=10_00, gst_paise=1_80, actor=clerk),
        "payment": _payment(account, clerk, 10_00, "RACE-FROZEN"),
    }
    pause = _PauseAfterStatusCheck(monkeypatch)

    result = pause.race(operations[operation], _set_status(account, "frozen", postmaster))

    assert isinstance(result, AccountNotActive), result
    assert selectors.balance_of(account_number=number) == 1_000_00
    assert selectors.balance_of(account_number=other.number) == 1_000_00
    assert services.ledger_check_run().ok


def test_random_postings_against_random_closes_and_freezes(open_account, clerk, postmaster, till_id):
    """Six clients post at random to eight accounts while a seventh freezes, unfreezes and
    tries to close them. While an account is frozen its balance never moves; at the end
    no closed account holds money and the ledger checks clean."""
    accounts = [open_account(200_00) for _ in range(8)]
    numbers = [a.number for a in accounts]
    deadline = time.monotonic() + 3.0
    moved_while_frozen: list[str] = []
    stats: dict[str, int] = {}
    barrier = threading.Barrier(7)
    references = iter(range(1, 1_000_000))
    reference_lock = threading.Lock()

    def client(i: int) -> int:
        rng = random.Random(2000 + i)
        done = 0
        while time.monotonic() < deadline:
            number = rng.choice(numbers)
            amount = rng.randint(1, 50_00)
            op = rng.random()
            try:
                if op < 0.25:
                    services.deposit_post(account_number=number, amount_paise=amount, till_id=till_id, actor=clerk)
                elif op < 0.45:
                    services.withdrawal_post(account_number=number, amount_paise=amount, till_id=till_id, actor=clerk)
                elif op < 0.7:
                    payee = rng.choice([n for n in numbers if n != number])
                    services.transfer_post(from_number=number, to_number=payee, amount_paise=amount, actor=clerk)
                elif op < 0.85:
                    services.fee_charge(account_number=number, amount_paise=amount, actor=clerk)
                else:
                    with reference_lock:
                        reference = f"RACE-{i}-{next(references)}"
                    services.payment_take(
                        office_id=clerk.post_office_id,
                        method="account",
                        lines=[("service_income", amount)],
                        gst_paise=0,
                        reference=reference,
                        account_number=number,
                        actor=clerk,
                    )
            except (AccountNotActive, InsufficientFunds):
                pass
            done += 1
        return done

    def freeze_a_while(rng: random.Random, number: str) -> None:
        try:
            services.account_status_change(account_number=number, new_status="frozen", reason="r", actor=postmaster)
        except InvalidStatusChange:  # closed already
            return
        frozen_at = selectors.balance_of(account_number=number)
        time.sleep(rng.uniform(0.005, 0.03))  # postings keep arriving for it meanwhile
        if selectors.balance_of(account_number=number) != frozen_at:
            moved_while_frozen.append(number)
        services.account_status_change(account_number=number, new_status="active", reason="r", actor=postmaster)

    def empty_and_close(number: str) -> bool:
        """Pay the balance out and close at once, while postings keep coming: retried
        until a close gets in at a zero balance."""
        for _attempt in range(50):
            balance = selectors.balance_of(account_number=number)
            try:
                if balance:
                    services.withdrawal_post(account_number=number, amount_paise=balance, till_id=till_id, actor=clerk)
                services.account_status_change(account_number=number, new_status="closed", reason="r", actor=postmaster)
                return True
            except (AccountNotEmpty, InsufficientFunds):
                continue
            except (AccountNotActive, InvalidStatusChange):  # closed already
                return False
        return False

    def status_changer() -> int:
        rng = random.Random(99)
        changes = closed = 0
        while time.monotonic() < deadline:
            number = rng.choice(numbers)
            if closed < 4 and rng.random() < 0.3:
                closed += empty_and_close(number)
            else:
                freeze_a_while(rng, number)
            changes += 1
        stats["closed"] = closed
        return changes

    def worker(i: int, results: list) -> None:
        try:
            barrier.wait()
            results[i] = status_changer() if i == 6 else client(i)
        except Exception as exc:  # asserted on below
            results[i] = exc
        finally:
            connection.close()

    results: list = [None] * 7
    threads = [threading.Thread(target=worker, args=(i, results)) for i in range(7)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert all(isinstance(r, int) for r in results), [repr(r) for r in results if not isinstance(r, int)]
    assert results[6] > 10 and sum(results[:6]) > 100 and stats["closed"] >= 1  # it really raced
    assert moved_while_frozen == []
    for account in SavingsAccount.objects.select_related("ledger"):
        if account.status == "closed":
            assert account.ledger.balance_paise == 0, account.number
    run = services.ledger_check_run()
    assert run.ok, run.problems
