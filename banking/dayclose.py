"""An office's cash day, closed: once the postmaster closes the day at the counter, no
till of the office opens and no cash moves through one on that Indian date.

Banking keeps this fact itself (ClosedOfficeDay) because banking cannot see the
counter's records, and its till services are the ones that must refuse.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from accounts.models import PostOffice

from .exceptions import OfficeDayClosed, TillsStillOpen
from .models import ClosedOfficeDay, Till


def office_day_open_check(*, office_id: int, day: date | None = None) -> None:
    """Raise OfficeDayClosed when the office's day (today in IST by default) is closed."""
    day = day or timezone.localdate()
    if ClosedOfficeDay.objects.filter(office_id=office_id, day=day).exists():
        raise OfficeDayClosed(details={"day": day.isoformat()})


def office_day_cash_close_in_transaction(*, office_id: int, day: date, actor) -> ClosedOfficeDay:
    """Close the office's cash day. Unsafe outside a transaction: the office row lock
    taken here is what keeps a till_open from slipping in between the check and the
    insert (till_open takes the same row lock before it looks)."""
    PostOffice.objects.select_for_update().filter(pk=office_id).first()
    if Till.objects.filter(office_id=office_id, status=Till.Status.OPEN).exists():
        raise TillsStillOpen
    office_day_open_check(office_id=office_id, day=day)
    return ClosedOfficeDay.objects.create(office_id=office_id, day=day, closed_by_id=getattr(actor, "pk", None))
