"""The demo district and its people, shared by `seed_demo` and the tests.

Everything here is idempotent (get_or_create / update_or_create): running it twice
changes nothing. Users are named after their role; the outsider works in another
district so permission tests can show what a stranger cannot see.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from .models import Citizen, District, PoliceStation, PoliceStationArea, PostOffice, Role, ServiceCentre, State, User

# (name, name_hi, kind, pin, latitude, longitude): Bhagalpur head office and sub offices.
# Names, PINs and kinds from India Post's All India Pincode Directory (data.gov.in; the
# 2023 file spells them "Bhagalpur HO", "Nathnagar SO"). Coordinates from the same file,
# except where it is plainly wrong, corrected as noted. Only delivery sub offices whose
# position we could trust are seeded; an administrator adds the rest in the admin.
BHAGALPUR_OFFICES = [
    ("Bhagalpur H.O", "भागलपुर प्रधान डाकघर", "head", "812001", "25.249694", "86.986972"),
    ("Bhagalpur City S.O", "भागलपुर सिटी उप डाकघर", "sub", "812002", "25.242111", "86.972250"),
    ("T.N.B. College S.O", "टी.एन.बी. कॉलेज उप डाकघर", "sub", "812007", "25.240972", "86.952889"),
    # The directory has latitude 26.241833: a typo, Nathnagar lies beside the city at 25.24 N.
    ("Nathnagar S.O", "नाथनगर उप डाकघर", "sub", "812006", "25.241833", "86.933639"),
    # The directory has longitude 85.046722: a typo, Sabour is 6 km east of the city.
    ("Sabour S.O", "सबौर उप डाकघर", "sub", "813210", "25.242139", "87.046722"),
    # The directory repeats the head office's point; this is its S.R. Sultanganj S.O (same PIN).
    ("Sultanganj S.O", "सुल्तानगंज उप डाकघर", "sub", "813213", "25.242070", "86.732590"),
    ("Kahalgaon S.O", "कहलगाँव उप डाकघर", "sub", "813203", "25.265722", "87.235361"),
    ("Ghogha S.O", "घोघा उप डाकघर", "sub", "813205", "25.212900", "87.161800"),
    ("Pirpainti S.O", "पीरपैंती उप डाकघर", "sub", "813209", "25.291500", "87.421083"),
    ("Bihpur S.O", "बिहपुर उप डाकघर", "sub", "853201", "25.382167", "86.938528"),
    ("Naugachia S.O", "नवगछिया उप डाकघर", "sub", "853204", "25.391694", "87.100806"),
]
# Names an earlier seed used, so a database seeded before is corrected, not doubled.
FORMER_OFFICE_NAMES = {("Bhagalpur University S.O", "812007"): "T.N.B. College S.O"}

# Head post offices of the metros and the state capital (for distance bands). New Delhi
# and Patna coordinates from the same directory; Mumbai, Kolkata and Chennai are the GPO
# buildings' map positions.
METRO_HEAD_OFFICES = [
    (
        "Delhi",
        "DL",
        "दिल्ली",
        "New Delhi",
        "नई दिल्ली",
        "New Delhi G.P.O.",
        "नई दिल्ली जीपीओ",
        "110001",
        "28.626806",
        "77.206630",
    ),
    (
        "Maharashtra",
        "MH",
        "महाराष्ट्र",
        "Mumbai",
        "मुंबई",
        "Mumbai G.P.O.",
        "मुंबई जीपीओ",
        "400001",
        "18.938800",
        "72.835400",
    ),
    (
        "West Bengal",
        "WB",
        "पश्चिम बंगाल",
        "Kolkata",
        "कोलकाता",
        "Kolkata G.P.O.",
        "कोलकाता जीपीओ",
        "700001",
        "22.572600",
        "88.351500",
    ),
    (
        "Tamil Nadu",
        "TN",
        "तमिलनाडु",
        "Chennai",
        "चेन्नई",
        "Chennai G.P.O.",
        "चेन्नई जीपीओ",
        "600001",
        "13.090300",
        "80.286300",
    ),
    ("Bihar", "BR", "बिहार", "Patna", "पटना", "Patna G.P.O.", "पटना जीपीओ", "800001", "25.603583", "85.132556"),
]

# (name, name_hi, PINs covered). Police stations of Bhagalpur district named after the
# towns they sit in; which PINs each covers is our demo assumption (a PIN may straddle
# two thanas in reality): an administrator keeps this table in the admin.
BHAGALPUR_THANAS = [
    ("Kotwali", "कोतवाली", ["812001", "812002"]),
    ("Tatarpur", "ततारपुर", ["812007"]),
    ("Nathnagar", "नाथनगर", ["812006"]),
    ("Sabour", "सबौर", ["813210"]),
    ("Sultanganj", "सुल्तानगंज", ["813213"]),
    ("Kahalgaon", "कहलगाँव", ["813203"]),
    ("Ghogha", "घोघा", ["813205"]),
    ("Pirpainti", "पीरपैंती", ["813209"]),
    ("Bihpur", "बिहपुर", ["853201"]),
    ("Naugachia", "नवगछिया", ["853204"]),
]
PATNA_THANAS = [("Kotwali Patna", "कोतवाली पटना", ["800001"])]


@dataclass
class DemoPlaces:
    bihar: State
    bhagalpur: District
    patna: District
    head_office: PostOffice
    sub_offices: list[PostOffice]
    kotwali: PoliceStation
    patna_kotwali: PoliceStation
    patna_gpo: PostOffice
    service_centre: ServiceCentre


def _office(district: District, row: tuple, head: PostOffice | None) -> PostOffice:
    name, name_hi, kind, pin, lat, lon = row
    for (former, former_pin), current in FORMER_OFFICE_NAMES.items():
        if current == name and former_pin == pin and not PostOffice.objects.filter(name=name, pin=pin).exists():
            PostOffice.objects.filter(name=former, pin=pin).update(name=name)
    office, _created = PostOffice.objects.update_or_create(
        name=name,
        pin=pin,
        defaults={
            "district": district,
            "name_hi": name_hi,
            "kind": kind,
            "head_office": head,
            "latitude": Decimal(lat),
            "longitude": Decimal(lon),
        },
    )
    return office


def _thana(district: District, name: str, name_hi: str, pins: list[str]) -> PoliceStation:
    station, _created = PoliceStation.objects.update_or_create(
        district=district, name=name, defaults={"name_hi": name_hi}
    )
    for pin in pins:
        PoliceStationArea.objects.get_or_create(police_station=station, pin=pin)
    return station


@transaction.atomic
def demo_places() -> DemoPlaces:
    states: dict[str, State] = {}
    metro_offices: dict[str, PostOffice] = {}
    for (
        state_name,
        code,
        state_hi,
        district_name,
        district_hi,
        office_name,
        office_hi,
        pin,
        lat,
        lon,
    ) in METRO_HEAD_OFFICES:
        state, _c = State.objects.update_or_create(code=code, defaults={"name": state_name, "name_hi": state_hi})
        states[code] = state
        district, _c = District.objects.update_or_create(
            state=state, name=district_name, defaults={"name_hi": district_hi}
        )
        metro_offices[pin] = _office(district, (office_name, office_hi, "head", pin, lat, lon), None)

    bihar = states["BR"]
    bhagalpur, _c = District.objects.update_or_create(state=bihar, name="Bhagalpur", defaults={"name_hi": "भागलपुर"})
    head = _office(bhagalpur, BHAGALPUR_OFFICES[0], None)
    subs = [_office(bhagalpur, row, head) for row in BHAGALPUR_OFFICES[1:]]
    thanas = [_thana(bhagalpur, *row) for row in BHAGALPUR_THANAS]
    patna = District.objects.get(state=bihar, name="Patna")
    patna_thana = _thana(patna, *PATNA_THANAS[0])
    centre, _c = ServiceCentre.objects.update_or_create(
        district=bhagalpur,
        name="Sampark Kendra Bhagalpur",
        defaults={"name_hi": "संपर्क केंद्र भागलपुर", "pin": "812001", "phone": "0641-2400000"},
    )
    return DemoPlaces(
        bihar=bihar,
        bhagalpur=bhagalpur,
        patna=patna,
        head_office=head,
        sub_offices=subs,
        kotwali=thanas[0],
        patna_kotwali=patna_thana,
        patna_gpo=metro_offices["800001"],
        service_centre=centre,
    )


# username -> (role, first name, last name, place attribute on DemoPlaces, user field)
DEMO_USERS: dict[str, tuple[str, str, str, str | None, str | None]] = {
    "counter_clerk": (Role.COUNTER_CLERK, "Sunita", "Kumari", "head_office", "post_office"),
    "postmaster": (Role.POSTMASTER, "Rajesh", "Sinha", "head_office", "post_office"),
    "postman": (Role.POSTMAN, "Mohan", "Yadav", "head_office", "post_office"),
    "thana_officer": (Role.THANA_OFFICER, "Anil", "Singh", "kotwali", "police_station"),
    "sp_officer": (Role.SP_OFFICER, "Priya", "Verma", "bhagalpur", "district"),
    "dm_officer": (Role.DM_OFFICER, "Arvind", "Mishra", "bhagalpur", "district"),
    "call_centre_operator": (Role.CALL_CENTRE_OPERATOR, "Neha", "Jha", "service_centre", "service_centre"),
    "field_staff": (Role.FIELD_STAFF, "Ravi", "Paswan", "service_centre", "service_centre"),
    "administrator": (Role.ADMINISTRATOR, "Kavita", "Rao", None, None),
}
# Not a demo login: a thana officer of another district, for "cannot see" tests.
OUTSIDER = ("outsider", Role.THANA_OFFICER, "Vikram", "Das", "patna_kotwali", "police_station")


def _user(
    places: DemoPlaces, username: str, role: str, first: str, last: str, place_attr, field, password: str
) -> User:
    defaults = {"role": role, "first_name": first, "last_name": last, "is_staff": role == Role.ADMINISTRATOR}
    if role == Role.ADMINISTRATOR:
        defaults["is_superuser"] = True
    for name in ("post_office", "police_station", "district", "service_centre"):
        defaults[name] = getattr(places, place_attr) if name == field else None
    user, created = User.objects.update_or_create(username=username, defaults=defaults)
    if created or not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def demo_users(places: DemoPlaces, *, password: str) -> dict[str, User]:
    users = {name: _user(places, name, *spec, password) for name, spec in DEMO_USERS.items()}
    users[OUTSIDER[0]] = _user(places, *OUTSIDER, password)
    return users


# The demo citizen: a verified mobile (not a staff User). Signs in at /citizen/sign-in/
# with a code sent by SMS (printed on the console in development).
CITIZEN_MOBILE = "+919876500001"


def demo_citizen() -> Citizen:
    citizen, _created = Citizen.objects.get_or_create(
        mobile=CITIZEN_MOBILE, defaults={"preferred_language": "hi", "verified_at": timezone.now()}
    )
    if citizen.verified_at is None:
        Citizen.objects.filter(pk=citizen.pk).update(verified_at=timezone.now())
        citizen.refresh_from_db()
    return citizen
