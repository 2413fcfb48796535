"""Statements: running balance and totals over a date range cut at Indian midnight; the
CSV a spreadsheet opens; the PDF, a real one, in Hindi with its fonts embedded; the
statement API's csv/pdf formats; and the SMS mini-statement's text."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.utils import timezone

from banking import services
from banking.statements import statement_csv, statement_document, statement_pdf
from notify.models import Outbox

pytestmark = pytest.mark.django_db

IST = ZoneInfo("Asia/Kolkata")
API = "/api/v1/banking/accounts"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def at(monkeypatch):
    """at(y, m, d, hh, mm): the clock (the outside world) reads that Indian time."""

    def _at(*parts):
        moment = datetime(*parts, tzinfo=IST)
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return _at


@pytest.fixture
def october(at, clerk, till_id, open_account):
    """Four movements around Indian midnights (UTC dates differ from Indian ones)."""
    mine = open_account(0, name="राम कुमार", aadhaar="234567890124")
    other = open_account(0)
    at(2025, 10, 1, 23, 50)  # 18:20 UTC on the 1st
    services.deposit_post(account_number=mine.number, amount_paise=1000_00, till_id=None, actor=clerk)
    at(2025, 10, 2, 0, 10)  # 18:40 UTC on the 1st, but the 2nd in India
    services.withdrawal_post(account_number=mine.number, amount_paise=200_00, till_id=None, actor=clerk)
    at(2025, 10, 2, 18, 0)
    services.transfer_post(from_number=mine.number, to_number=other.number, amount_paise=100_00, actor=clerk)
    at(2025, 10, 3, 0, 0)  # exactly midnight: the 3rd
    services.deposit_post(
        account_number=mine.number, amount_paise=50_25, till_id=None, actor=clerk, memo="=HYPERLINK(1)"
    )
    at(2025, 10, 5, 12, 0)
    return mine, other


def test_running_balance_and_totals_cut_at_indian_midnight(october):
    mine, other = october
    day2 = statement_document(
        account_number=mine.number, date_from=date(2025, 10, 2), date_to=date(2025, 10, 2), lang="en"
    )
    assert day2.opening_balance_paise == 1000_00
    assert [(r.debit_paise, r.credit_paise, r.balance_paise) for r in day2.rows] == [
        (200_00, 0, 800_00),
        (100_00, 0, 700_00),
    ]
    assert day2.total_debit_paise == 300_00 and day2.total_credit_paise == 0
    assert day2.closing_balance_paise == 700_00
    assert day2.rows[1].description == f"Transfer to XX{other.number[-4:]}"

    whole = statement_document(
        account_number=mine.number, date_from=date(2025, 10, 1), date_to=date(2025, 10, 3), lang="en"
    )
    assert whole.opening_balance_paise == 0
    assert [r.balance_paise for r in whole.rows] == [1000_00, 800_00, 700_00, 750_25]
    assert [r.day for r in whole.rows] == [date(2025, 10, 1), date(2025, 10, 2), date(2025, 10, 2), date(2025, 10, 3)]
    assert whole.total_credit_paise == 1050_25 and whole.total_debit_paise == 300_00
    assert (
        whole.opening_balance_paise + whole.total_credit_paise - whole.total_debit_paise == whole.closing_balance_paise
    )

    day3 = statement_document(
        account_number=mine.number, date_from=date(2025, 10, 3), date_to=date(2025, 10, 4), lang="en"
    )
    assert day3.opening_balance_paise == 700_00 and len(day3.rows) == 1 and day3.closing_balance_paise == 750_25

    payee = statement_document(
        account_number=other.number, date_from=date(2025, 10, 2), date_to=date(2025, 10, 2), lang="en"
    )
    assert payee.rows[0].description == f"Transfer from XX{mine.number[-4:]}"


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8 and shows Devanagari
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_has_the_facts_then_the_table_in_rupees_and_paise(october):
    mine, _other = october
    doc = statement_document(
        account_number=mine.number, date_from=date(2025, 10, 1), date_to=date(2025, 10, 3), lang="en"
    )
    rows = _csv_rows(statement_csv(doc))
    facts = dict(row for row in rows[: rows.index([])] if len(row) == 2)
    assert facts["Account number"] == mine.number
    assert facts["Account holder"] == "राम कुमार"
    assert facts["Aadhaar"] == "XXXX-XXXX-0124"
    assert facts["Opening balance"] == "0.00" and facts["Closing balance"] == "750.25"
    assert facts["Period"] == "01-10-2025 to 03-10-2025"
    table = rows[rows.index([]) + 1 :]
    assert table[0] == [
        "Date",
        "Time (IST)",
        "Description",
        "Entry no.",
        "Withdrawal (₹)",
        "Deposit (₹)",
        "Balance (₹)",
        "Amount (paise)",
        "Balance (paise)",
    ]
    body = table[1:-1]
    assert [r[0] for r in body] == ["01-10-2025", "02-10-2025", "02-10-2025", "03-10-2025"]
    assert [r[1] for r in body] == ["23:50", "00:10", "18:00", "00:00"]
    assert [(r[4], r[5], r[6]) for r in body] == [
        ("", "1000.00", "1000.00"),
        ("200.00", "", "800.00"),
        ("100.00", "", "700.00"),
        ("", "50.25", "750.25"),
    ]
    assert [int(r[7]) for r in body] == [100000, -20000, -10000, 5025]
    assert body[3][2] == "Cash deposit · =HYPERLINK(1)"  # the memo follows the label: never a formula
    assert table[-1][0] == "Totals" and table[-1][4:7] == ["300.00", "1050.25", "750.25"]


def test_csv_text_a_spreadsheet_would_run_is_kept_as_text(clerk, open_account):
    account = open_account(10_00, name="=HYPERLINK(1)")
    today = timezone.localdate()
    doc = statement_document(account_number=account.number, date_from=today, date_to=today, lang="en")
    facts = dict(row for row in _csv_rows(statement_csv(doc)) if len(row) == 2)
    assert facts["Account holder"] == "'=HYPERLINK(1)"


def test_hindi_csv_has_hindi_headings(october):
    mine, _other = october
    doc = statement_document(
        account_number=mine.number, date_from=date(2025, 10, 1), date_to=date(2025, 10, 3), lang="hi"
    )
    rows = _csv_rows(statement_csv(doc))
    table = rows[rows.index([]) + 1 :]
    assert table[0][0] == "दिनांक"
    assert "नकद जमा" in table[1][2]


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "statement.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext, pdffonts) not installed")
def test_hindi_pdf_is_a_real_pdf_with_devanagari_text_and_embedded_fonts(october, tmp_path):
    mine, _other = october
    doc = statement_document(
        account_number=mine.number, date_from=date(2025, 10, 1), date_to=date(2025, 10, 3), lang="hi"
    )
    pdf = statement_pdf(doc)
    assert pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-1024:]
    text = _pdf_text(pdf, tmp_path)
    # Words checked where text extraction is exact: poppler reads a pre-base vowel sign
    # (ि) out of order, so "विवरण" comes back garbled though it prints right (looked at
    # as a PNG from pdftoppm: conjuncts and matras join).
    assert "खाता संख्या" in text  # "Account number"
    assert "राम कुमार" in text and "नकद जमा" in text and "प्रारं" in text
    assert "₹750.25" in text and "₹1,000.00" in text
    assert "XXXX-XXXX-0124" in text and "234567890124" not in text
    fonts = subprocess.run(["pdffonts", str(tmp_path / "statement.pdf")], capture_output=True, check=True, text=True)
    devanagari = [line for line in fonts.stdout.splitlines() if "Noto-Sans-Devanagari" in line]
    assert devanagari and all(" yes " in line for line in devanagari)  # embedded


def test_statement_api_serves_csv_and_pdf_and_keeps_json_as_default(october, login, clerk):
    mine, _other = october
    client = login(clerk)
    url = f"{API}/{mine.number}/statement/"
    query = {"from": "2025-10-02", "to": "2025-10-02"}
    as_json = client.get(url, query)
    assert as_json["Content-Type"] == "application/json"
    assert as_json.json()["closing_balance_paise"] == 700_00
    as_csv = client.get(url, {**query, "format": "csv", "lang": "en"})
    assert as_csv.status_code == 200 and as_csv["Content-Type"] == "text/csv; charset=utf-8"
    assert f"statement-{mine.number}-20251002-20251002-en.csv" in as_csv["Content-Disposition"]
    assert "700.00" in as_csv.content.decode("utf-8-sig")
    as_pdf = client.get(url, {**query, "format": "pdf", "lang": "hi"})
    assert as_pdf.status_code == 200 and as_pdf["Content-Type"] == "application/pdf"
    assert as_pdf.content.startswith(b"%PDF-")
    bad = client.get(url, {**query, "format": "xml"})
    assert bad.status_code == 400 and bad.json()["error"]["details"]["format"]
    bad_lang = client.get(url, {**query, "format": "pdf", "lang": "fr"})
    assert bad_lang.status_code == 400 and bad_lang.json()["error"]["code"] == "invalid"


def test_statement_api_files_are_for_the_office_staff_only(october, login, outsider):
    mine, _other = october
    response = login(outsider).get(f"{API}/{mine.number}/statement/", {"format": "pdf"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_mini_statement_sms_lists_the_last_five_newest_first(at, clerk, till_id, open_account):
    account = open_account(0)
    for day, amount in enumerate([100_00, 200_00, 300_00, 400_00, 500_00, 600_00], start=1):
        at(2025, 11, day, 10, 0)
        services.deposit_post(account_number=account.number, amount_paise=amount, till_id=None, actor=clerk)
    at(2025, 11, 7, 9, 30)
    services.withdrawal_post(account_number=account.number, amount_paise=50_00, till_id=None, actor=clerk)
    sent = services.mini_statement_send(account_number=account.number, actor=clerk, lang="en")
    assert sent.transactions == 5 and sent.balance_paise == 2050_00
    sms = Outbox.objects.get(template__key="banking.mini_statement")
    assert sms.text == (
        f"A/c XX{account.number[-4:]} last transactions: 07-11 Dr ₹50.00; 06-11 Cr ₹600.00; 05-11 Cr ₹500.00; "
        "04-11 Cr ₹400.00; 03-11 Cr ₹300.00. Balance ₹2,050.00 on 07-11-2025 09:30. - India Post"
    )
    assert sms.dlt_template_id == "1107175900000000307"


def test_mini_statement_in_hindi_for_a_new_account(clerk, open_account):
    account = open_account(0)
    services.mini_statement_send(account_number=account.number, actor=clerk)
    sms = Outbox.objects.get(template__key="banking.mini_statement")
    assert sms.lang == "hi"
    assert "कोई लेन-देन नहीं; -; -; -; -" in sms.text and "शेष ₹0.00" in sms.text


def test_a_period_too_long_for_one_pdf_offers_the_csv(october, login, clerk, monkeypatch):
    from banking import statements

    mine, _other = october
    monkeypatch.setattr(statements, "PDF_MAX_ROWS", 3)  # the October scene has 4 rows
    client = login(clerk)
    query = {"from": "2025-10-01", "to": "2025-10-31", "format": "pdf"}
    page = client.get(f"/banking/a/{mine.number}/statement/", query)
    assert page.status_code == 400 and "download the CSV" in page.content.decode()
    api = client.get(f"{API}/{mine.number}/statement/", query)
    assert api.status_code == 400 and api.json()["error"]["code"] == "statement_too_long"
    assert client.get(f"{API}/{mine.number}/statement/", {**query, "format": "csv"}).status_code == 200
