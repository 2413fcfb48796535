"""The PIN directory: loading the public CSV, looking a PIN up, distance and band.

Distance between two PINs is the great-circle distance between their centroids: the
mean latitude/longitude of that PIN's offices that have coordinates (the published
file leaves many branch offices at "NA").

"Local" (the cheapest Speed Post band) means "booked and delivered in the same
delivery town". We take the directory's taluk (tehsil: the town an office belongs
to) as the town: two PINs are local when they are the same PIN, or lie in the same
district and the same taluk. The newer edition of the published file has no taluk
column; for a PIN without one we fall back to "same district and centroids within
COUNTER_LOCAL_RADIUS_KM (default 5 km)". In the demo data Bhagalpur H.O (812001),
City (812002), Barari (812003), Nathnagar (812006) and T.N.B. College (812007) are
one town; Sabour (813210, taluk Sabour, 6 km east) is not. Everything else goes by distance: up to 200, 201–500, 501–1000, 1001–2000 km,
above 2000 km.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When

from .exceptions import BadPin, PinNotLocated, UnknownPin
from .models import Band, PinOffice, name_key

DEMO_CSV = Path(__file__).resolve().parent / "data" / "pincodes_demo.csv"
PIN_RE = re.compile(r"^[1-9][0-9]{5}\Z")
EARTH_RADIUS_KM = 6371.0088

# Column names seen in the editions of the public file, folded to lower case without
# spaces or underscores -> our field.
HEADER_ALIASES = {
    "officename": "officename",
    "officename(bo/so/ho)": "officename",
    "pincode": "pincode",
    "officetype": "officetype",
    "deliverystatus": "delivery",
    "delivery": "delivery",
    "divisionname": "division",
    "division": "division",
    "regionname": "region",
    "region": "region",
    "circlename": "circle",
    "circle": "circle",
    "taluk": "taluk",
    "districtname": "district",
    "district": "district",
    "statename": "state",
    "state": "state",
    "latitude": "latitude",
    "longitude": "longitude",
}
TEXT_FIELDS = ("officetype", "division", "region", "circle", "taluk", "district", "state")
UPDATE_FIELDS = ["officename", "delivery", "latitude", "longitude", *TEXT_FIELDS]

# India's extent, with a margin; coordinates outside it are typing errors in the file.
LAT_RANGE = (6.0, 37.6)
LON_RANGE = (68.0, 97.5)


def pin_clean(value: object) -> str:
    """A PIN as six digits, or BadPin. Accepts 812001, ' 812001 ', '812001.0'."""
    text = str(value if value is not None else "").strip()
    if text.endswith(".0"):
        text = text[:-2]
    text = text.replace(" ", "")
    if not PIN_RE.match(text):
        raise BadPin(details={"pin": str(value)[:20]})
    return text


def _tidy(value: str | None) -> str:
    text = " ".join((value or "").split())
    if text.upper() in {"NA", "N/A", "NULL", "-"}:
        return ""
    # The newer edition is in capitals; show it as a person would write it.
    return text.title() if text.isupper() else text


def _coordinate(value: str | None) -> Decimal | None:
    text = (value or "").strip().rstrip("NnEe").strip()
    if not text or text.upper() in {"NA", "N/A", "NULL", "-"}:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return number.quantize(Decimal("0.000001"))


def _coordinates(lat_text: str | None, lon_text: str | None) -> tuple[Decimal | None, Decimal | None]:
    lat, lon = _coordinate(lat_text), _coordinate(lon_text)
    if lat is None or lon is None:
        return None, None

    def inside(la: Decimal, lo: Decimal) -> bool:
        return LAT_RANGE[0] <= la <= LAT_RANGE[1] and LON_RANGE[0] <= lo <= LON_RANGE[1]

    if inside(lat, lon):
        return lat, lon
    if inside(lon, lat):  # the two columns swapped on this row
        return lon, lat
    return None, None


def _delivery(value: str | None) -> bool:
    text = (value or "").strip().casefold().replace("-", " ")
    return not text.startswith("non")


@dataclass
class LoadStats:
    read: int = 0
    upserted: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


def _rows(lines: Iterable[str], stats: LoadStats) -> Iterator[dict]:
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        return
    columns = [HEADER_ALIASES.get(re.sub(r"[\s_]", "", h.strip().lstrip("\ufeff")).casefold()) for h in header]
    if "officename" not in columns or "pincode" not in columns:
        raise ValueError(f"not a PIN directory CSV: header {header!r}")
    for raw in reader:
        if not any(cell.strip() for cell in raw):
            continue
        stats.read += 1
        row = {col: cell for col, cell in zip(columns, raw, strict=False) if col}
        try:
            pincode = pin_clean(row.get("pincode"))
        except BadPin:
            stats.skip("bad_pin")
            continue
        officename = _tidy(row.get("officename"))
        if not officename:
            stats.skip("no_office_name")
            continue
        lat, lon = _coordinates(row.get("latitude"), row.get("longitude"))
        yield {
            "officename": officename[:120],
            "name_key": name_key(officename),
            "pincode": pincode,
            "delivery": _delivery(row.get("delivery")),
            "latitude": lat,
            "longitude": lon,
            **{f: _tidy(row.get(f))[:120] for f in TEXT_FIELDS},
        }


def _flush(model, batch: dict[tuple[str, str], dict], stats: LoadStats) -> None:
    if not batch:
        return
    with transaction.atomic():
        model.objects.bulk_create(
            [model(**values) for values in batch.values()],
            update_conflicts=True,
            unique_fields=["pincode", "name_key"],
            update_fields=UPDATE_FIELDS,
        )
    stats.upserted += len(batch)
    batch.clear()


def pin_directory_load(*, lines: Iterable[str], model=PinOffice, batch_size: int = 2000) -> LoadStats:
    """Stream a PIN directory CSV into the table, upserting on (pincode, office name).

    Tolerates the published file's quirks: either edition's headers, "NA" or
    out-of-India coordinates (stored as unknown), swapped latitude/longitude,
    repeated rows (one row kept; a repeat without coordinates does not erase them),
    capitals, blank lines and bad PINs (skipped and counted). `model` lets a data
    migration pass its historical model.
    """
    stats = LoadStats()
    batch: dict[tuple[str, str], dict] = {}
    # Keys already written from this file, and those written with coordinates: a repeat
    # in a later batch must neither count as new nor erase a position with "NA".
    seen: set[tuple[str, str]] = set()
    located: set[tuple[str, str]] = set()
    for values in _rows(lines, stats):
        key = (values["pincode"], values["name_key"])
        previous = batch.get(key)
        if previous is not None or key in seen:
            stats.skip("duplicate")
            if values["latitude"] is None:
                if previous is None:
                    if key in located:
                        continue
                else:
                    values["latitude"], values["longitude"] = previous["latitude"], previous["longitude"]
        seen.add(key)
        if values["latitude"] is not None:
            located.add(key)
        batch[key] = values
        if len(batch) >= batch_size:
            _flush(model, batch, stats)
    _flush(model, batch, stats)
    from . import refdata

    refdata.reference_clear()
    return stats


# --- look-ups -------------------------------------------------------------------------


@dataclass(frozen=True)
class PinInfo:
    pin: str
    town: str  # the main office's name: the head or sub office if there is one
    district: str
    state: str
    taluk: str
    offices: tuple[str, ...]
    latitude: float | None
    longitude: float | None


_OFFICE_RANK = Case(
    When(officetype__istartswith="H", then=Value(0)),
    When(officetype__istartswith="S", then=Value(1)),
    When(officetype__istartswith="G", then=Value(0)),  # G.P.O.
    default=Value(2),
    output_field=IntegerField(),
)


def pin_info(*, pin: object) -> PinInfo:
    """What the directory knows about a PIN; BadPin or UnknownPin otherwise."""
    from . import refdata

    code = pin_clean(pin)
    return refdata.pin_cached(code, lambda: _pin_info_load(code))


def _pin_info_load(code: str) -> PinInfo:
    offices = list(
        PinOffice.objects.filter(pincode=code)
        .annotate(rank=_OFFICE_RANK)
        .order_by("rank", "officename")
        .values("officename", "district", "state", "taluk", "latitude", "longitude")
    )
    if not offices:
        raise UnknownPin(details={"pin": code})
    located = [o for o in offices if o["latitude"] is not None]
    lat = sum(float(o["latitude"]) for o in located) / len(located) if located else None
    lon = sum(float(o["longitude"]) for o in located) / len(located) if located else None
    main = offices[0]
    return PinInfo(
        pin=code,
        town=main["officename"],
        district=main["district"],
        state=main["state"],
        taluk=main["taluk"],
        offices=tuple(o["officename"] for o in offices),
        latitude=lat,
        longitude=lon,
    )


def town_name(info: PinInfo | None) -> str:
    """The directory's town as a person reads it: on Hindi pages, the Hindi name when the
    town is one of our post offices (the public directory has English names only)."""
    if info is None:
        return ""
    from django.utils.translation import get_language

    if not (get_language() or "").startswith("hi"):
        return info.town
    from accounts.formatting import place_name
    from accounts.models import PostOffice

    office = PostOffice.objects.filter(pin=info.pin, name__iexact=info.town).only("name", "name_hi").first()
    return place_name(office) if office else info.town


def great_circle_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Haversine distance in kilometres between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


# Upper limit (km, inclusive) of each distance band after "local".
BAND_LIMITS: list[tuple[float, str]] = [
    (200, Band.UPTO_200),
    (500, Band.UPTO_500),
    (1000, Band.UPTO_1000),
    (2000, Band.UPTO_2000),
]


def band_for_distance(distance_km: float) -> str:
    for limit, band in BAND_LIMITS:
        if distance_km <= limit:
            return band
    return Band.ABOVE_2000


@dataclass(frozen=True)
class Route:
    origin: PinInfo
    destination: PinInfo
    distance_km: float
    band: str


def route_between(*, origin_pin: object, dest_pin: object) -> Route:
    """Distance and band between two PINs (see the module docstring for "local")."""
    origin = pin_info(pin=origin_pin)
    destination = pin_info(pin=dest_pin)
    if origin.pin == destination.pin:
        return Route(origin, destination, 0.0, Band.LOCAL)
    for info in (origin, destination):
        if info.latitude is None:
            raise PinNotLocated(details={"pin": info.pin})
    distance = round(
        great_circle_km((origin.latitude, origin.longitude), (destination.latitude, destination.longitude)), 1
    )
    if _same_town(origin, destination, distance):
        return Route(origin, destination, distance, Band.LOCAL)
    return Route(origin, destination, distance, band_for_distance(distance))


def _same_town(a: PinInfo, b: PinInfo, distance_km: float) -> bool:
    if not a.district or a.district.casefold() != b.district.casefold():
        return False
    if a.taluk and b.taluk:
        return a.taluk.casefold() == b.taluk.casefold()
    return distance_km <= settings.COUNTER_LOCAL_RADIUS_KM
