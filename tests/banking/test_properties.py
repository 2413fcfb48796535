"""Property tests (hypothesis) of the posting rules."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from banking import selectors, services
from banking.exceptions import InsufficientFunds, UnbalancedEntry
from banking.ledger import Line, lines_check, reversal_lines
from banking.models import JournalEntry, LedgerAccount, Posting


class _Acc:
    """Stands in for a ledger account in the pure line rules (only identity matters)."""

    def __init__(self, n: int) -> None:
        self.pk = n


amounts = st.integers(min_value=-(10**9), max_value=10**9).filter(lambda x: x != 0)


@given(st.lists(amounts, min_size=1, max_size=8))
def test_an_entry_is_accepted_exactly_when_it_balances(values):
    lines = [Line(_Acc(i), v) for i, v in enumerate(values)]
    balanced_lines = [*lines, Line(_Acc(99), -sum(values))] if sum(values) else lines
    if sum(values) != 0:
        with pytest.raises(UnbalancedEntry):
            lines_check(lines)
    if len(balanced_lines) >= 2 and all(line.amount_paise for line in balanced_lines):
        assert lines_check(balanced_lines) == balanced_lines


@given(st.lists(amounts, min_size=1, max_size=8))
def test_a_reversal_balances_and_undoes_every_account(values):
    lines = [Line(_Acc(i % 3), v) for i, v in enumerate(values)]
    lines.append(Line(_Acc(7), -sum(values)))
    lines = [line for line in lines if line.amount_paise]
    undo = reversal_lines([(line.account, line.amount_paise) for line in lines])
    assert sum(line.amount_paise for line in undo) == 0
    net: dict[int, int] = {}
    for line in [*lines, *undo]:
        net[line.account.pk] = net.get(line.account.pk, 0) + line.amount_paise
    assert set(net.values()) <= {0}


operation = st.tuples(
    st.sampled_from(["deposit", "withdrawal", "transfer", "fee"]),
    st.integers(min_value=0, max_value=2),
    st.integers(min_value=0, max_value=2),
    st.integers(min_value=1, max_value=3_000_00),
)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(operation, min_size=1, max_size=12))
def test_any_sequence_of_operations_keeps_the_ledger_whole(open_account, clerk, till_id, ops):
    accounts = [open_account(1_000_00) for _ in range(3)]
    model = {a.number: 1_000_00 for a in accounts}
    for kind, i, j, amount in ops:
        a, b = accounts[i].number, accounts[j].number
        try:
            if kind == "deposit":
                services.deposit_post(account_number=a, amount_paise=amount, till_id=till_id, actor=clerk)
                model[a] += amount
            elif kind == "withdrawal":
                services.withdrawal_post(account_number=a, amount_paise=amount, till_id=till_id, actor=clerk)
                model[a] -= amount
            elif kind == "fee":
                services.fee_charge(account_number=a, amount_paise=amount, actor=clerk)
                model[a] -= amount
            elif a != b:
                services.transfer_post(from_number=a, to_number=b, amount_paise=amount, actor=clerk)
                model[a] -= amount
                model[b] += amount
        except InsufficientFunds:
            assert model[a] < amount  # refused exactly when the model says it must be
    for number, expected in model.items():
        assert selectors.balance_of(account_number=number) == expected >= 0
    problems, _entries, _accounts = selectors.ledger_problems()
    assert problems == []


@pytest.mark.django_db
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(min_value=1, max_value=500_00), st.sampled_from(["deposit", "withdrawal", "transfer", "fee"]))
def test_an_approved_reversal_restores_every_balance(open_account, clerk, postmaster, till_id, amount, kind):
    a = open_account(1_000_00)
    b = open_account(1_000_00)
    before = {la.pk: la.balance_paise for la in LedgerAccount.objects.filter(kind__in=["customer", "till"])}
    if kind == "deposit":
        result = services.deposit_post(account_number=a.number, amount_paise=amount, till_id=till_id, actor=clerk)
    elif kind == "withdrawal":
        result = services.withdrawal_post(account_number=a.number, amount_paise=amount, till_id=till_id, actor=clerk)
    elif kind == "fee":
        result = services.fee_charge(account_number=a.number, amount_paise=amount, actor=clerk)
    else:
        result = services.transfer_post(from_number=a.number, to_number=b.number, amount_paise=amount, actor=clerk)
    request = services.reversal_request(entry_id=result.entry_id, reason="test", actor=clerk)
    approved = services.reversal_approve(request_id=request.pk, actor=postmaster)
    after = {la.pk: la.balance_paise for la in LedgerAccount.objects.filter(kind__in=["customer", "till"])}
    assert after == before
    original = {p.account_id: p.amount_paise for p in Posting.objects.filter(entry_id=result.entry_id)}
    undone = {p.account_id: p.amount_paise for p in Posting.objects.filter(entry_id=approved.reversal_entry_id)}
    assert undone == {k: -v for k, v in original.items()}
    assert JournalEntry.objects.get(pk=approved.reversal_entry_id).reverses_id == result.entry_id
