"""The receipt: one context for the 80 mm HTML page and the PDF (WeasyPrint).

Every label is printed in Hindi and English (the customer may read either); the
amount is also in words in both languages. Each article number is a Code 128
barcode; a UPI booking waiting for payment carries the QR of its exact amount.
"""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .codes import code128_data_uri, qr_data_uri
from .models import Addon, Booking
from .words import amount_in_words_en, amount_in_words_hi

# Labels printed in both languages, marked for the catalogue here.
LABELS = {
    "receipt": _("Receipt"),
    "receipt_number": _("Receipt number"),
    "date": _("Date and time"),
    "office": _("Post office"),
    "clerk": _("Counter clerk"),
    "article": _("Article"),
    "to": pgettext_lazy("receipt: the addressee", "To"),
    "from": pgettext_lazy("receipt: the sender", "From"),
    "weight": _("Weight"),
    "postage": _("Postage"),
    "addons": _("Add-ons"),
    "discount": _("Discount"),
    "gst": _("GST"),
    "total": _("Total"),
    "in_words": _("Amount in words"),
    "paid_cash": _("Paid in cash"),
    "paid_upi": _("Paid by UPI, UTR"),
    "paid_account": _("Paid from savings account"),
    "awaiting_upi": _("Scan to pay by UPI. Not paid until the UTR is entered."),
    "void": _("Not paid: the articles are cancelled."),
    "cancelled": _("Cancelled and refunded."),
    "track": _("Track your article at the post office website or by SMS."),
    "thanks": _("Thank you."),
}


def _both(label) -> dict[str, str]:
    with translation.override("hi"):
        hi = str(label)
    with translation.override("en"):
        en = str(label)
    return {"hi": hi, "en": en}


def _addon_label(code: str):
    """An add-on by its name; a code no longer offered prints as it was stored."""
    return Addon(code).label if code in Addon.values else code


def receipt_context(booking: Booking) -> dict:
    articles = list(booking.articles.all().order_by("position"))
    office = booking.office
    return {
        "booking": booking,
        "articles": [
            {
                "row": a,
                "barcode": code128_data_uri(a.article_number),
                "addons": [_both(_addon_label(c)) for c in a.addons],
            }
            for a in articles
        ],
        "labels": {key: _both(label) for key, label in LABELS.items()},
        "office_name": office.name,
        "office_name_hi": office.name_hi or office.name,
        "words_en": amount_in_words_en(booking.total_paise),
        "words_hi": amount_in_words_hi(booking.total_paise),
        "upi_qr": qr_data_uri(booking.upi_uri)
        if booking.status == Booking.Status.AWAITING_PAYMENT and booking.upi_uri
        else "",
    }


def _font_urls() -> dict[str, str]:
    names = {
        "sans": "fonts/NotoSans-Regular.ttf",
        "sans_bold": "fonts/NotoSans-Bold.ttf",
        "deva": "fonts/NotoSansDevanagari-Regular.ttf",
        "deva_bold": "fonts/NotoSansDevanagari-Bold.ttf",
    }
    urls = {}
    for key, name in names.items():
        path = finders.find(name)
        urls[key] = f"file://{path}" if path else ""
    return urls


def receipt_pdf(booking: Booking) -> bytes:
    """The receipt as a PDF on an 80 mm roll, the page exactly as long as the receipt:
    a first layout on a very long page measures the content, the second prints it."""
    from weasyprint import HTML

    context = receipt_context(booking)
    context["fonts"] = _font_urls()
    context["page_height_mm"] = 2000
    html = render_to_string("counter/receipt_pdf.html", context)
    document = HTML(string=html).render()
    try:
        root = document.pages[0]._page_box.children[0]  # the <html> box
        content_mm = root.margin_height() * 25.4 / 96
    except (AttributeError, IndexError):  # a WeasyPrint without that internal: estimate
        content_mm = 150 + 45 * len(context["articles"]) + (62 if context["upi_qr"] else 0)
    context["page_height_mm"] = int(content_mm) + 10  # + the 3 mm margins and a little air
    return HTML(string=render_to_string("counter/receipt_pdf.html", context)).write_pdf()
