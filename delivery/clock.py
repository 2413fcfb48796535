"""IST days: an OTP is valid for one delivery day, a beat is one day's work."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

IST = ZoneInfo("Asia/Kolkata")


def ist_date(at: datetime | None = None) -> date:
    return (at or timezone.now()).astimezone(IST).date()


def ist_day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of an IST day as aware datetimes: filter with __gte start, __lt end."""
    start = datetime.combine(day, time.min, tzinfo=IST)
    return start, start + timedelta(days=1)
