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

from django.db.models import Max, Q
from django.utils import timezone

from .exceptions import BadWeight, NoTariff, UnknownAddon, UnknownDiscount, UnknownService, WeightOverLimit
from .models import Addon, AddonPrice, Discount, DiscountKind, Service, Tariff, TaxRate
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


def _in_force(on: date) -> Q:
    return Q(effective_from__lte=on) & (Q(effective_to__isnull=True) | Q(effective_to__gte=on))


def service_clean(value: object) -> str:
    text = str(value or "").strip().casefold()
    text = SERVICE_ALIASES.get(text, text)
    if text not in Service.values:
        raise UnknownService(details={"service": str(value)[:40], "allowed": [*Service.values, *SERVICE_ALIASES]})
    return text


def weight_clean(value: object) -> int:
    if isinstance(value, bool):
        raise BadWeight(details={"weight_g": str(value)})
    if isinstance(value, int):
        weight = value
    else:
        text = str(value if value is not None else "").strip()
        if not text.isdigit():
            raise BadWeight(details={"weight_g": text[:20]})
        weight = int(text)
    if weight <= 0:
        raise BadWeight(details={"weight_g": weight})
    return weight


def addons_clean(value: object) -> tuple[str, ...]:
    """'otp,registration' or ['otp', 'registration'] -> ('otp', 'registration') in a fixed order."""
    if value is None or value == "":
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)  # type: ignore[arg-type]
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


def service_weight_limit(*, service: str, on: date) -> int | None:
    return Tariff.objects.filter(_in_force(on), service=service).aggregate(m=Max("weight_to_g"))["m"]


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

    row = (
        Tariff.objects.filter(_in_force(on), service=service, band=route.band, weight_from_g__lte=weight)
        .filter(weight_to_g__gte=weight)
        .order_by("-effective_from")
        .first()
    )
    if row is None:
        limit = service_weight_limit(service=service, on=on)
        if limit is not None and weight > limit:
            raise WeightOverLimit(details={"weight_g": weight, "max_weight_g": limit})
        raise NoTariff(details={"service": service, "band": route.band, "weight_g": weight, "on": on.isoformat()})
    amount = row.price_for(weight)

    addon_lines: dict[str, int] = {}
    if addon_codes:
        prices = {
            p.addon: p.amount_paise
            for p in AddonPrice.objects.filter(_in_force(on), addon__in=addon_codes).order_by("effective_from")
        }
        for code in addon_codes:
            if code not in prices:
                raise NoTariff(details={"addon": code, "on": on.isoformat()})
            addon_lines[code] = prices[code]
    addons_paise = sum(addon_lines.values())

    discount_paise = 0
    if discount_kind:
        rate = Discount.objects.filter(_in_force(on), kind=discount_kind).order_by("-effective_from").first()
        if rate is None:
            raise UnknownDiscount(details={"discount": discount_kind, "on": on.isoformat()})
        discount_paise = round_half_up_share(amount, rate.rate_bp)

    gst = TaxRate.objects.filter(_in_force(on), name="gst").order_by("-effective_from").first()
    if gst is None:
        raise NoTariff(details={"tax": "gst", "on": on.isoformat()})
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
