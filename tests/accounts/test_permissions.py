"""Who may see which place: one line per rule."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.permissions import (
    access_district_for,
    access_police_station_for,
    access_post_office_for,
    access_service_centre_for,
    require_role,
)


def allowed(fn, user, obj) -> bool:
    """Not yours is answered like does not exist: one 404."""
    try:
        return fn(user, obj.pk) == obj
    except Http404:
        return False


def test_post_offices(places, clerk, postman, postmaster, outsider, administrator, thana_officer):
    head, sub = places.head_office, places.sub_offices[0]
    assert allowed(access_post_office_for, clerk, head)
    assert allowed(access_post_office_for, clerk, sub)  # a head office's clerks keep its subs' accounts
    assert allowed(access_post_office_for, postman, head)
    assert allowed(access_post_office_for, postmaster, sub)  # a head office's postmaster oversees its subs
    assert not allowed(access_post_office_for, postmaster, places.patna_gpo)
    assert not allowed(access_post_office_for, thana_officer, head)
    assert not allowed(access_post_office_for, outsider, head)
    assert allowed(access_post_office_for, administrator, places.patna_gpo)


def test_police_stations(places, thana_officer, sp_officer, dm_officer, outsider, clerk):
    kotwali = places.kotwali
    nathnagar = kotwali.district.police_stations.get(name="Nathnagar")
    assert allowed(access_police_station_for, thana_officer, kotwali)
    assert not allowed(access_police_station_for, thana_officer, nathnagar)
    assert allowed(access_police_station_for, sp_officer, nathnagar)
    assert allowed(access_police_station_for, dm_officer, nathnagar)
    assert not allowed(access_police_station_for, sp_officer, places.patna_kotwali)
    assert not allowed(access_police_station_for, outsider, kotwali)
    assert allowed(access_police_station_for, outsider, places.patna_kotwali)
    assert not allowed(access_police_station_for, clerk, kotwali)


def test_districts_and_centres(places, sp_officer, outsider, operator, field_staff, clerk):
    assert allowed(access_district_for, sp_officer, places.bhagalpur)
    assert allowed(access_district_for, clerk, places.bhagalpur)  # via their office
    assert not allowed(access_district_for, outsider, places.bhagalpur)
    assert allowed(access_district_for, outsider, places.patna)
    assert allowed(access_service_centre_for, operator, places.service_centre)
    assert allowed(access_service_centre_for, field_staff, places.service_centre)
    assert not allowed(access_service_centre_for, outsider, places.service_centre)


def test_outsider_sees_no_bhagalpur_place(places, outsider):
    bhagalpur = places.bhagalpur
    for office in bhagalpur.post_offices.all():
        assert not allowed(access_post_office_for, outsider, office)
    for station in bhagalpur.police_stations.all():
        assert not allowed(access_police_station_for, outsider, station)
    assert not allowed(access_district_for, outsider, bhagalpur)


def test_a_place_that_does_not_exist_is_404(clerk):
    with pytest.raises(Http404):
        access_post_office_for(clerk, 987654321)
    with pytest.raises(Http404):
        access_police_station_for(clerk, "not-a-number")


def test_require_role(clerk, postman):
    require_role(clerk, "counter_clerk", "postmaster")
    with pytest.raises(PermissionDenied):
        require_role(postman, "counter_clerk")
