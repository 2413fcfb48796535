"""The counter day as a postmaster needs it (issue 9, item 7): a closed day is frozen,
its report is the snapshot taken at close, and a till report adds up."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role, User
from banking import selectors as banking_selectors
from banking import services as banking
from banking.models import ClosedOfficeDay, JournalEntry, Till
from core.exceptions import DomainError
from counter import selectors, services
from counter.models import Booking, OfficeDayClose, TillSession

pytestmark = pytest.mark.django_db

FLOAT = {"500": 4, "100": 10, "coins": 5000}  # Rs 3,050
TODAY = timezone.localdate


def article(**overrides):
    item = {
        "service": "speed_post_document",
        "weight_g": 40,
        "addons": ["registration"],
        "sender": {"name": "Ram Kumar", "address": "Tilka Manjhi, Bhagalpur", "pin": "812001", "mobile": "9812345610"},
        "recipient": {"name": "Sita Devi", "address": "Fraser Road, Patna", "pin": "800001", "mobile": "9876543210"},
    }
    item.update(overrides)
    return item


def book(clerk, method="cash", **payment):
    return services.booking_create(
        clerk=clerk, articles=[article()], payment={"method": method, **payment}, idempotency_key=uuid.uuid4().hex
    ).booking


def funded_account(clerk, paise: int) -> str:
    holder = banking.customer_create(
        name="Geeta Devi",
        mobile="9812300001",
        address="Adampur, Bhagalpur",
        pin="812001",
        date_of_birth=date(1985, 5, 1),
        gender="female",
        office_id=clerk.post_office_id,
        actor=clerk,
    )
    account = banking.account_open(customer_id=holder.pk, office_id=clerk.post_office_id, actor=clerk)
    banking.deposit_post(account_number=account.number, amount_paise=paise, till_id=None, actor=clerk)
    return account.number


@pytest.fixture
def closed_day(clerk, postmaster):
    """A day with one cash booking, its till counted, closed by the postmaster."""
    session = services.till_session_open(clerk=clerk, denominations=FLOAT)
    number = funded_account(clerk, 50_00)
    book(clerk)
    expected = banking_selectors.till_balance(till_id=session.till_id)
    services.till_session_close(session_id=session.pk, denominations={"coins": expected}, actor=clerk)
    services.office_day_close(office_id=clerk.post_office_id, day=TODAY(), actor=postmaster)
    return number


def report_page(client) -> str:
    """The report itself (the page around it carries a fresh CSRF token each time)."""
    page = client.get("/counter/office/report/").content.decode()
    return page[page.index('<article class="report">') : page.index("</article>")]


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_closed_day_opens_no_till_books_nothing_and_takes_no_deposit(clerk, postmaster, login, closed_day):
    office_id = clerk.post_office_id
    report_before = report_page(login(postmaster))
    written = (TillSession.objects.count(), Till.objects.count(), Booking.objects.count(), JournalEntry.objects.count())

    with pytest.raises(DomainError) as caught:
        services.till_session_open(clerk=clerk, denominations=FLOAT)
    assert caught.value.code == "office_day_closed" and caught.value.status == 409
    for method in ("cash", "upi"):
        with pytest.raises(services.OfficeDayClosed):
            book(clerk, method)
    with pytest.raises(DomainError) as caught:
        banking.deposit_post(account_number=closed_day, amount_paise=100_00, till_id=None, actor=clerk)
    assert caught.value.code == "office_day_closed"

    # The API answers 409 with the error shape, in the user's language.
    api = api_for(clerk)
    opened = api.post("/api/v1/counter/sessions/", {"denominations": FLOAT}, format="json")
    assert opened.status_code == 409 and opened.json()["error"]["code"] == "office_day_closed"
    booked = api.post(
        "/api/v1/counter/bookings/",
        {"articles": [article()], "payment": {"method": "upi"}},
        format="json",
        HTTP_IDEMPOTENCY_KEY="after-close",
    )
    assert booked.status_code == 409 and booked.json()["error"]["code"] == "office_day_closed"
    till = api.post("/api/v1/banking/tills/", {"opening_paise": 0}, format="json", HTTP_IDEMPOTENCY_KEY="t-1")
    assert till.status_code == 409 and till.json()["error"]["code"] == "office_day_closed"

    # Nothing was written, and the day's report reads exactly as before.
    assert written == (
        TillSession.objects.count(),
        Till.objects.count(),
        Booking.objects.count(),
        JournalEntry.objects.count(),
    )
    assert report_page(login(postmaster)) == report_before
    assert ClosedOfficeDay.objects.filter(office_id=office_id, day=TODAY()).exists()


def test_the_closed_report_is_the_snapshot_taken_at_close(clerk, postmaster, login, closed_day):
    frozen = OfficeDayClose.objects.get(office_id=clerk.post_office_id, day=TODAY())
    report = selectors.office_day_report(office_id=clerk.post_office_id, day=TODAY())
    assert report.frozen and report.as_json() == frozen.summary
    # Later changes to live data (here the clerk's name) do not reach the closed report.
    before = report_page(login(postmaster))
    User.objects.filter(pk=clerk.pk).update(first_name="Renamed", last_name="Later")
    after = report_page(login(postmaster))
    assert "Renamed" not in after and after == before
    assert "Renamed" in selectors.office_day_summary(office_id=clerk.post_office_id, day=TODAY()).tills[0].clerk


def test_the_day_does_not_close_while_a_upi_payment_waits(clerk, postmaster):
    session = services.till_session_open(clerk=clerk, denominations=FLOAT)
    book(clerk, "upi")
    services.till_session_close(session_id=session.pk, denominations=FLOAT, actor=clerk)
    with pytest.raises(services.UpiStillAwaiting):
        services.office_day_close(office_id=clerk.post_office_id, day=TODAY(), actor=postmaster)
    assert not ClosedOfficeDay.objects.exists() and not OfficeDayClose.objects.exists()


def test_a_cancellation_is_not_approved_on_a_closed_day(clerk, postmaster):
    session = services.till_session_open(clerk=clerk, denominations=FLOAT)
    booking = book(clerk)
    request = services.booking_cancel_request(booking_id=booking.pk, reason="wrong address", actor=clerk)
    expected = banking_selectors.till_balance(till_id=session.till_id)
    services.till_session_close(session_id=session.pk, denominations={"coins": expected}, actor=clerk)
    services.office_day_close(office_id=clerk.post_office_id, day=TODAY(), actor=postmaster)
    with pytest.raises(services.OfficeDayClosed):
        services.booking_cancel_approve(request_id=request.pk, actor=postmaster)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PAID


# --- the till report adds up ---------------------------------------------------------------


def test_a_till_report_lists_every_cash_movement_and_adds_up(clerk, postmaster):
    session = services.till_session_open(clerk=clerk, denominations=FLOAT)
    number = funded_account(clerk, 500_00)  # a deposit through the till
    first, second = book(clerk), book(clerk)
    book(clerk, "account", account_number=number)  # no cash: not a drawer line, but a taking
    banking.withdrawal_post(account_number=number, amount_paise=200_00, till_id=None, actor=clerk)
    request = services.booking_cancel_request(booking_id=second.pk, reason="wrong address", actor=clerk)
    services.booking_cancel_approve(request_id=request.pk, actor=postmaster)

    report = selectors.session_report(session_id=session.pk)
    lines = {line.kind: line for line in report.cash_lines}
    assert lines["till_open"].paise == 3050_00
    assert (lines["payment"].count, lines["payment"].paise) == (2, first.total_paise + second.total_paise)
    assert (lines["deposit"].count, lines["deposit"].paise) == (1, 500_00)
    assert (lines["withdrawal"].count, lines["withdrawal"].paise) == (1, -200_00)
    assert (lines["refund"].count, lines["refund"].paise) == (1, -second.total_paise)
    expected = banking_selectors.till_balance(till_id=session.till_id)
    assert report.cash_lines_paise == expected == report.expected_paise and report.reconciles
    assert expected == 3050_00 + first.total_paise + 500_00 - 200_00
    assert (lines["deposit"].paise, lines["withdrawal"].paise) == (500_00, -200_00)
    # Takings: every method, net of the refund.
    assert report.takings_paise == 3 * first.total_paise
    assert report.net_takings_paise == 2 * first.total_paise

    # Counted ten rupees short: the lines still add up to what was expected, and the
    # shortage is the difference from the count.
    services.till_session_close(session_id=session.pk, denominations={"coins": expected - 10_00}, actor=clerk)
    closed = selectors.session_report(session_id=session.pk)
    assert closed.cash_lines_paise == closed.expected_paise == expected and closed.reconciles
    assert closed.close.difference_paise == -10_00


def test_the_till_report_page_shows_the_lines_and_the_sum(clerk, login):
    session = services.till_session_open(clerk=clerk, denominations=FLOAT)
    book(clerk)
    page = login(clerk).get(f"/counter/till/{session.pk}/report/").content.decode()
    assert 'id="cash-reconciliation"' in page and "Bookings paid in cash" in page and "Adds up" in page
    assert "Takings net of refunds" in page


# --- statements per page: no query per till or per booking --------------------------------


def _clerks(clerk, n: int) -> list[User]:
    return [
        User.objects.create_user(
            username=f"clerk-extra-{i}", password="x", role=Role.COUNTER_CLERK, post_office_id=clerk.post_office_id
        )
        for i in range(n)
    ]


def _statements(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_office_home_and_report_cost_the_same_with_one_or_four_open_tills(clerk, postmaster, login):
    services.till_session_open(clerk=clerk, denominations=FLOAT)
    book(clerk)
    pm = login(postmaster)
    pm.get("/counter/office/")  # warm the per-process caches
    one = {url: _statements(pm, url) for url in ("/counter/office/", "/counter/office/report/")}
    for other in _clerks(clerk, 3):
        services.till_session_open(clerk=other, denominations=FLOAT)
        book(other)
    four = {url: _statements(pm, url) for url in ("/counter/office/", "/counter/office/report/")}
    assert four == one
    assert one["/counter/office/"] <= 25 and one["/counter/office/report/"] <= 20


def test_the_till_report_costs_the_same_with_one_or_five_bookings(clerk, login):
    session = services.till_session_open(clerk=clerk, denominations=FLOAT)
    book(clerk)
    client = login(clerk)
    url = f"/counter/till/{session.pk}/report/"
    client.get(url)
    one = _statements(client, url)
    for _ in range(4):
        book(clerk)
    assert _statements(client, url) == one <= 20


def test_the_close_day_confirmation_costs_a_fixed_number_of_statements(clerk, postmaster, login):
    services.till_session_open(clerk=clerk, denominations=FLOAT)
    pm = login(postmaster)
    pm.post("/counter/office/close-day/")
    with CaptureQueriesContext(connection) as queries:
        assert pm.post("/counter/office/close-day/").status_code == 200
    one = len(queries)
    for other in _clerks(clerk, 2):
        services.till_session_open(clerk=other, denominations=FLOAT)
    with CaptureQueriesContext(connection) as queries:
        page = pm.post("/counter/office/close-day/")
    assert page.status_code == 200 and len(queries) == one <= 20
    assert not OfficeDayClose.objects.exists()  # asking closes nothing


def test_the_postmasters_pages_link_to_delivery_beats_and_savings(postmaster, login):
    pm = login(postmaster)
    for url in ("/counter/office/", "/counter/office/report/"):
        page = pm.get(url).content.decode()
        for target in ("/delivery/office/", "/delivery/office/assign/", "/banking/"):
            assert f'href="{target}"' in page, (url, target)
