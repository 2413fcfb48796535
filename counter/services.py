"""Every write of the counter: tills, bookings, payments at the window, cancellations.

Money moves only through banking's services and articles only through delivery's;
this module ties them together in one transaction per operation, so a booking either
has its articles, its payment and its receipt, or none of them. A failure after an
S10 number or a receipt number was drawn leaves a gap in that sequence, never a
duplicate.

Rows are locked in a fixed order: the counter's own row (a till session, a booking)
first, then whatever banking and delivery lock inside their services.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import rawsql
from accounts.models import PostOffice, Role, User
from accounts.typed import is_ascii_digits
from banking import exceptions as banking_exceptions
from banking import selectors as banking_selectors
from banking import services as banking
from delivery import selectors as delivery_selectors
from delivery import services as delivery
from delivery.exceptions import InvalidBooking

from . import refdata, selectors
from .exceptions import (
    BadInput,
    BookingNotFound,
    CancelNotAllowed,
    CounterError,
    TillNotOpen,
)
from .models import (
    NOTE_DENOMINATIONS,
    Booking,
    BookingArticle,
    BookingEvent,
    CancelRequest,
    OfficeDayClose,
    ReceiptSerial,
    Service,
    TillClose,
    TillSession,
)
from .pins import pin_clean
from .tariff import Quote, addons_clean, discount_clean, tariff_quote

# S10 service indicator for each counter service (delivery.s10.SERVICE_INDICATORS).
SERVICE_INDICATOR = {
    Service.SPEED_POST_DOCUMENT: "EE",
    Service.SPEED_POST_PARCEL: "EP",
    Service.PARCEL: "CP",
}
# Postage, add-ons and discounts are all postage income; GST goes to GST payable.
INCOME_KIND = "postage_income"
# Banking's owner mark for a booking's payment (Payment.Owner): banking then refunds,
# cancels or confirms it only when this module asks, so the booking moves with it.
PAYMENT_OWNER = "counter_booking"
MAX_ARTICLES = 20

# A booking's status pipeline, as data; `_booking_status_set` is the only writer.
S = Booking.Status
BOOKING_TRANSITIONS: dict[str, frozenset[str]] = {
    S.AWAITING_PAYMENT: frozenset({S.PAID, S.VOID}),
    S.PAID: frozenset({S.CANCELLED}),
    S.VOID: frozenset(),
    S.CANCELLED: frozenset(),
}


class NotCounterStaff(CounterError):
    code = "not_counter_staff"
    status = 403
    default_message = _("Only counter clerks and postmasters of a post office work at the window.")


class BadDenominations(BadInput):
    code = "bad_denominations"
    default_message = _(
        "Count notes of ₹500, 200, 100, 50, 20 and 10 as whole numbers, and coins as their total in paise."
    )


class BookingTransitionRefused(CounterError):
    code = "booking_transition_refused"
    status = 409
    default_message = _("That step is not allowed from the booking's current status.")


class OfficeDayAlreadyClosed(CounterError):
    code = "office_day_already_closed"
    status = 409
    default_message = _("The office day is already closed.")


class OfficeDayClosed(CounterError):
    code = "office_day_closed"
    status = 409
    default_message = _("The office day is closed: nothing more is booked, paid or refunded at the counter today.")


class UpiStillAwaiting(CounterError):
    code = "upi_still_awaiting"
    status = 409
    default_message = _("Confirm or cancel the UPI payments still waiting for their UTR first.")


class TillsStillOpen(CounterError):
    code = "tills_still_open"
    status = 409
    default_message = _("Every till of the office must be closed first.")


class MakerChecker(CounterError):
    code = "maker_checker"
    status = 403
    default_message = _("The person who asked for the cancellation cannot approve it.")


# --- small checks ---------------------------------------------------------------------------


def _counter_office(user: User) -> PostOffice:
    if user.role not in (Role.COUNTER_CLERK, Role.POSTMASTER) or not user.post_office_id:
        raise NotCounterStaff
    return refdata.office(user.post_office_id)


def denominations_clean(value: object) -> tuple[dict[str, int], int]:
    """{"500": 2, "10": 3, "coins": 750} -> ({"500": 2, ..., "coins": 750}, 103750).

    Notes are counted by piece; coins (₹1, 2, 5, 10, 20 coins mixed) by their total
    value in paise. Missing keys count as zero; anything else is refused."""
    if not isinstance(value, dict):
        raise BadDenominations
    allowed = {str(d) for d in NOTE_DENOMINATIONS} | {"coins"}
    unknown = sorted(str(k) for k in value if str(k) not in allowed)
    if unknown:
        raise BadDenominations(details={"unknown": unknown})
    counts: dict[str, int] = {}
    for key in [*(str(d) for d in NOTE_DENOMINATIONS), "coins"]:
        raw = value.get(key, value.get(int(key)) if key.isdigit() else None)
        if raw in (None, ""):
            raw = 0
        if isinstance(raw, bool) or not isinstance(raw, int | str):
            raise BadDenominations(details={key: str(raw)[:20]})
        text = str(raw).strip()
        if not is_ascii_digits(text) or len(text) > 9:
            raise BadDenominations(details={key: text[:20]})
        counts[key] = int(text)
    total = sum(int(d) * 100 * counts[str(d)] for d in NOTE_DENOMINATIONS) + counts["coins"]
    return counts, total


def _now():
    return timezone.now()


def _office_day_open_check(office_id: int) -> None:
    """Refuse a write to the counter's day once the postmaster has closed it (today, IST)."""
    day = timezone.localdate()
    if OfficeDayClose.objects.filter(office_id=office_id, day=day).exists():
        raise OfficeDayClosed(details={"day": day.isoformat()})


