"""The posting engine: the one place that writes journal entries and stored balances.

Internal to banking: other apps call banking.services, which call this inside their
transaction. Nothing here opens a transaction of its own; every function that writes
says "in_transaction" in its name and must run inside transaction.atomic().
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.utils import timezone

from core.idempotency import served_key

from .exceptions import AccountNotActive, InsufficientFunds, InvalidAmount, TillShort, UnbalancedEntry
from .models import JournalEntry, LedgerAccount, Posting, SavingsAccount


@dataclass(frozen=True)
class Line:
    """One posting to be made: positive amount = debit, negative = credit."""

    account: LedgerAccount
    amount_paise: int


def _served_key() -> str:
    """The Idempotency-Key of the request being served (core.idempotency), for the entry's audit trail."""
    served = served_key()
    return served.key if served is not None else ""


def amount_check(amount_paise: object, *, allow_zero: bool = False) -> int:
    """A money amount from the outside world: an int (not a bool, float or string),
    more than zero (or zero when allowed) and at most BANKING_MAX_AMOUNT_PAISE."""
    if type(amount_paise) is not int:
        raise InvalidAmount
    low = 0 if allow_zero else 1
    if not low <= amount_paise <= settings.BANKING_MAX_AMOUNT_PAISE:
        raise InvalidAmount(details={"max_paise": settings.BANKING_MAX_AMOUNT_PAISE})
    return amount_paise


def lines_check(lines: Iterable[Line]) -> list[Line]:
    """An entry is at least two non-zero integer lines that add up to zero."""
    lines = list(lines)
    if len(lines) < 2 or any(type(line.amount_paise) is not int or line.amount_paise == 0 for line in lines):
        raise UnbalancedEntry
    if sum(line.amount_paise for line in lines) != 0:
        raise UnbalancedEntry
    return lines


def reversal_lines(postings: Iterable[tuple[LedgerAccount, int]]) -> list[Line]:
    """The lines that undo an entry: every posting negated."""
    return [Line(account, -amount) for account, amount in postings]


_BALANCE_UPDATE = (
    "UPDATE banking_ledgeraccount SET balance_paise = balance_paise + %s "
    "WHERE id = %s AND postable AND balance_paise + %s >= 0 RETURNING balance_paise"
)


def _stored_balance_apply_in_transaction(account: LedgerAccount, delta: int) -> int:
    """Move a stored balance by `delta` (in the account's own sign) unless that would
    take it below zero, or the account is frozen or closed (`postable`).

    Why a conditional UPDATE and not SELECT ... FOR UPDATE then UPDATE: one round trip,
    and the UPDATE itself takes the row lock. Under READ COMMITTED a second transaction
    waiting on that lock re-evaluates `postable AND balance + delta >= 0` against the
    committed new row, so two withdrawals can never both pass on the same old balance,
    and a posting never lands after a freeze or close it was checked before. The CHECK
    constraint (balance >= 0) stays as the last line of defence.
    """
    with connection.cursor() as cursor:
        cursor.execute(_BALANCE_UPDATE, [delta, account.pk, delta])
        row = cursor.fetchone()
    if row is None:
        _refusal_raise(account)
    account.balance_paise = row[0]
    return row[0]


def _refusal_raise(account: LedgerAccount) -> None:
    """Why the conditional UPDATE left `account` alone: frozen or closed, else short.
    Read inside the caller's transaction, which holds the row's lock by now (or saw it
    committed), and which rolls back on the raise."""
    if account.kind == LedgerAccount.Kind.TILL:
        raise TillShort
    status = (
        SavingsAccount.objects.filter(ledger_id=account.pk)
        .exclude(status=SavingsAccount.Status.ACTIVE)
        .values_list("status", flat=True)
        .first()
    )
    if status is not None:
        raise AccountNotActive(details={"status": status})
    raise InsufficientFunds


