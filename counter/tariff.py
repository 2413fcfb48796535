"""The price of one article, from the tariff tables in force on a date.

    postage     tariff row for (service, band, weight slab)
  - discount    postage x discount rate, rounded half up to the paisa (add-ons are not discounted)
  + add-ons     registration, OTP delivery (each a dated price row)
  = taxable
  + GST         taxable x GST rate, rounded half up to the paisa, per article
  = total

GST is worked out per article (each article is its own line on the receipt), so a
receipt's GST is the sum of its articles' GST.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from accounts.typed import ascii_int

from . import refdata
from .exceptions import BadWeight, NoTariff, UnknownAddon, UnknownDiscount, UnknownService, WeightOverLimit
from .models import Addon, DiscountKind, Service
from .pins import PinInfo, route_between

# Names the API and the clerk's screen accept for a service.
SERVICE_ALIASES = {"speed_post": Service.SPEED_POST_DOCUMENT}


@dataclass(frozen=True)
class Quote:
    service: str
    weight_g: int
    band: str
    distance_km: float
    amount_paise: int  # postage before discount
    addons_paise: int
    discount_paise: int
    gst_paise: int
    total_paise: int
    gst_rate_bp: int
    addon_lines: dict[str, int] = field(default_factory=dict)
    discount: str | None = None
    origin: PinInfo | None = field(default=None, compare=False)
    destination: PinInfo | None = field(default=None, compare=False)

    @property
    def taxable_paise(self) -> int:
        return self.amount_paise - self.discount_paise + self.addons_paise

    def as_dict(self) -> dict:
        return {
            "service": self.service,
            "weight_g": self.weight_g,
            "band": self.band,
            "distance_km": self.distance_km,
            "amount_paise": self.amount_paise,
            "addons_paise": self.addons_paise,
            "addons": self.addon_lines,
            "discount": self.discount,
            "discount_paise": self.discount_paise,
            "taxable_paise": self.taxable_paise,
            "gst_rate_bp": self.gst_rate_bp,
            "gst_paise": self.gst_paise,
            "total_paise": self.total_paise,
            "origin": _place(self.origin),
            "destination": _place(self.destination),
        }


def _place(info: PinInfo | None) -> dict | None:
    if info is None:
        return None
    return {"pin": info.pin, "town": info.town, "district": info.district, "state": info.state}


def round_half_up_share(amount_paise: int, rate_bp: int) -> int:
    """amount x rate (basis points), rounded half up to the paisa. Amounts are never negative."""
    return (amount_paise * rate_bp + 5000) // 10000


def _on(row, on: date) -> bool:
    """The row is in force on that day (both ends inclusive; no end = until replaced)."""
    return row.effective_from <= on and (row.effective_to is None or row.effective_to >= on)


def _latest(rows):
    """Of several rows in force, the one that took effect last (the admin's newest)."""
    return max(rows, key=lambda r: (r.effective_from, r.pk))


def service_clean(value: object) -> str:
    text = str(value or "").strip().casefold()
    text = SERVICE_ALIASES.get(text, text)
    if text not in Service.values:
        raise UnknownService(details={"service": str(value)[:40], "allowed": [*Service.values, *SERVICE_ALIASES]})
    return text


def weight_clean(value: object) -> int:
    # ASCII digits, at most 9 of them (a million kilograms): "٣" is not 3 grams.
    weight = ascii_int(value, max_digits=9)
    if weight is None or weight <= 0:
        raise BadWeight(details={"weight_g": str(value if value is not None else "").strip()[:20]})
    return weight


def addons_clean(value: object) -> tuple[str, ...]:
    """'otp,registration' or ['otp', 'registration'] -> ('otp', 'registration') in a fixed order."""
    if value is None or value == "":
        return ()
    if not isinstance(value, str | list | tuple):  # a JSON number or object: not a list of add-ons
        raise UnknownAddon(details={"addons": [str(value)[:40]], "allowed": Addon.values})
    items = value.split(",") if isinstance(value, str) else list(value)
    codes = {str(item).strip().casefold() for item in items if str(item).strip()}
    unknown = sorted(codes - set(Addon.values))
    if unknown:
        raise UnknownAddon(details={"addons": unknown, "allowed": Addon.values})
    return tuple(code for code in Addon.values if code in codes)


def discount_clean(value: object) -> str | None:
    if value in (None, ""):
        return None
    text = str(value).strip().casefold()
    if text not in DiscountKind.values:
        raise UnknownDiscount(details={"discount": str(value)[:40], "allowed": DiscountKind.values})
    return text


def tariff_quote(
    *,
    service: object,
    weight_g: object,
    origin_pin: object,
    dest_pin: object,
    addons: object = (),
    discount: object = None,
    on: date | None = None,
) -> Quote:
    """Price one article. Bad input raises a BadInput subclass (400); a gap in the
    tariff tables raises NoTariff (422)."""
    on = on or timezone.localdate()
    service = service_clean(service)
    weight = weight_clean(weight_g)
    addon_codes = addons_clean(addons)
    discount_kind = discount_clean(discount)
    route = route_between(origin_pin=origin_pin, dest_pin=dest_pin)
    snap = refdata.prices()

    rows = [
        t
        for t in snap.tariffs
        if t.service == service and t.band == route.band and t.weight_from_g <= weight <= t.weight_to_g and _on(t, on)
    ]
    if not rows:
        limits = [t.weight_to_g for t in snap.tariffs if t.service == service and _on(t, on)]
        if limits and weight > max(limits):
            raise WeightOverLimit(details={"weight_g": weight, "max_weight_g": max(limits)})
        raise NoTariff(details={"service": service, "band": route.band, "weight_g": weight, "on": on.isoformat()})
    row = _latest(rows)
    amount = row.price_for(weight)

    addon_lines: dict[str, int] = {}
    for code in addon_codes:
        prices = [p for p in snap.addons if p.addon == code and _on(p, on)]
        if not prices:
            raise NoTariff(details={"addon": code, "on": on.isoformat()})
        addon_lines[code] = _latest(prices).amount_paise
    addons_paise = sum(addon_lines.values())

    discount_paise = 0
    if discount_kind:
        rates = [d for d in snap.discounts if d.kind == discount_kind and _on(d, on)]
        if not rates:
            raise UnknownDiscount(details={"discount": discount_kind, "on": on.isoformat()})
        discount_paise = round_half_up_share(amount, _latest(rates).rate_bp)

    taxes = [t for t in snap.taxes if t.name == "gst" and _on(t, on)]
    if not taxes:
        raise NoTariff(details={"tax": "gst", "on": on.isoformat()})
    gst = _latest(taxes)
    taxable = amount - discount_paise + addons_paise
    gst_paise = round_half_up_share(taxable, gst.rate_bp)
    return Quote(
        service=service,
        weight_g=weight,
        band=route.band,
        distance_km=route.distance_km,
        amount_paise=amount,
        addons_paise=addons_paise,
        discount_paise=discount_paise,
        gst_paise=gst_paise,
        total_paise=taxable + gst_paise,
        gst_rate_bp=gst.rate_bp,
        addon_lines=addon_lines,
        discount=discount_kind,
        origin=route.origin,
        destination=route.destination,
    )


def quote_many(quotes: Iterable[Quote]) -> dict[str, int]:
    """Totals of several articles for one receipt."""
    quotes = list(quotes)
    return {
        "amount_paise": sum(q.amount_paise for q in quotes),
        "addons_paise": sum(q.addons_paise for q in quotes),
        "discount_paise": sum(q.discount_paise for q in quotes),
        "gst_paise": sum(q.gst_paise for q in quotes),
        "total_paise": sum(q.total_paise for q in quotes),
    }