# --- tills ----------------------------------------------------------------------------------


def till_session_open(*, clerk: User, denominations: object, actor: User | None = None) -> TillSession:
    """Open the clerk's till with the counted float (banking moves it from the vault)."""
    office = _counter_office(clerk)
    counts, total = denominations_clean(denominations)
    actor = actor or clerk
    with transaction.atomic():
        till_id = banking.till_open(office_id=office.pk, clerk_id=clerk.pk, opening_paise=total, actor=actor)
        return TillSession.objects.create(
            till_id=till_id,
            office=office,
            clerk=clerk,
            opened_at=_now(),
            opened_by=actor,
            opening_denominations=counts,
            opening_paise=total,
        )


def till_session_close(*, session_id: int, denominations: object, actor: User) -> TillClose:
    """Count the drawer: banking compares it with the ledger's expected cash and posts the
    difference to shortage/excess; we keep the immutable close record."""
    counts, total = denominations_clean(denominations)
    with transaction.atomic():
        # Lock the session first: two close clicks cannot both get past the check below.
        session = TillSession.objects.select_for_update().filter(pk=session_id).first()
        if session is None:
            raise TillNotOpen
        if TillClose.objects.filter(session=session).exists():
            raise TillNotOpen(_("This till is already closed."))
        result = banking.till_close(till_id=session.till_id, counted_paise=total, actor=actor)
        return TillClose.objects.create(
            session=session,
            denominations=counts,
            counted_paise=result.counted_paise,
            expected_paise=result.expected_paise,
            difference_paise=result.difference_paise,
            entry_id=result.entry_id,
            closed_at=_now(),
            closed_by=actor,
        )


