"""Access on a user's behalf to the counter's objects (see accounts.permissions)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import Role, User
from accounts.permissions import access_post_office_for, require_role

from .exceptions import BookingNotFound
from .models import Booking, CancelRequest, TillSession
from .selectors import booking_by_receipt

COUNTER_ROLES = (Role.COUNTER_CLERK, Role.POSTMASTER)


def _office_visible(user: User, office_id: int) -> None:
    """Counter staff of the office, the postmaster of its head office, an administrator."""
    if user.role == Role.ADMINISTRATOR:
        return
    require_role(user, *COUNTER_ROLES, Role.ADMINISTRATOR)
    access_post_office_for(user, office_id)


def access_booking_for(user: User, receipt_number: str) -> Booking:
    try:
        booking = booking_by_receipt(receipt_number=receipt_number)
    except BookingNotFound:
        raise Http404 from None
    _office_visible(user, booking.office_id)
    return booking


def access_session_for(user: User, session_id: int) -> TillSession:
    """The clerk sees their own till sessions; the postmaster every session of the office."""
    session = TillSession.objects.select_related("office").filter(pk=session_id).first()
    if session is None:
        raise Http404
    if user.pk == session.clerk_id or user.role == Role.ADMINISTRATOR:
        return session
    if user.role == Role.POSTMASTER:
        access_post_office_for(user, session.office_id)
        return session
    raise PermissionDenied


def access_cancel_request_for(user: User, request_id: int) -> CancelRequest:
    """Only the postmaster of the booking's office decides."""
    request = CancelRequest.objects.select_related("booking").filter(pk=request_id).first()
    if request is None:
        raise Http404
    require_role(user, Role.POSTMASTER)
    access_post_office_for(user, request.booking.office_id)
    return request
