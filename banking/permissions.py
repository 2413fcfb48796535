"""Access on a user's behalf to banking objects.

Savings accounts, tills and reversal requests belong to a post office. The banking
roles (counter clerk, postmaster) among the staff who serve that office see them
(accounts.selectors: its own staff and those of its head office); an administrator
sees everything. A role with no banking business gets PermissionDenied whatever the
object; for everyone else, an object outside their offices is answered exactly like
one that does not exist: Http404, so nobody learns which numbers are taken.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import PostOffice, Role, User
from accounts.selectors import offices_served_by as _offices_served_by

from .models import Payment, ReversalRequest, SavingsAccount, Till
from .numbers import account_number_valid
from .selectors import BANKING_ROLES, account_allowed_for, banking_office_allowed, savings_account_get


def offices_served_by(user: User) -> set[int] | None:
    """Ids of the offices whose banking a user may act for; None means every office."""
    if user.role != Role.ADMINISTRATOR and user.role not in BANKING_ROLES:
        return set()
    return _offices_served_by(user)


def require_banking_staff(user: User) -> None:
    if not user.is_authenticated or (user.role not in BANKING_ROLES and user.role != Role.ADMINISTRATOR):
        raise PermissionDenied


def access_account_for(user: User, number: str) -> SavingsAccount:
    """The savings account `number` with its ledger row and holder, if `user` may act on it."""
    require_banking_staff(user)
    if not isinstance(number, str) or not account_number_valid(number):
        raise Http404
    account = savings_account_get(number=number)  # with ledger, holder and office, one query
    if account is None or not account_allowed_for(user, account):
        raise Http404
    return account


def access_till_for(user: User, till_id: int) -> Till:
    """A till: its own clerk, or the postmaster of an office that serves its office."""
    require_banking_staff(user)
    till = Till.objects.select_related("ledger", "office").filter(pk=till_id).first()
    if till is None:
        raise Http404
    if till.clerk_id == user.pk or user.role == Role.ADMINISTRATOR:
        return till
    if user.role == Role.POSTMASTER and banking_office_allowed(user, office=till.office):
        return till
    raise Http404


def access_office_for_banking(user: User, office_id: int) -> PostOffice:
    require_banking_staff(user)
    office = PostOffice.objects.filter(pk=office_id).first()
    if office is None or not banking_office_allowed(user, office=office):
        raise Http404
    return office


def access_reversal_request_for(user: User, request_id: int) -> ReversalRequest:
    require_banking_staff(user)
    request = ReversalRequest.objects.select_related("office", "entry").filter(pk=request_id).first()
    if request is None or not banking_office_allowed(user, office=request.office):
        raise Http404
    return request


def access_payment_for(user: User, payment_id: int) -> Payment:
    """A payment of an office the user serves. The role is checked before the lookup, so a
    role with no business in banking gets the same 403 for any id, and staff get one 404
    for a missing payment and another office's."""
    require_banking_staff(user)
    payment = Payment.objects.select_related("office").filter(pk=payment_id).first()
    if payment is None or not banking_office_allowed(user, office=payment.office):
        raise Http404
    return payment