def office_day_close(*, office_id: int, day: date, actor: User) -> OfficeDayClose:
    """The postmaster closes the office's day: every till must be closed and no UPI
    payment of the day still waiting. The day's report is frozen into the close record
    (the report page shows that copy), and banking closes the office's cash day, so no
    till opens and nothing books, pays or refunds at the counter for the rest of it."""
    with transaction.atomic():
        # The office row first, as banking's till_open does: no till opens meanwhile.
        office = PostOffice.objects.select_for_update().get(pk=office_id)
        if OfficeDayClose.objects.filter(office=office, day=day).exists():
            raise OfficeDayAlreadyClosed
        if TillSession.objects.filter(office=office, close__isnull=True).exists():
            raise TillsStillOpen
        start, end = selectors.ist_day_bounds(day)
        if Booking.objects.filter(
            office=office, status=S.AWAITING_PAYMENT, created_at__gte=start, created_at__lt=end
        ).exists():
            raise UpiStillAwaiting
        try:
            banking.office_day_cash_close_in_transaction(office_id=office.pk, day=day, actor=actor)
        except banking_exceptions.TillsStillOpen:
            raise TillsStillOpen from None
        summary = selectors.office_day_summary(office_id=office.pk, day=day).as_json()
        return OfficeDayClose.objects.create(office=office, day=day, summary=summary, closed_at=_now(), closed_by=actor)


# --- receipt numbers ----------------------------------------------------------------------------


def receipt_number_next(*, office: PostOffice) -> str:
    """R<office PIN>-<serial>: the serial from a database sequence (PostgreSQL), or from
    an insert-only table where there are no sequences. Unsafe outside a transaction only
    in that a rolled-back booking leaves a gap."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval('counter_receipt_seq')")
            serial = cursor.fetchone()[0]
    else:
        serial = ReceiptSerial.objects.create().pk
    return f"R{office.pin}-{serial:08d}"


# --- bookings ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BookingResult:
    booking: Booking
    replayed: bool  # True when the idempotency key had already booked: nothing new was done
    articles: tuple[BookingArticle, ...] = ()  # as written (empty on a replay: read them)


def _person(kind: str, index: int, data: object, *, mobile_required: bool) -> dict[str, str]:
    if not isinstance(data, dict):
        raise BadInput(
            _("Name, address and PIN are needed."),
            details={f"articles[{index}].{kind}": _("Name, address and PIN are needed.")},
        )
    person = {k: str(data.get(k) or "").strip() for k in ("name", "address", "pin", "mobile")}
    try:
        person["pin"] = pin_clean(person["pin"])
    except BadInput as exc:
        exc.details = {f"articles[{index}].{kind}.pin": str(exc.message)}
        raise
    if mobile_required and not person["mobile"]:
        raise BadInput(
            _("A mobile number is needed for OTP delivery."),
            details={f"articles[{index}].{kind}.mobile": _("A mobile number is needed for OTP delivery.")},
        )
    return person


@dataclass(frozen=True)
class _Line:
    service: str
    weight_g: int
    addons: tuple[str, ...]
    discount: str | None
    sender: dict[str, str]
    recipient: dict[str, str]
    notify_sender: bool
    quote: Quote


def _lines(office: PostOffice, articles: object) -> list[_Line]:
    if not isinstance(articles, list | tuple) or not articles:
        raise BadInput(_("Book at least one article."), details={"articles": _("Book at least one article.")})
    if len(articles) > MAX_ARTICLES:
        raise BadInput(details={"articles": _("At most %(n)d articles on one receipt.") % {"n": MAX_ARTICLES}})
    lines = []
    for index, item in enumerate(articles):
        if not isinstance(item, dict):
            raise BadInput(details={f"articles[{index}]": _("An article is an object.")})
        try:
            addons = addons_clean(item.get("addons") or ())
            discount = discount_clean(item.get("discount"))
            recipient = _person("recipient", index, item.get("recipient"), mobile_required="otp" in addons)
            notify_sender = bool(item.get("notify_sender_on_delivery", False))
            sender = _person("sender", index, item.get("sender"), mobile_required=notify_sender)
            quote = tariff_quote(
                service=item.get("service"),
                weight_g=item.get("weight_g"),
                origin_pin=office.pin,
                dest_pin=recipient["pin"],
                addons=addons,
                discount=discount,
            )
        except BadInput as exc:
            exc.details = {"article": index, **exc.details}
            raise
        lines.append(_Line(quote.service, quote.weight_g, addons, discount, sender, recipient, notify_sender, quote))
    return lines


def booking_total_quote(*, clerk: User, articles: list[dict]) -> int:
    """What booking_create would charge for `articles`, in paise: the same checks and the
    same tariff path (`_lines`), so a savings-account consent code sent for this amount
    matches the booking's payment. Reads only; raises what booking_create raises for
    bad articles."""
    return sum(line.quote.total_paise for line in _lines(_counter_office(clerk), articles))


def _booking_status_set(booking: Booking, new_status: str, *, actor: User, note: str = "") -> None:
    """The only code that changes a booking's status: checks the map, writes the event."""
    old = booking.status
    if new_status not in BOOKING_TRANSITIONS[old]:
        raise BookingTransitionRefused(details={"status": old, "wanted": new_status})
    booking.status = new_status
    booking.save(update_fields=["status"])
    BookingEvent.objects.create(
        booking=booking, old_status=old, new_status=new_status, note=note[:300], actor=actor, at=_now()
    )


