"""seed_demo: the demo district, real Bhagalpur offices, one login per role; twice is harmless."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

from django.core.management import call_command

from accounts.models import District, PoliceStation, PoliceStationArea, PostOffice, ServiceCentre, State, User
from accounts.personas import DEMO_USERS

COUNTED = (State, District, PostOffice, PoliceStation, PoliceStationArea, ServiceCentre, User)


def _counts() -> dict:
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_seed_demo_twice_changes_nothing_and_lists_the_logins(db, settings):
    first = StringIO()
    call_command("seed_demo", stdout=first)
    counts = _counts()
    passwords = dict(User.objects.values_list("username", "password"))

    second = StringIO()
    call_command("seed_demo", stdout=second)
    assert _counts() == counts
    assert dict(User.objects.values_list("username", "password")) == passwords  # not re-hashed

    out = second.getvalue()
    assert f"password for all: {settings.DEMO_PASSWORD}" in out
    for username in DEMO_USERS:
        assert username in out
    assert "/counter/" in out and "/admin/" in out


def test_every_demo_login_works_with_the_demo_password(client, db, settings):
    call_command("seed_demo", stdout=StringIO())
    for username in DEMO_USERS:
        user = User.objects.get(username=username)
        assert user.check_password(settings.DEMO_PASSWORD), username
        user.full_clean()  # each role has exactly the place its role needs


def test_the_demo_district_is_bhagalpur_with_its_real_offices(db):
    call_command("seed_demo", stdout=StringIO())
    head = PostOffice.objects.get(pin="812001", kind="head")
    assert head.name == "Bhagalpur H.O" and head.district.name == "Bhagalpur"
    assert head.district.state.name == "Bihar"
    subs = dict(head.sub_offices.values_list("pin", "name"))
    assert subs["812002"] == "Bhagalpur City S.O"
    assert subs["812006"] == "Nathnagar S.O"
    assert subs["813210"] == "Sabour S.O"
    assert subs["853204"] == "Naugachia S.O"
    # Every Bhagalpur office lies within the district (about 24.7-25.5 N, 86.5-87.6 E).
    for office in PostOffice.objects.filter(district=head.district):
        assert Decimal("24.7") < office.latitude < Decimal("25.5"), office
        assert Decimal("86.5") < office.longitude < Decimal("87.6"), office
    for pin in ("110001", "400001", "700001", "600001", "800001"):
        assert PostOffice.objects.get(pin=pin, kind="head").latitude is not None
    kotwali = PoliceStation.objects.get(district=head.district, name="Kotwali")
    assert set(kotwali.areas.values_list("pin", flat=True)) >= {"812001"}
    # Staff as the issue says: post office staff at 812001, officers in Bhagalpur and its Kotwali thana.
    assert User.objects.get(username="counter_clerk").post_office == head
    assert User.objects.get(username="thana_officer").police_station == kotwali
    assert User.objects.get(username="dm_officer").district == head.district


def test_a_database_seeded_with_the_old_office_name_is_corrected_not_doubled(db):
    call_command("seed_demo", stdout=StringIO())
    PostOffice.objects.filter(pin="812007").update(name="Bhagalpur University S.O")
    call_command("seed_demo", stdout=StringIO())
    assert list(PostOffice.objects.filter(pin="812007").values_list("name", flat=True)) == ["T.N.B. College S.O"]
