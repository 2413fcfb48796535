"""The one jurisdiction rule and the authority rule, as tables.

Jurisdiction: which post offices a user works for (banking, counter and delivery all
ask accounts.selectors). Authority: which places an officer decides for.
"""

from __future__ import annotations

import pytest

from accounts.models import PostOffice, Role, User
from accounts.selectors import has_authority, offices_served_by, user_serves_office

# role -> serves (own office, a sub office of it, another head office, an office in another district)
JURISDICTION = [
    (Role.COUNTER_CLERK, (True, True, False, False)),
    (Role.POSTMASTER, (True, True, False, False)),
    (Role.POSTMAN, (True, False, False, False)),
]


@pytest.fixture
def offices(places):
    head = places.head_office
    sub = places.sub_offices[0]
    # Another head office in the same district, with nothing to do with ours.
    other_head, _ = PostOffice.objects.get_or_create(
        name="Test Other H.O", pin="812099", defaults={"district": places.bhagalpur, "kind": "head"}
    )
    return {"own": head, "sub": sub, "other_head": other_head, "other_district": places.patna_gpo}


@pytest.mark.parametrize(("role", "expected"), JURISDICTION)
def test_head_office_staff_serve(offices, role, expected):
    user = User.objects.create(username=f"j_{role}", role=role, post_office=offices["own"])
    columns = ("own", "sub", "other_head", "other_district")
    got = tuple(user_serves_office(user, offices[c]) for c in columns)
    assert got == expected
    # by id (one query for the set) the same as by object (no query)
    assert tuple(user_serves_office(User.objects.get(pk=user.pk), offices[c].pk) for c in columns) == expected
    served = offices_served_by(user)
    assert tuple(offices[c].pk in served for c in columns) == expected


@pytest.mark.parametrize("role", [Role.COUNTER_CLERK, Role.POSTMASTER, Role.POSTMAN])
def test_sub_office_staff_serve_only_their_office(offices, role):
    user = User.objects.create(username=f"s_{role}", role=role, post_office=offices["sub"])
    assert user_serves_office(user, offices["sub"])
    assert not user_serves_office(user, offices["own"])  # never upwards to the head office
    other_sub = offices["own"].sub_offices.exclude(pk=offices["sub"].pk).first()
    assert not user_serves_office(user, other_sub)
    assert offices_served_by(user) == {offices["sub"].pk}


@pytest.mark.parametrize(
    "who", ["thana_officer", "sp_officer", "dm_officer", "call_centre_operator", "field_staff", "outsider"]
)
def test_people_who_are_not_post_office_staff_serve_no_office(personas, offices, who):
    user = personas[who]
    assert offices_served_by(user) == set()
    assert not any(user_serves_office(user, office) for office in offices.values())


def test_an_administrator_serves_every_office(administrator, offices):
    assert offices_served_by(administrator) is None
    assert all(user_serves_office(administrator, office) for office in offices.values())


def test_the_served_set_is_read_once_per_user_object(clerk, offices, django_assert_num_queries):
    user = User.objects.get(pk=clerk.pk)
    with django_assert_num_queries(1):
        for office in offices.values():
            user_serves_office(user, office.pk)
            offices_served_by(user)


# --- authority ---------------------------------------------------------------------------

# persona -> authority over (own district, another district, own thana, another thana of
# the district, a PIN of own thana, a PIN of another thana of the district, a Patna PIN)
AUTHORITY = [
    ("sp_officer", (True, False, True, True, True, True, False)),
    ("dm_officer", (True, False, True, True, True, True, False)),
    ("thana_officer", (False, False, True, False, True, False, False)),
    ("outsider", (False, False, False, False, False, False, True)),  # a Patna thana officer
    ("counter_clerk", (False,) * 7),  # located in Bhagalpur, no authority over it
    ("postmaster", (False,) * 7),
    ("postman", (False,) * 7),
    ("call_centre_operator", (False,) * 7),
    ("field_staff", (False,) * 7),
    ("administrator", (False,) * 7),  # configures the system; officers decide
]


@pytest.mark.parametrize(("who", "expected"), AUTHORITY)
def test_authority(personas, places, who, expected):
    user = personas[who]
    nathnagar = places.bhagalpur.police_stations.get(name="Nathnagar")
    got = (
        has_authority(user, district_id=places.bhagalpur.pk),
        has_authority(user, district_id=places.patna.pk),
        has_authority(user, police_station_id=places.kotwali.pk),
        has_authority(user, police_station_id=nathnagar.pk),
        has_authority(user, pin="812001"),  # Kotwali
        has_authority(user, pin="812006"),  # Nathnagar
        has_authority(user, pin="800001"),  # Kotwali Patna
    )
    assert got == expected


def test_a_deactivated_officer_has_no_authority(sp_officer, places):
    sp_officer.is_active = False
    assert not has_authority(sp_officer, district_id=places.bhagalpur.pk)


def test_authority_asks_about_one_place(sp_officer, places):
    with pytest.raises(TypeError):
        has_authority(sp_officer)
    with pytest.raises(TypeError):
        has_authority(sp_officer, district_id=places.bhagalpur.pk, pin="812001")
