"""Access on a user's behalf to the counter's objects (see accounts.permissions).

Receipt numbers and ids are sequential: an object the user may not see is answered
like one that does not exist (one 404), so nobody learns which numbers are taken. A
403 is left only for a user who sees the object but may not do this to it.
"""

from __future__ import annotations

from django.http import Http404

from accounts.models import Role, User
from accounts.permissions import require_role
from accounts.selectors import user_serves_office

from .exceptions import BookingNotFound
from .models import Booking, CancelRequest, TillSession
from .selectors import booking_by_receipt

COUNTER_ROLES = (Role.COUNTER_CLERK, Role.POSTMASTER)


def _office_visible(user: User, office_id: int) -> None:
    """Counter staff who serve the office (accounts.selectors.user_serves_office: its
    own, and those of its head office), an administrator; for anyone else the office's
    objects do not exist."""
    if user.role == Role.ADMINISTRATOR:
        return
    if user.role not in COUNTER_ROLES or not user_serves_office(user, office_id):
        raise Http404


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
        _office_visible(user, session.office_id)
        return session
    raise Http404


def access_cancel_request_for(user: User, request_id: int) -> CancelRequest:
    """Only the postmaster of the booking's office decides. The role is checked first, so
    anyone else gets the same 403 whether or not the request exists."""
    require_role(user, Role.POSTMASTER)
    request = CancelRequest.objects.select_related("booking").filter(pk=request_id).first()
    if request is None:
        raise Http404
    _office_visible(user, request.booking.office_id)
    return request