def entry_post_in_transaction(
    *,
    kind: str,
    office_id: int,
    actor_id: int | None,
    lines: Iterable[Line],
    memo: str = "",
    reverses_id: int | None = None,
) -> JournalEntry:
    """Write one balanced entry and move the stored balances it touches.

    MUST run inside transaction.atomic(): on InsufficientFunds / TillShort the caller's
    transaction rolls back the rows written before. The stored balances move in
    primary-key order: two entries touching the same accounts always lock them in the
    same order, so they cannot deadlock. (The postings' foreign keys take KEY SHARE
    locks, which do not conflict with the UPDATE's NO KEY UPDATE lock.) On PostgreSQL
    the entry, its postings and the balances are one statement (one round trip on every
    money movement); elsewhere the inserts come first and the balance updates after.
    """
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("entry_post_in_transaction() needs transaction.atomic()")
    lines = lines_check(lines)
    entry = JournalEntry(
        kind=kind,
        memo=memo[:200],
        office_id=office_id,
        actor_id=actor_id,
        created_at=timezone.now(),
        reverses_id=reverses_id,
        idempotency_key=_served_key(),
    )
    deltas: dict[int, tuple[LedgerAccount, int]] = {}
    for line in lines:
        if line.account.kind in LedgerAccount.STORED_BALANCE_KINDS:
            account, delta = deltas.get(line.account.pk, (line.account, 0))
            deltas[line.account.pk] = (account, delta + line.account.sign * line.amount_paise)
    moves = [deltas[pk] for pk in sorted(deltas) if deltas[pk][1]]
    if connection.vendor == "postgresql" and moves:
        _moved_check(moves, _entry_insert_and_move(entry, lines, moves))
        return entry
    _entry_insert(entry, lines)
    for account, delta in moves:
        _stored_balance_apply_in_transaction(account, delta)
    return entry


def _moved_check(moves: list[tuple[LedgerAccount, int]], moved: dict[int, int]) -> None:
    """A row left out of RETURNING failed the never-below-zero condition: raise, and the
    caller's transaction rolls back what was written."""
    for account, _delta in moves:
        if account.pk not in moved:
            _refusal_raise(account)
        account.balance_paise = moved[account.pk]


# The entry and its postings: the first part of both statements below.
_ENTRY_WITH = """
WITH e AS (
    INSERT INTO banking_journalentry (kind, memo, office_id, actor_id, created_at, reverses_id, idempotency_key)
    VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id
), p AS (
    INSERT INTO banking_posting (entry_id, account_id, amount_paise, created_at)
    SELECT e.id, x.account_id, x.amount, %s FROM e, unnest(%s::bigint[], %s::bigint[]) AS x(account_id, amount)
)"""

_ENTRY_INSERT = _ENTRY_WITH + "\nSELECT id FROM e"

# The entry, its postings and the stored balances it moves, in one statement: the
# balance rows are locked in primary-key order first (`locked`), then moved unless that
# would take one below zero or the account is frozen or closed (`b`; under READ
# COMMITTED a waiting statement re-checks the condition against the committed new row,
# so a freeze or close committed after the service's own status check still refuses
# the posting). One result row per account moved, or one with NULLs when none could be.
_ENTRY_AND_BALANCES = (
    _ENTRY_WITH  # noqa: S608 (constant SQL; the values are parameters)
    + """, d(id, delta) AS (
    SELECT * FROM unnest(%s::bigint[], %s::bigint[])
), locked AS (
    SELECT l.id FROM banking_ledgeraccount l WHERE l.id IN (SELECT id FROM d) ORDER BY l.id FOR NO KEY UPDATE
), b AS (
    UPDATE banking_ledgeraccount l SET balance_paise = l.balance_paise + d.delta
    FROM d WHERE l.id = d.id AND l.id IN (SELECT id FROM locked) AND l.postable AND l.balance_paise + d.delta >= 0
    RETURNING l.id, l.balance_paise
)
SELECT (SELECT id FROM e), b.id, b.balance_paise FROM (SELECT 1) AS one LEFT JOIN b ON true
"""
)