def booking_create(
    *,
    clerk: User,
    articles: list[dict],
    payment: dict,
    idempotency_key: str,
    fingerprint: str = "",
) -> BookingResult:
    """Book one or more articles on one receipt and take the payment.

    articles: [{"service", "weight_g", "addons": [...], "discount"?, "notify_sender_on_delivery"?,
                "sender": {"name", "address", "pin", "mobile"?}, "recipient": {...}}]
    payment:  {"method": "cash" | "upi" | "account", "account_number"?, "otp"?}

    Cash goes into the clerk's open till; UPI leaves the booking waiting for the UTR
    (booking_upi_confirm / booking_upi_cancel); account debits the customer's savings.
    `idempotency_key` is unique per clerk: a second call with the same key (a double
    click, a retry after a dropped link) returns the first booking and does nothing.
    """
    office = _counter_office(clerk)
    key = str(idempotency_key or "").strip()
    if not key or len(key) > 80:
        raise BadInput(_("The form has expired. Open it again."), details={"idempotency_key": "1 to 80 characters"})
    # A second click after the first booking committed: answer with it, without drawing
    # a receipt number (a concurrent duplicate is caught by the claim below instead).
    existing_id, session_id, till_id, day_closed = _booking_start(clerk, key, office.pk)
    if existing_id is not None:
        return BookingResult(Booking.objects.get(pk=existing_id), True)
    if day_closed:
        raise OfficeDayClosed
    if not isinstance(payment, dict) or payment.get("method") not in Booking.Method.values:
        raise BadInput(
            _("Choose cash, UPI or a savings account."), details={"payment.method": list(Booking.Method.values)}
        )
    method = payment["method"]
    account_number = str(payment.get("account_number") or "").strip()
    if method == Booking.Method.ACCOUNT and not account_number:
        raise BadInput(details={"payment.account_number": _("The customer's account number is needed.")})
    lines = _lines(office, articles)
    if method != Booking.Method.CASH:
        session_id = till_id = None
    elif session_id is None:
        raise TillNotOpen
    if (
        method == Booking.Method.ACCOUNT
        and banking_selectors.account_for(actor=clerk, account_number=account_number) is None
    ):
        # Before any S10 or receipt number is drawn. banking.payment_take checks the
        # same rule again inside the transaction: this only spares the numbers.
        raise banking_exceptions.AccountNotFound

    now = _now()
    values = {
        "receipt_number": "",
        "office_id": office.pk,
        "clerk_id": clerk.pk,
        "till_session_id": session_id,
        "created_at": now,
        "status": S.AWAITING_PAYMENT if method == Booking.Method.UPI else S.PAID,
        "payment_method": method,
        "payment_id": None,
        "upi_uri": "",
        "utr": "",
        "account_number": account_number if method == Booking.Method.ACCOUNT else "",
        "amount_paise": sum(line.quote.amount_paise for line in lines),
        "addons_paise": sum(line.quote.addons_paise for line in lines),
        "discount_paise": sum(line.quote.discount_paise for line in lines),
        "gst_paise": sum(line.quote.gst_paise for line in lines),
        "total_paise": sum(line.quote.total_paise for line in lines),
        "idempotency_key": key,
        "request_fingerprint": fingerprint[:64],
    }
    # Plain statements (accounts.rawsql) for the rows written here: the ORM's compiler
    # cost more CPU than the round trips. One savepoint, this block's: a refusal from
    # delivery or banking below rolls the whole booking back and leaves the caller's
    # transaction usable.
    with transaction.atomic():
        values["receipt_number"] = receipt_number_next(office=office)
        # Claim the key first. A concurrent duplicate waits here on the unique index
        # until the first commits, then inserts nothing and returns the first booking.
        booking_id = rawsql.insert_returning(Booking, values, conflict=("clerk", "idempotency_key"))
        if booking_id is None:
            return BookingResult(Booking.objects.get(clerk=clerk, idempotency_key=key), True)
        if method != Booking.Method.CASH:
            # A day close that committed since _booking_start: look again, now that this
            # insert has waited out the close's lock on the office row. Cash needs no second
            # look: its till is locked below, and a closed day has no open till.
            _office_day_open_check(office.pk)

        rows = []
        for position, line in enumerate(lines, start=1):
            try:
                article = delivery.article_book(
                    service_indicator=SERVICE_INDICATOR[line.service],
                    origin_office_id=office.pk,
                    sender=line.sender,
                    recipient=line.recipient,
                    weight_g=line.weight_g,
                    addons=set(line.addons),
                    notify_sender_on_delivery=line.notify_sender,
                    actor=clerk,
                    booked_at=now,
                )
            except InvalidBooking as exc:
                # Say which article: delivery's keys are "recipient.name" and the like.
                exc.details = {
                    "article": position - 1,
                    **{f"articles[{position - 1}].{k}": v for k, v in exc.details.items()},
                }
                raise
            q = line.quote
            rows.append(
                {
                    "booking_id": booking_id,
                    "position": position,
                    "article_id": article.pk,
                    "article_number": article.number,
                    "service": line.service,
                    "weight_g": line.weight_g,
                    "addons": list(line.addons),
                    "discount": line.discount or "",
                    "band": q.band,
                    "distance_km": Decimal(str(round(q.distance_km, 1))),
                    "sender_name": line.sender["name"],
                    "sender_pin": line.sender["pin"],
                    "recipient_name": line.recipient["name"],
                    "recipient_pin": line.recipient["pin"],
                    "recipient_town": q.destination.town if q.destination else "",
                    "amount_paise": q.amount_paise,
                    "addons_paise": q.addons_paise,
                    "discount_paise": q.discount_paise,
                    "gst_paise": q.gst_paise,
                    "total_paise": q.total_paise,
                }
            )
        ids = rawsql.insert_rows(BookingArticle, rows)
        booked = tuple(rawsql.from_values(BookingArticle, pk, row) for pk, row in zip(ids, rows, strict=True))

        taken = banking.payment_take(
            office_id=office.pk,
            method=method,
            lines=[(INCOME_KIND, values["total_paise"] - values["gst_paise"])],
            gst_paise=values["gst_paise"],
            reference=values["receipt_number"],
            actor=clerk,
            till_id=till_id,
            account_number=account_number or None,
            otp=str(payment.get("otp") or "") or None,
            note=f"Receipt {values['receipt_number']}",
            owner=PAYMENT_OWNER,
        )
        values["payment_id"] = taken.pk
        values["upi_uri"] = taken.upi_uri or ""
        # The booking's payment and its first event: one statement on PostgreSQL.
        rawsql.with_child(
            rawsql.update_sql(Booking, booking_id, {"payment_id": taken.pk, "upi_uri": values["upi_uri"]}),
            BookingEvent,
            {"old_status": "", "new_status": values["status"], "note": method, "actor_id": clerk.pk, "at": now},
            fk="booking",
        )
    return BookingResult(rawsql.from_values(Booking, booking_id, values), False, booked)


