"""Access on a user's behalf to banking objects.

Savings accounts, tills and reversal requests belong to a post office. Its counter
clerks and postmaster see them, and so do the clerks and postmaster of its head
office; an administrator sees everything. Anyone else: PermissionDenied. A number
or id that does not exist: Http404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import PostOffice, Role, User

from .models import ReversalRequest, SavingsAccount, Till
from .numbers import account_number_valid
from .selectors import BANKING_ROLES, account_allowed_for, banking_office_allowed, savings_account_get


def offices_served_by(user: User) -> list[int] | None:
    """Ids of the offices whose banking a user may act for; None means every office."""
    if user.role == Role.ADMINISTRATOR:
        return None
    if user.role not in BANKING_ROLES or user.post_office_id is None:
        return []
    subs = list(PostOffice.objects.filter(head_office_id=user.post_office_id).values_list("pk", flat=True))
    return [user.post_office_id, *subs]


def _office_allowed(user: User, office_id: int, head_office_id: int | None) -> bool:
    # The rule lives in selectors: the services that debit an account for another app
    # apply the very same one.
    return banking_office_allowed(user, office_id=office_id, head_office_id=head_office_id)


def require_banking_staff(user: User) -> None:
    if not user.is_authenticated or (user.role not in BANKING_ROLES and user.role != Role.ADMINISTRATOR):
        raise PermissionDenied


def access_account_for(user: User, number: str) -> SavingsAccount:
    """The savings account `number` with its ledger row and holder, if `user` may act on it."""
    require_banking_staff(user)
    if not isinstance(number, str) or not account_number_valid(number):
        raise Http404
    account = savings_account_get(number=number)  # with ledger, holder and office, one query
    if account is None:
        raise Http404
    if not account_allowed_for(user, account):
        raise PermissionDenied
    return account


def access_till_for(user: User, till_id: int) -> Till:
    """A till: its own clerk, or the postmaster (or head-office staff) of its office."""
    require_banking_staff(user)
    till = Till.objects.select_related("ledger", "office").filter(pk=till_id).first()
    if till is None:
        raise Http404
    if till.clerk_id == user.pk or user.role == Role.ADMINISTRATOR:
        return till
    if user.role == Role.POSTMASTER and _office_allowed(user, till.office_id, till.office.head_office_id):
        return till
    raise PermissionDenied


def access_office_for_banking(user: User, office_id: int) -> PostOffice:
    require_banking_staff(user)
    office = PostOffice.objects.filter(pk=office_id).first()
    if office is None:
        raise Http404
    if not _office_allowed(user, office.pk, office.head_office_id):
        raise PermissionDenied
    return office


def access_reversal_request_for(user: User, request_id: int) -> ReversalRequest:
    require_banking_staff(user)
    request = ReversalRequest.objects.select_related("office", "entry").filter(pk=request_id).first()
    if request is None:
        raise Http404
    if not _office_allowed(user, request.office_id, request.office.head_office_id):
        raise PermissionDenied
    return request