def _entry_params(entry: JournalEntry, lines: list[Line]) -> list:
    return [
        entry.kind,
        entry.memo,
        entry.office_id,
        entry.actor_id,
        entry.created_at,
        entry.reverses_id,
        entry.idempotency_key,
        entry.created_at,
        [line.account.pk for line in lines],
        [line.amount_paise for line in lines],
    ]


def _entry_saved(entry: JournalEntry, pk: int) -> None:
    entry.pk = pk
    entry._state.adding = False
    entry._state.db = connection.alias


def _entry_insert_and_move(entry: JournalEntry, lines: list[Line], moves: list[tuple[LedgerAccount, int]]) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            _ENTRY_AND_BALANCES, [*_entry_params(entry, lines), [a.pk for a, _d in moves], [d for _a, d in moves]]
        )
        rows = cursor.fetchall()
    _entry_saved(entry, rows[0][0])
    return {account_id: balance for _entry_id, account_id, balance in rows if account_id is not None}


def _entry_insert(entry: JournalEntry, lines: list[Line]) -> None:
    """Insert the entry and its postings. On PostgreSQL one statement does both (one
    round trip); elsewhere the ORM."""
    if connection.vendor != "postgresql":
        entry.save(force_insert=True)
        Posting.objects.bulk_create(
            [
                Posting(entry=entry, account=line.account, amount_paise=line.amount_paise, created_at=entry.created_at)
                for line in lines
            ]
        )
        return
    with connection.cursor() as cursor:
        cursor.execute(_ENTRY_INSERT, _entry_params(entry, lines))
        _entry_saved(entry, cursor.fetchone()[0])


# (office id, kind) -> id of the office's internal account of that kind. Those rows are
# never deleted (postings protect them) and never change office or kind, so each process
# keeps what it has seen committed; the first booking of an office reads them once.
# Filled only after commit: an account created by a transaction that rolls back is not
# remembered. Emptied when the database is flushed or migrated (post_migrate; tests).
_internal_ids: dict[tuple[int, str], int] = {}


@receiver(post_migrate)
def _internal_ids_forget(**kwargs) -> None:
    _internal_ids.clear()


def _internal_account(office_id: int, kind: str, pk: int) -> LedgerAccount:
    # Internal accounts keep no stored balance (NULL); created_at loads if ever read.
    return LedgerAccount.from_db(
        connection.alias, ["id", "kind", "office_id", "balance_paise"], [pk, kind, office_id, None]
    )


def internal_accounts(*, office_id: int, kinds: Iterable[str]) -> dict[str, LedgerAccount]:
    """The office's internal accounts of these kinds, created on first use.

    Two requests creating the same one race on the unique (office, kind) constraint;
    the loser reads the winner's row."""
    kinds = set(kinds)
    if kinds & LedgerAccount.STORED_BALANCE_KINDS:
        raise ValueError("customer and till accounts are not internal")
    known = {kind: _internal_ids.get((office_id, kind)) for kind in kinds}
    found = {kind: _internal_account(office_id, kind, pk) for kind, pk in known.items() if pk is not None}
    missing = kinds - found.keys()
    if not missing:
        return found
    found.update({a.kind: a for a in LedgerAccount.objects.filter(office_id=office_id, kind__in=missing)})
    for kind in kinds - found.keys():
        try:
            with transaction.atomic():
                found[kind] = LedgerAccount.objects.create(office_id=office_id, kind=kind)
        except IntegrityError:
            found[kind] = LedgerAccount.objects.get(office_id=office_id, kind=kind)
    seen = {(office_id, kind): found[kind].pk for kind in missing}
    transaction.on_commit(lambda: _internal_ids.update(seen))
    return found


def internal_account(*, office_id: int, kind: str) -> LedgerAccount:
    return internal_accounts(office_id=office_id, kinds=[kind])[kind]
