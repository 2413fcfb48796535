"""Passbook statements as people read them: the printable page, CSV and PDF.

One document (statement_document) feeds all three, built from
banking.selectors.statement_for: opening balance, one row per entry with its running
balance, totals, closing balance; Indian dates (a day runs 00:00-24:00 IST), the
holder's masked Aadhaar and the home office.

Language: every label comes out in the language asked for ("hi" or "en"), whatever the
page's; the PDF and the CSV are offered in both.

CSV (decided here; Excel is what a customer or a clerk opens it with):
- UTF-8 with a byte-order mark, so Excel shows Devanagari rather than mojibake;
- first a few "label,value" lines (account, holder, Aadhaar, office, period, opening
  and closing balance, generated at), one empty line, then the table;
- amounts in rupees with two decimals and no grouping or symbol ("1234.50", "-" never:
  debit and credit are separate columns), so Excel reads them as numbers; and the same
  movement and balance again as integer paise (signed: credit +, debit -), the exact
  figures for anyone who reconciles by machine;
- text a spreadsheet would run as a formula (starting with = + - @) gets a leading
  apostrophe (CSV injection).

PDF: WeasyPrint, A4, with Noto Sans and Noto Sans Devanagari from static/fonts loaded as
file:// URLs (no network), so conjuncts and matras are shaped by HarfBuzz; page numbers
"1 / 3" at the foot; the table header repeats on each page.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.negotiation import BaseContentNegotiation

from accounts.formatting import place_name

from . import selectors
from .exceptions import StatementTooLong
from .models import JournalEntry, SavingsAccount

LANGS = ("hi", "en")
FORMATS = ("html", "csv", "pdf")

# Labels the CSV and the PDF print (the page uses the same words through its template).
LABELS = {
    "title": gettext_lazy("Account statement"),
    "bank": gettext_lazy("India Post savings account"),
    "account": gettext_lazy("Account number"),
    "holder": gettext_lazy("Account holder"),
    "aadhaar": gettext_lazy("Aadhaar"),
    "office": gettext_lazy("Home post office"),
    "period": gettext_lazy("Period"),
    "opening": gettext_lazy("Opening balance"),
    "closing": gettext_lazy("Closing balance"),
    "total_debit": gettext_lazy("Total withdrawn"),
    "total_credit": gettext_lazy("Total deposited"),
    "generated": gettext_lazy("Generated at"),
    "date": gettext_lazy("Date"),
    "time": gettext_lazy("Time (IST)"),
    "description": gettext_lazy("Description"),
    "entry": gettext_lazy("Entry no."),
    "debit": gettext_lazy("Withdrawal"),
    "credit": gettext_lazy("Deposit"),
    "balance": gettext_lazy("Balance"),
    "debit_rs": gettext_lazy("Withdrawal (₹)"),
    "credit_rs": gettext_lazy("Deposit (₹)"),
    "balance_rs": gettext_lazy("Balance (₹)"),
    "amount_paise": gettext_lazy("Amount (paise)"),
    "balance_paise": gettext_lazy("Balance (paise)"),
    "totals": gettext_lazy("Totals"),
    "no_rows": gettext_lazy("No transactions in this period."),
    "ist_note": gettext_lazy("Dates and times are Indian Standard Time."),
    "computer": gettext_lazy("This is a computer-generated statement and needs no signature."),
}


@dataclass(frozen=True)
class DocumentRow:
    entry_id: int
    posted_at: datetime
    day: date
    description: str
    memo: str
    debit_paise: int
    credit_paise: int
    balance_paise: int


@dataclass(frozen=True)
class StatementDocument:
    lang: str
    account_number: str
    holder_name: str
    aadhaar_masked: str
    office_name: str
    office_pin: str
    date_from: date
    date_to: date
    opening_balance_paise: int
    closing_balance_paise: int
    total_debit_paise: int
    total_credit_paise: int
    rows: list[DocumentRow]
    generated_at: datetime
    labels: dict[str, str]
    period_text: str  # "01-10-2025 to 31-10-2025", in the document's language

    @property
    def filename_stem(self) -> str:
        return f"statement-{self.account_number}-{self.date_from:%Y%m%d}-{self.date_to:%Y%m%d}-{self.lang}"


def _description(row) -> str:
    if row.kind == JournalEntry.Kind.TRANSFER and row.counterparty:
        if row.debit_paise:
            return _("Transfer to %(account)s") % {"account": row.counterparty}
        return _("Transfer from %(account)s") % {"account": row.counterparty}
    return row.kind_label


# The ledger writes "reversal of entry <n>: <reason>" on a reversal (banking.services);
# a person reads only the reason, since the entry number is the ledger's own key.
_REVERSAL_MEMO = re.compile(r"^reversal of entry \d+: ?")


def _memo(row) -> str:
    if row.kind == JournalEntry.Kind.REVERSAL:
        return _REVERSAL_MEMO.sub("", row.memo)
    return row.memo


def document_rows(rows) -> list[DocumentRow]:
    """Selector rows (banking.selectors.StatementRow) as a person reads them, in the
    active language."""
    return [
        DocumentRow(
            entry_id=row.entry_id,
            posted_at=row.posted_at,
            day=row.day,
            description=_description(row),
            memo=_memo(row),
            debit_paise=row.debit_paise,
            credit_paise=row.credit_paise,
            balance_paise=row.balance_paise,
        )
        for row in rows
    ]


def statement_document(*, account_number: str, date_from: date, date_to: date, lang: str) -> StatementDocument:
    """The statement of [date_from, date_to] (Indian dates, both included) in `lang`."""
    if lang not in LANGS:
        raise ValueError(f"statement language must be one of {LANGS}")
    account = SavingsAccount.objects.select_related("customer", "office").get(number=account_number)
    with translation.override(lang):
        statement = selectors.statement_for(account_number=account_number, date_from=date_from, date_to=date_to)
        rows = document_rows(statement.rows)
        office = account.office
        return StatementDocument(
            lang=lang,
            account_number=account.number,
            holder_name=account.customer.name,
            aadhaar_masked=account.customer.aadhaar_masked,
            office_name=place_name(office, lang),
            office_pin=office.pin,
            date_from=statement.date_from,
            date_to=statement.date_to,
            opening_balance_paise=statement.opening_balance_paise,
            closing_balance_paise=statement.closing_balance_paise,
            total_debit_paise=statement.total_debit_paise,
            total_credit_paise=statement.total_credit_paise,
            rows=rows,
            generated_at=timezone.now(),
            labels={key: str(label) for key, label in LABELS.items()},
            period_text=_("%(start)s to %(end)s")
            % {"start": f"{statement.date_from:%d-%m-%Y}", "end": f"{statement.date_to:%d-%m-%Y}"},
        )


# --- CSV --------------------------------------------------------------------------------------


def rupees_plain(paise: int) -> str:
    """12345650 -> '123456.50' (a number a spreadsheet reads: no symbol, no grouping)."""
    sign = "-" if paise < 0 else ""
    rupees, rest = divmod(abs(paise), 100)
    return f"{sign}{rupees}.{rest:02d}"


def _cell(text: str) -> str:
    """Text a spreadsheet would run as a formula is kept as text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def statement_csv(doc: StatementDocument) -> bytes:
    """UTF-8 with BOM; see the module docstring for the layout."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    labels = doc.labels
    writer.writerow([labels["title"], labels["bank"]])
    writer.writerow([labels["account"], doc.account_number])
    writer.writerow([labels["holder"], _cell(doc.holder_name)])
    if doc.aadhaar_masked:
        writer.writerow([labels["aadhaar"], doc.aadhaar_masked])
    writer.writerow([labels["office"], _cell(f"{doc.office_name} ({doc.office_pin})")])
    writer.writerow([labels["period"], doc.period_text])
    writer.writerow([labels["opening"], rupees_plain(doc.opening_balance_paise)])
    writer.writerow([labels["closing"], rupees_plain(doc.closing_balance_paise)])
    writer.writerow([labels["generated"], timezone.localtime(doc.generated_at).strftime("%d-%m-%Y %H:%M IST")])
    writer.writerow([])
    writer.writerow(
        [
            labels["date"],
            labels["time"],
            labels["description"],
            labels["entry"],
            labels["debit_rs"],
            labels["credit_rs"],
            labels["balance_rs"],
            labels["amount_paise"],
            labels["balance_paise"],
        ]
    )
    for row in doc.rows:
        description = row.description + (f" · {row.memo}" if row.memo else "")
        writer.writerow(
            [
                f"{row.day:%d-%m-%Y}",
                timezone.localtime(row.posted_at).strftime("%H:%M"),
                _cell(description),
                row.entry_id,
                rupees_plain(row.debit_paise) if row.debit_paise else "",
                rupees_plain(row.credit_paise) if row.credit_paise else "",
                rupees_plain(row.balance_paise),
                row.credit_paise - row.debit_paise,
                row.balance_paise,
            ]
        )
    writer.writerow(
        [
            labels["totals"],
            "",
            "",
            "",
            rupees_plain(doc.total_debit_paise),
            rupees_plain(doc.total_credit_paise),
            rupees_plain(doc.closing_balance_paise),
            doc.total_credit_paise - doc.total_debit_paise,
            doc.closing_balance_paise,
        ]
    )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# --- PDF --------------------------------------------------------------------------------------

FONT_FILES = {
    "sans": "fonts/NotoSans-Regular.ttf",
    "sans_bold": "fonts/NotoSans-Bold.ttf",
    "deva": "fonts/NotoSansDevanagari-Regular.ttf",
    "deva_bold": "fonts/NotoSansDevanagari-Bold.ttf",
}


def font_urls() -> dict[str, str]:
    """file:// URLs of our Noto fonts: WeasyPrint reads them from disk, never the network."""
    urls = {}
    for key, name in FONT_FILES.items():
        path = finders.find(name)
        if not path:
            raise FileNotFoundError(f"static/{name} is missing: the statement PDF needs it")
        urls[key] = f"file://{path}"
    return urls


