"""The PIN directory loader, look-ups, distance and bands."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from counter.exceptions import BadPin, PinNotLocated, UnknownPin
from counter.models import PinOffice
from counter.pins import pin_clean, pin_directory_load, pin_info, route_between

NEW_EDITION = """circlename,regionname,divisionname,officename,pincode,officetype,delivery,district,statename,latitude,longitude
BIHAR CIRCLE,EAST,BHAGALPUR,TESTPUR B.O,813299,BO,Delivery,BHAGALPUR,BIHAR,NA,NA
BIHAR CIRCLE,EAST,BHAGALPUR,Testpur S.O,813298,SO,Non Delivery,BHAGALPUR,BIHAR,25.30,87.10
BIHAR CIRCLE,EAST,BHAGALPUR,Testpur S.O,813298,SO,Non Delivery,BHAGALPUR,BIHAR,NA,NA
BIHAR CIRCLE,EAST,BHAGALPUR,Swapped S.O,813297,SO,Delivery,BHAGALPUR,BIHAR,87.20,25.31
BIHAR CIRCLE,EAST,BHAGALPUR,Nowhere S.O,813296,SO,Delivery,BHAGALPUR,BIHAR,0.0,0.0
BIHAR CIRCLE,EAST,BHAGALPUR,Bad Pin S.O,012345,SO,Delivery,BHAGALPUR,BIHAR,25,87

"""


def load(text: str, **kwargs):
    return pin_directory_load(lines=io.StringIO(text), **kwargs)


@pytest.mark.django_db
def test_demo_subset_has_every_persona_office():
    from accounts.models import PostOffice

    for office in PostOffice.objects.all():
        assert PinOffice.objects.filter(pincode=office.pin, officename=office.name).exists(), office


@pytest.mark.django_db
@pytest.mark.parametrize("batch_size", [2, 2000])
def test_new_edition_quirks_are_tolerated(batch_size):
    stats = load(NEW_EDITION, batch_size=batch_size)
    assert stats.read == 6
    assert stats.skipped == {"bad_pin": 1, "duplicate": 1}
    branch = PinOffice.objects.get(pincode="813299")
    assert branch.officename == "Testpur B.O"  # capitals made readable
    assert branch.district == "Bhagalpur" and branch.state == "Bihar"
    assert branch.latitude is None and branch.longitude is None  # "NA"
    sub = PinOffice.objects.get(pincode="813298")
    assert sub.delivery is False
    assert float(sub.latitude) == 25.30  # the repeat with NA did not erase the coordinates
    swapped = PinOffice.objects.get(pincode="813297")
    assert (float(swapped.latitude), float(swapped.longitude)) == (25.31, 87.20)
    assert PinOffice.objects.get(pincode="813296").latitude is None  # 0,0 is not in India
    assert not PinOffice.objects.filter(officename="Bad Pin S.O").exists()


@pytest.mark.django_db
def test_reload_upserts_instead_of_duplicating():
    load(NEW_EDITION)
    count = PinOffice.objects.count()
    changed = NEW_EDITION.replace(
        "TESTPUR B.O,813299,BO,Delivery,BHAGALPUR,BIHAR,NA,NA",
        "testpur b.o,813299,BO,Delivery,BHAGALPUR,BIHAR,25.4,87.4",
    )
    load(changed)
    assert PinOffice.objects.count() == count
    assert float(PinOffice.objects.get(pincode="813299").latitude) == 25.4


@pytest.mark.django_db
def test_management_command_loads_a_file(tmp_path):
    path = tmp_path / "pincode.csv"
    path.write_text("\ufeff" + NEW_EDITION, encoding="utf-8")
    out = io.StringIO()
    call_command("load_pincodes", str(path), stdout=out)
    assert "6 rows read" in out.getvalue()
    assert PinOffice.objects.filter(pincode="813298").exists()


def test_a_file_that_is_not_the_directory_is_refused(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("name,amount\nx,1\n")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("load_pincodes", str(path))


@pytest.mark.parametrize("value", ["012345", "81200", "8120011", "81200a", "", None])
def test_bad_pins_are_refused(value):
    with pytest.raises(BadPin):
        pin_clean(value)


def test_pin_clean_accepts_spreadsheet_forms():
    assert pin_clean(" 812001 ") == "812001"
    assert pin_clean("812001.0") == "812001"
    assert pin_clean(812001) == "812001"


@pytest.mark.django_db
def test_pin_info_names_the_main_office():
    info = pin_info(pin="813210")  # Sabour S.O and Mamalkha B.O (no coordinates)
    assert info.town == "Sabour S.O"
    assert info.district == "Bhagalpur"
    assert info.taluk == "Sabour"
    assert info.offices == ("Sabour S.O", "Mamalkha B.O")
    assert info.latitude == pytest.approx(25.242139)  # Mamalkha has no coordinates


@pytest.mark.django_db
def test_unknown_pin():
    with pytest.raises(UnknownPin):
        pin_info(pin="999999")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("dest", "band", "km"),
    [
        ("812001", "local", 0),
        ("812002", "local", 1.7),  # City S.O: same taluk
        ("812006", "local", 5.4),  # Nathnagar: same taluk (Bhagalpur)
        ("813210", "upto_200", 6.1),  # Sabour: its own taluk, though close
        ("800001", "upto_200", 190.3),  # Patna
        ("700001", "upto_500", 328.4),  # Kolkata
        ("226001", "upto_1000", 629.0),  # Lucknow
        ("110001", "upto_2000", 1038.9),  # New Delhi (mean of two offices)
        ("695001", "above_2000", 2145.6),  # Thiruvananthapuram
    ],
)
def test_bands_from_bhagalpur(dest, band, km):
    route = route_between(origin_pin="812001", dest_pin=dest)
    assert route.band == band
    assert route.distance_km == pytest.approx(km, abs=0.15)


@pytest.mark.django_db
def test_without_taluks_local_means_same_district_within_the_radius(settings):
    load(NEW_EDITION)  # no taluk column: 813298 at (25.30, 87.10), 813297 at (25.31, 87.20)
    assert route_between(origin_pin="813298", dest_pin="813297").band == "upto_200"  # 10 km
    settings.COUNTER_LOCAL_RADIUS_KM = 11
    assert route_between(origin_pin="813298", dest_pin="813297").band == "local"


@pytest.mark.django_db
def test_a_pin_without_coordinates_has_no_distance():
    load(NEW_EDITION)
    with pytest.raises(PinNotLocated):
        route_between(origin_pin="812001", dest_pin="813299")