# The clerk's booking with this idempotency key (almost always none) and their open till
# session, in one round trip: every booking asks both.
_BOOKING_START_SQL = (
    "SELECT b.id, s.id, s.till_id,"
    " EXISTS (SELECT 1 FROM counter_officedayclose d WHERE d.office_id = %s AND d.day = %s)"
    " FROM (SELECT 1) AS one"
    " LEFT JOIN counter_booking b ON b.clerk_id = %s AND b.idempotency_key = %s"
    " LEFT JOIN counter_tillsession s ON s.id = ("
    "  SELECT o.id FROM counter_tillsession o WHERE o.clerk_id = %s"
    "  AND NOT EXISTS (SELECT 1 FROM counter_tillclose c WHERE c.session_id = o.id)"
    "  ORDER BY o.opened_at DESC LIMIT 1)"
)


def _booking_start(clerk: User, key: str, office_id: int) -> tuple[int | None, int | None, int | None, bool]:
    """(id of the booking made with `key`, open till session id, its till id, whether the
    office day is closed); None when there is none. The session is the one
    open_session_for gives."""
    row = rawsql.execute(_BOOKING_START_SQL, [office_id, timezone.localdate(), clerk.pk, key, clerk.pk])[0]
    return row[0], row[1], row[2], bool(row[3])