# A PDF of 1,000 rows takes WeasyPrint about 5 s of a web worker (measured on the
# development machine); past this many rows the CSV is offered instead.
PDF_MAX_ROWS = 2000


def statement_pdf(doc: StatementDocument) -> bytes:
    from weasyprint import HTML

    if len(doc.rows) > PDF_MAX_ROWS:
        raise StatementTooLong(details={"rows": len(doc.rows), "max_rows": PDF_MAX_ROWS})
    with translation.override(doc.lang):
        html = render_to_string("banking/statement_pdf.html", {"doc": doc, "fonts": font_urls()})
    return HTML(string=html).write_pdf()


# --- responses --------------------------------------------------------------------------------


def statement_file_response(doc: StatementDocument, fmt: str) -> HttpResponse:
    """The CSV or PDF as a download."""
    if fmt == "csv":
        response = HttpResponse(statement_csv(doc), content_type="text/csv; charset=utf-8")
    elif fmt == "pdf":
        response = HttpResponse(statement_pdf(doc), content_type="application/pdf")
    else:
        raise ValueError(f"no file for format {fmt!r}")
    response["Content-Disposition"] = f'attachment; filename="{doc.filename_stem}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


class JsonOnlyNegotiation(BaseContentNegotiation):
    """For the statement API: `?format=csv|pdf` is the view's own parameter, so DRF's
    ?format= renderer override must not answer 404 before the view runs. Errors stay JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
