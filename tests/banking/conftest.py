"""Banking fixtures: a clerk's open till and a way to open funded accounts."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from banking import services

_mobiles = itertools.count(9000000001)

FLOAT_PAISE = 50_00_000_00  # ₹50 lakh in the clerk's drawer: tests are about accounts, not cash


def customer_details(**overrides) -> dict:
    details = {
        "name": "Ram Kumar",
        "mobile": str(next(_mobiles)),
        "address": "12 Station Road, Bhagalpur",
        "pin": "812001",
        "date_of_birth": date(1980, 5, 17),
        "gender": "male",
    }
    details.update(overrides)
    return details


@pytest.fixture
def office(places):
    return places.head_office


@pytest.fixture
def till_id(clerk) -> int:
    return services.till_open(office_id=clerk.post_office_id, clerk_id=clerk.pk, opening_paise=FLOAT_PAISE, actor=clerk)


@pytest.fixture
def open_account(clerk, till_id):
    """open_account(balance_paise=0, **customer fields) -> SavingsAccount, funded by a cash deposit."""

    def _open(balance_paise: int = 0, *, posb_account: str = "", customer_id: int | None = None, **customer):
        if customer_id is None:
            holder = services.customer_create(
                **customer_details(**customer), office_id=clerk.post_office_id, actor=clerk
            )
            customer_id = holder.pk
        account = services.account_open(
            customer_id=customer_id, office_id=clerk.post_office_id, actor=clerk, posb_account=posb_account
        )
        if balance_paise:
            services.deposit_post(
                account_number=account.number, amount_paise=balance_paise, till_id=till_id, actor=clerk
            )
        account.ledger.refresh_from_db()
        return account

    return _open