def _booking_lock(booking_id: int) -> Booking:
    booking = Booking.objects.select_for_update().filter(pk=booking_id).first()
    if booking is None:
        raise BookingNotFound
    return booking


def booking_upi_confirm(*, booking_id: int, utr: str, actor: User) -> Booking:
    """The customer paid by UPI: the clerk types the 12-digit UTR from the customer's phone."""
    with transaction.atomic():
        booking = _booking_lock(booking_id)
        _office_day_open_check(booking.office_id)
        if S.PAID not in BOOKING_TRANSITIONS[booking.status]:
            raise BookingTransitionRefused(details={"status": booking.status})
        utr = str(utr or "").strip()
        banking.upi_payment_confirm(payment_id=booking.payment_id, utr=utr, actor=actor, owner=PAYMENT_OWNER)
        booking.utr = utr
        booking.save(update_fields=["utr"])
        _booking_status_set(booking, S.PAID, actor=actor, note=f"UTR {utr}")
    return booking


def booking_upi_cancel(*, booking_id: int, reason: str, actor: User) -> Booking:
    """The customer did not pay by UPI: the payment is cancelled (nothing was posted)
    and the articles booked for it are cancelled too."""
    reason = (reason or "").strip() or str(_("UPI payment not received"))
    with transaction.atomic():
        booking = _booking_lock(booking_id)
        _office_day_open_check(booking.office_id)
        if S.VOID not in BOOKING_TRANSITIONS[booking.status]:
            raise BookingTransitionRefused(details={"status": booking.status})
        banking.upi_payment_cancel(payment_id=booking.payment_id, actor=actor, reason=reason, owner=PAYMENT_OWNER)
        for number in _article_numbers(booking):
            delivery.article_cancel(article_number=number, reason=reason, actor=actor)
        _booking_status_set(booking, S.VOID, actor=actor, note=reason)
    return booking


def _article_numbers(booking: Booking) -> Iterable[str]:
    return list(booking.articles.order_by("position").values_list("article_number", flat=True))


