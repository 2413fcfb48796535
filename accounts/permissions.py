"""Access on a user's behalf: the only way a view gets a place or checks a role.

Each `access_<thing>_for(user, id)` returns the object, or raises Http404 both when it
does not exist and when it is outside the user's jurisdiction (one answer, so nobody
learns which ids exist). PermissionDenied (403) is left for `require_role`: a role
that has no business at all in an app, whatever the object. Domain apps write their
own access_* functions on this pattern, with the rules of `accounts.selectors`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import District, PoliceStation, PostOffice, Role, ServiceCentre, User
from .selectors import (
    district_get,
    police_station_get,
    post_office_get,
    service_centre_get,
    user_serves_office,
)

__all__ = [
    "access_district_for",
    "access_police_station_for",
    "access_post_office_for",
    "access_service_centre_for",
    "require_role",
]


def require_role(user: User, *roles: str) -> None:
    if not user.is_authenticated or user.role not in roles:
        raise PermissionDenied


def _found(obj, allowed: bool):
    if obj is None or not allowed:
        raise Http404
    return obj


def access_post_office_for(user: User, office_id: int) -> PostOffice:
    """The offices the user serves (accounts.selectors.user_serves_office)."""
    office = post_office_get(office_id=office_id)
    return _found(office, office is not None and user_serves_office(user, office))


def access_police_station_for(user: User, station_id: int) -> PoliceStation:
    """A thana officer sees their thana; SP and DM officers every thana of their district."""
    station = police_station_get(station_id=station_id)
    allowed = (
        station is not None
        and user.is_authenticated
        and (
            user.role == Role.ADMINISTRATOR
            or (user.role == Role.THANA_OFFICER and user.police_station_id == station.pk)
            or (user.role in (Role.SP_OFFICER, Role.DM_OFFICER) and user.district_id == station.district_id)
        )
    )
    return _found(station, allowed)


def access_district_for(user: User, district_id: int) -> District:
    """Staff see the district they work in (seeing is not authority: has_authority)."""
    district = district_get(district_id=district_id)
    allowed = (
        district is not None
        and user.is_authenticated
        and (user.role == Role.ADMINISTRATOR or (user.is_staff_role and user.home_district == district))
    )
    return _found(district, allowed)


def access_service_centre_for(user: User, centre_id: int) -> ServiceCentre:
    centre = service_centre_get(centre_id=centre_id)
    allowed = (
        centre is not None
        and user.is_authenticated
        and (user.role == Role.ADMINISTRATOR or user.service_centre_id == centre.pk)
    )
    return _found(centre, allowed)
