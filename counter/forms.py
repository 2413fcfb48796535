"""The clerk's booking form: plain HTML fields read into the service's payload.

One sender for the whole receipt; articles are numbered a-0-*, a-1-*, ... (the
"Add another article" button fetches the next block with htmx). Validation is the
service's: its error details ("articles[1].recipient.mobile") are mapped back to the
field names here so the page can mark the right field.
"""

from __future__ import annotations

import re

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from .models import NOTE_DENOMINATIONS, Addon, DiscountKind, Service

MAX_FORM_ARTICLES = 20
SERVICE_CHOICES = [
    (Service.SPEED_POST_DOCUMENT, _("Speed Post document")),
    (Service.SPEED_POST_PARCEL, _("Speed Post parcel")),
    (Service.PARCEL, _("Ordinary parcel")),
]
ADDON_CHOICES = [(Addon.REGISTRATION, _("Registration")), (Addon.OTP, _("OTP delivery"))]
DISCOUNT_CHOICES = [
    ("", _("None")),
    (DiscountKind.STUDENT, _("Student (10%)")),
    (DiscountKind.BULK_NEW, _("New bulk customer (5%)")),
]
PERSON_FIELDS = ("name", "address", "pin", "mobile")


def article_count(data: QueryDict) -> int:
    indexes = {int(m.group(1)) for k in data for m in [re.match(r"^a-([0-9]{1,3})-", k)] if m}
    return min(max(indexes, default=0) + 1, MAX_FORM_ARTICLES)


# What the live price check may send: weights, PINs, service, add-ons, discount. Names,
# addresses and mobiles never leave the form for it (the page filters with this pattern too).
PRICE_FIELDS = re.compile(r"^(sender_pin|a-\d+-(service|weight_g|recipient_pin|addons|discount))$")


def price_fields(data: QueryDict) -> QueryDict:
    """Only the fields a price depends on; anything personal sent along is dropped."""
    kept = QueryDict(mutable=True)
    for key in data:
        if PRICE_FIELDS.match(key):
            kept.setlist(key, data.getlist(key))
    return kept


def booking_payload(data: QueryDict) -> tuple[list[dict], dict]:
    sender = {f: data.get(f"sender_{f}", "").strip() for f in PERSON_FIELDS}
    articles = []
    for i in range(article_count(data)):
        prefix = f"a-{i}-"
        if not any(k.startswith(prefix) for k in data):
            continue
        articles.append(
            {
                "service": data.get(prefix + "service", ""),
                "weight_g": data.get(prefix + "weight_g", "").strip(),
                "addons": data.getlist(prefix + "addons"),
                "discount": data.get(prefix + "discount", "") or None,
                "notify_sender_on_delivery": data.get("notify_sender") == "on",
                "sender": sender,
                "recipient": {f: data.get(f"{prefix}recipient_{f}", "").strip() for f in PERSON_FIELDS},
            }
        )
    payment = {
        "method": data.get("payment_method", "cash"),
        "account_number": data.get("account_number", "").strip(),
        "otp": data.get("account_otp", "").strip(),
    }
    return articles, payment


def field_for_error(key: str) -> str:
    """'articles[1].recipient.mobile' -> 'a-1-recipient_mobile'; 'articles[0].sender.pin' -> 'sender_pin'."""
    m = re.match(r"^articles\[(\d+)\]\.(sender|recipient)\.(\w+)$", key)
    if m:
        index, who, name = m.groups()
        return f"sender_{name}" if who == "sender" else f"a-{index}-recipient_{name}"
    m = re.match(r"^articles\[(\d+)\]\.(\w+)$", key)
    if m:
        return f"a-{m.group(1)}-{m.group(2)}"
    m = re.match(r"^(sender|recipient)\.(\w+)$", key)  # delivery's own detail keys
    if m:
        return f"{m.group(1)}_{m.group(2)}"
    return {"payment.method": "payment_method", "payment.account_number": "account_number"}.get(key, key)


# Detail keys of tariff errors -> the article field they are about.
TARIFF_DETAIL_FIELDS = {
    "weight_g": "weight_g",
    "service": "service",
    "pin": "recipient_pin",
    "addons": "addons",
    "discount": "discount",
    "band": "weight_g",
}


def error_fields(exc) -> dict[str, str]:
    """A DomainError's details -> {form field name: message} to mark the fields."""
    details = exc.details or {}
    article = details.get("article")
    fields: dict[str, str] = {}
    for key, value in details.items():
        if key.startswith(("articles[", "payment.")):
            fields[field_for_error(key)] = str(value)
        elif article is not None and key in TARIFF_DETAIL_FIELDS:
            fields[f"a-{article}-{TARIFF_DETAIL_FIELDS[key]}"] = str(exc.message)
    return fields


def denominations_from_post(data: QueryDict) -> dict:
    """Note counts as typed; coins typed in rupees (e.g. 37 or 37.50) -> paise."""
    counts: dict = {str(d): data.get(f"d{d}", "").strip() or "0" for d in NOTE_DENOMINATIONS}
    coins = data.get("coins", "").strip() or "0"
    m = re.fullmatch(r"([0-9]{1,7})(?:\.([0-9]{1,2}))?", coins)  # ASCII: \d takes any script's digits
    counts["coins"] = int(m.group(1)) * 100 + int((m.group(2) or "0").ljust(2, "0")) if m else coins
    return counts
