"""Reads other apps (and the counter's own views) may use.

pin_info(pin=...) -> PinInfo                  town, district, state of a PIN
route_between(origin_pin=..., dest_pin=...)   distance_km and band
tariff_quote(service=..., weight_g=..., origin_pin=..., dest_pin=..., addons=..., discount=None, on=None) -> Quote
open_session_for(clerk_id=...) -> TillSession | None
booking_by_receipt(receipt_number=...) -> Booking (articles prefetched)
session_report(session_id=...) -> SessionReport      a clerk's day at the till
office_day_summary(office_id=..., day=...) -> OfficeDay   every counter of an office
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.rawsql import model_from_row
from banking import selectors as banking_selectors

from .exceptions import BookingNotFound
from .models import Booking, CancelRequest, OfficeDayClose, TillSession
from .pins import PinInfo, Route, pin_info, route_between
from .tariff import Quote, tariff_quote

__all__ = [
    "OfficeDay",
    "PinInfo",
    "Quote",
    "Route",
    "SessionReport",
    "booking_by_receipt",
    "cancel_requests_pending",
    "ist_day_bounds",
    "office_day_report",
    "office_day_summary",
    "open_session_for",
    "pin_info",
    "route_between",
    "session_report",
    "tariff_quote",
]

PAID_STATUSES = (Booking.Status.PAID, Booking.Status.CANCELLED)


def ist_day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of an Asia/Kolkata calendar day, as aware datetimes."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), tz)
    return start, start + timedelta(days=1)


# Every column but the opening count (JSON; loaded on first access, like .defer()).
_SESSION_COLUMNS = [f.attname for f in TillSession._meta.concrete_fields if f.name != "opening_denominations"]
_OPEN_SESSION_SQL = (
    "SELECT "  # noqa: S608 (column names from the model's metadata; the clerk is a parameter)
    + ", ".join(f"s.{TillSession._meta.get_field(name).column}" for name in _SESSION_COLUMNS)
    + " FROM counter_tillsession s WHERE s.clerk_id = %s"
    " AND NOT EXISTS (SELECT 1 FROM counter_tillclose c WHERE c.session_id = s.id)"
    " ORDER BY s.opened_at DESC LIMIT 1"
)


def open_session_for(*, clerk_id: int) -> TillSession | None:
    """The clerk's open till session. Every cash booking asks: on PostgreSQL one raw
    query (the ORM's compiler cost more than the query, 0.48 ms)."""
    if connection.vendor != "postgresql":
        return TillSession.objects.filter(clerk_id=clerk_id, close__isnull=True).order_by("-opened_at").first()
    with connection.cursor() as cursor:
        cursor.execute(_OPEN_SESSION_SQL, [clerk_id])
        row = cursor.fetchone()
    return None if row is None else model_from_row(TillSession, _SESSION_COLUMNS, row)


def booking_by_receipt(*, receipt_number: str) -> Booking:
    booking = (
        Booking.objects.select_related("office", "clerk", "office__district")
        .prefetch_related("articles")
        .filter(receipt_number=str(receipt_number or "").strip().upper())
        .first()
    )
    if booking is None:
        raise BookingNotFound
    return booking


def _takings(bookings) -> dict:
    """Bookings taken (paid, including those later cancelled) by payment method, and refunds."""
    rows = bookings.values("payment_method").annotate(
        n=Count("id"),
        total=Coalesce(Sum("total_paise"), 0),
        gst=Coalesce(Sum("gst_paise"), 0),
    )
    by_method = {m: {"count": 0, "total_paise": 0, "gst_paise": 0} for m in Booking.Method.values}
    for row in rows:
        by_method[row["payment_method"]] = {"count": row["n"], "total_paise": row["total"], "gst_paise": row["gst"]}
    return by_method


# The till's cash lines in the order a drawer is reconciled, by banking's kind of entry;
# a kind that has not happened still shows, as zero, so the sum reads the same every day.
CASH_LINE_KINDS = ("till_open", "payment", "deposit", "withdrawal", "refund")


@dataclass(frozen=True)
class CashLine:
    kind: str  # banking's JournalEntry.Kind; the template names it
    count: int
    paise: int  # signed: into the drawer is positive


@dataclass
class SessionReport:
    session: TillSession
    bookings: list[Booking]
    articles: int
    by_method: dict
    refunded_paise: int
    cash_in_paise: int
    expected_paise: int  # what banking's ledger says the drawer holds (held when counted)
    cash_lines: list[CashLine] = field(default_factory=list)
    close: object | None = None

    @property
    def cash_lines_paise(self) -> int:
        return sum(line.paise for line in self.cash_lines)

    @property
    def reconciles(self) -> bool:
        return self.cash_lines_paise == self.expected_paise

    @property
    def takings_paise(self) -> int:
        """Everything taken, by every method, before refunds."""
        return sum(m["total_paise"] for m in self.by_method.values())

    @property
    def net_takings_paise(self) -> int:
        return self.takings_paise - self.refunded_paise


def _cash_lines(till_id: int) -> list[CashLine]:
    by_kind = {m.kind: m for m in banking_selectors.till_cash_movements(till_id=till_id)}
    lines = [
        CashLine(kind, by_kind[kind].count if kind in by_kind else 0, by_kind[kind].paise if kind in by_kind else 0)
        for kind in CASH_LINE_KINDS
    ]
    # Anything else that moved the drawer (a reversal approved by the postmaster) is listed too.
    lines += [CashLine(m.kind, m.count, m.paise) for kind, m in sorted(by_kind.items()) if kind not in CASH_LINE_KINDS]
    return lines


def session_report(*, session_id: int) -> SessionReport:
    session = TillSession.objects.select_related("clerk", "office", "close", "close__closed_by").get(pk=session_id)
    start = session.opened_at
    end = session.close.closed_at if hasattr(session, "close") else timezone.now()
    # Every booking this clerk took while the till was open (UPI and account ones too).
    bookings = Booking.objects.filter(clerk_id=session.clerk_id, created_at__gte=start, created_at__lte=end)
    paid = bookings.filter(status__in=PAID_STATUSES)
    by_method = _takings(paid)
    refunded = bookings.filter(status=Booking.Status.CANCELLED).aggregate(t=Coalesce(Sum("total_paise"), 0))["t"]
    close = getattr(session, "close", None)
    expected = close.expected_paise if close else banking_selectors.till_balance(till_id=session.till_id)
    listed = list(bookings.order_by("created_at").prefetch_related("articles"))
    return SessionReport(
        session=session,
        bookings=listed,
        articles=sum(len(b.articles.all()) for b in listed),  # prefetched: no query per booking
        by_method=by_method,
        refunded_paise=refunded,
        cash_in_paise=by_method["cash"]["total_paise"],
        expected_paise=expected,
        cash_lines=_cash_lines(session.till_id),
        close=close,
    )


@dataclass
class TillRow:
    session_id: int
    clerk: str
    opened_at: datetime
    opening_paise: int
    is_open: bool
    closed_at: datetime | None
    expected_paise: int | None
    counted_paise: int | None
    difference_paise: int | None


@dataclass
class OfficeDay:
    office_id: int
    day: date
    tills: list[TillRow]
    bookings: int
    articles: int
    by_method: dict
    total_paise: int
    gst_paise: int
    cancelled: int
    refunded_paise: int
    awaiting_upi: int
    cancel_requests: list = field(default_factory=list)
    closed: OfficeDayClose | None = None
    frozen: bool = False  # the figures frozen when the day was closed

    @property
    def open_tills(self) -> int:
        return sum(1 for t in self.tills if t.is_open)

    @property
    def net_paise(self) -> int:
        """Takings net of refunds."""
        return self.total_paise - self.refunded_paise

    def as_json(self) -> dict:
        return {
            "day": self.day.isoformat(),
            "bookings": self.bookings,
            "articles": self.articles,
            "by_method": self.by_method,
            "total_paise": self.total_paise,
            "gst_paise": self.gst_paise,
            "cancelled": self.cancelled,
            "refunded_paise": self.refunded_paise,
            "awaiting_upi": self.awaiting_upi,
            "tills": [
                {
                    "session_id": t.session_id,
                    "clerk": t.clerk,
                    "opened_at": t.opened_at.isoformat(),
                    "opening_paise": t.opening_paise,
                    "is_open": t.is_open,
                    "closed_at": t.closed_at.isoformat() if t.closed_at else None,
                    "expected_paise": t.expected_paise,
                    "counted_paise": t.counted_paise,
                    "difference_paise": t.difference_paise,
                }
                for t in self.tills
            ],
        }

    @classmethod
    def from_snapshot(cls, close: OfficeDayClose) -> OfficeDay:
        """The day as it was frozen at close (rows closed before the snapshot held every
        field lack some till times: they show blank)."""
        data = close.summary

        def when(text: str | None) -> datetime | None:
            return datetime.fromisoformat(text) if text else None

        return cls(
            office_id=close.office_id,
            day=close.day,
            tills=[
                TillRow(
                    session_id=t["session_id"],
                    clerk=t["clerk"],
                    opened_at=when(t.get("opened_at")),
                    opening_paise=t["opening_paise"],
                    is_open=bool(t.get("is_open", False)),
                    closed_at=when(t.get("closed_at")),
                    expected_paise=t["expected_paise"],
                    counted_paise=t["counted_paise"],
                    difference_paise=t["difference_paise"],
                )
                for t in data["tills"]
            ],
            bookings=data["bookings"],
            articles=data["articles"],
            by_method=data["by_method"],
            total_paise=data["total_paise"],
            gst_paise=data["gst_paise"],
            cancelled=data["cancelled"],
            refunded_paise=data["refunded_paise"],
            awaiting_upi=data.get("awaiting_upi", 0),
            closed=close,
            frozen=True,
        )


def office_day_summary(*, office_id: int, day: date) -> OfficeDay:
    start, end = ist_day_bounds(day)
    sessions = (
        TillSession.objects.filter(office_id=office_id)
        .filter(Q(opened_at__gte=start, opened_at__lt=end) | Q(close__isnull=True))
        .select_related("clerk", "close")
        .order_by("opened_at")
    )
    sessions = list(sessions)
    # Every open till's balance in one query (not one per till).
    balances = banking_selectors.till_balances(till_ids=[s.till_id for s in sessions if not hasattr(s, "close")])
    tills = []
    for s in sessions:
        close = getattr(s, "close", None)
        tills.append(
            TillRow(
                session_id=s.pk,
                clerk=s.clerk.get_full_name() or s.clerk.username,
                opened_at=s.opened_at,
                opening_paise=s.opening_paise,
                is_open=close is None,
                closed_at=close.closed_at if close else None,
                expected_paise=close.expected_paise if close else balances[s.till_id],
                counted_paise=close.counted_paise if close else None,
                difference_paise=close.difference_paise if close else None,
            )
        )
    day_bookings = Booking.objects.filter(office_id=office_id, created_at__gte=start, created_at__lt=end)
    paid = day_bookings.filter(status__in=PAID_STATUSES)
    by_method = _takings(paid)
    agg = paid.aggregate(total=Coalesce(Sum("total_paise"), 0), gst=Coalesce(Sum("gst_paise"), 0), n=Count("id"))
    cancelled = day_bookings.filter(status=Booking.Status.CANCELLED).aggregate(
        n=Count("id"), total=Coalesce(Sum("total_paise"), 0)
    )
    return OfficeDay(
        office_id=office_id,
        day=day,
        tills=tills,
        bookings=agg["n"],
        articles=paid.aggregate(n=Count("articles"))["n"],
        by_method=by_method,
        total_paise=agg["total"],
        gst_paise=agg["gst"],
        cancelled=cancelled["n"],
        refunded_paise=cancelled["total"],
        awaiting_upi=day_bookings.filter(status=Booking.Status.AWAITING_PAYMENT).count(),
        cancel_requests=cancel_requests_pending(office_id=office_id),
        closed=OfficeDayClose.objects.filter(office_id=office_id, day=day).first(),
    )


def office_day_report(*, office_id: int, day: date) -> OfficeDay:
    """The office day for its pages: once closed, the figures frozen at close (later
    activity, which the close refuses anyway, cannot change them); until then, live."""
    close = OfficeDayClose.objects.filter(office_id=office_id, day=day).first()
    if close is None:
        return office_day_summary(office_id=office_id, day=day)
    report = OfficeDay.from_snapshot(close)
    report.cancel_requests = cancel_requests_pending(office_id=office_id)
    return report


def cancel_requests_pending(*, office_id: int) -> list[CancelRequest]:
    return list(
        CancelRequest.objects.filter(booking__office_id=office_id, status=CancelRequest.Status.PENDING)
        .select_related("booking", "requested_by")
        .order_by("requested_at")
    )


def bookings_awaiting_upi(*, office_id: int) -> list[Booking]:
    return list(
        Booking.objects.filter(office_id=office_id, status=Booking.Status.AWAITING_PAYMENT)
        .select_related("clerk")
        .order_by("created_at")
    )


def bookings_recent(*, clerk_id: int, limit: int = 10) -> list[Booking]:
    return list(Booking.objects.filter(clerk_id=clerk_id).order_by("-created_at")[:limit])