def _cancellable_check(booking: Booking) -> None:
    if booking.status != S.PAID:
        raise CancelNotAllowed(details={"status": booking.status})
    if timezone.localdate(booking.created_at) != timezone.localdate():
        raise CancelNotAllowed(
            _("Only a booking made today can be cancelled."),
            details={"booked_on": str(timezone.localdate(booking.created_at))},
        )
    for number in _article_numbers(booking):
        status = delivery_selectors.article_get(number).status
        if status != "booked":
            raise CancelNotAllowed(
                _("Article %(number)s has already left the counter.") % {"number": number},
                details={"article": number, "status": status},
            )


def booking_cancel_request(*, booking_id: int, reason: str, actor: User) -> CancelRequest:
    """A clerk asks to cancel a paid booking (same day, nothing dispatched yet)."""
    reason = (reason or "").strip()
    if not reason:
        raise BadInput(_("Give the reason for cancelling."), details={"reason": _("Required.")})
    with transaction.atomic():
        booking = _booking_lock(booking_id)
        _office_day_open_check(booking.office_id)
        _cancellable_check(booking)
        try:
            with transaction.atomic():
                return CancelRequest.objects.create(
                    booking=booking, reason=reason[:300], requested_by=actor, requested_at=_now()
                )
        except IntegrityError:
            raise CancelNotAllowed(_("A cancellation is already waiting for the postmaster.")) from None


def _request_lock(request_id: int) -> CancelRequest:
    request = CancelRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise BookingNotFound(_("No such cancellation request."))
    if request.status != CancelRequest.Status.PENDING:
        raise BookingTransitionRefused(_("This request has already been decided."), details={"status": request.status})
    return request


def booking_cancel_approve(*, request_id: int, actor: User) -> CancelRequest:
    """The postmaster approves: the articles are cancelled in delivery and the payment is
    refunded through banking's ledger (cash out of the till, back to the account, or
    against UPI clearing for the bank to return)."""
    if actor.role != Role.POSTMASTER:
        raise MakerChecker(_("Only the postmaster approves a cancellation."))
    with transaction.atomic():
        # Booking first, then its request: the same order as booking_cancel_request.
        booking_id = CancelRequest.objects.filter(pk=request_id).values_list("booking_id", flat=True).first()
        if booking_id is None:
            raise BookingNotFound(_("No such cancellation request."))
        booking = _booking_lock(booking_id)
        request = _request_lock(request_id)
        if request.requested_by_id == actor.pk:
            raise MakerChecker
        _office_day_open_check(booking.office_id)
        _cancellable_check(booking)
        for number in _article_numbers(booking):
            delivery.article_cancel(article_number=number, reason=request.reason, actor=actor)
        banking.payment_refund(
            payment_id=booking.payment_id,
            reason=request.reason,
            actor=actor,
            owner=PAYMENT_OWNER,
            requested_by_id=request.requested_by_id,
        )
        request.status = CancelRequest.Status.APPROVED
        request.decided_by = actor
        request.decided_at = _now()
        request.save(update_fields=["status", "decided_by", "decided_at"])
        _booking_status_set(booking, S.CANCELLED, actor=actor, note=request.reason)
    return request


def booking_cancel_reject(*, request_id: int, actor: User, note: str = "") -> CancelRequest:
    if actor.role != Role.POSTMASTER:
        raise MakerChecker(_("Only the postmaster decides on a cancellation."))
    with transaction.atomic():
        request = _request_lock(request_id)
        request.status = CancelRequest.Status.REJECTED
        request.decided_by = actor
        request.decided_at = _now()
        request.decision_note = (note or "")[:300]
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return request


__all__ = [
    "BOOKING_TRANSITIONS",
    "BookingResult",
    "banking_selectors",
    "booking_cancel_approve",
    "booking_cancel_reject",
    "booking_cancel_request",
    "booking_create",
    "booking_total_quote",
    "booking_upi_cancel",
    "booking_upi_confirm",
    "denominations_clean",
    "office_day_close",
    "receipt_number_next",
    "till_session_close",
    "till_session_open",
]
