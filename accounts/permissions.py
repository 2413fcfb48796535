"""Access on a user's behalf: the only way a view gets a place or checks a role.

Each `access_<thing>_for(user, id)` returns the object or raises PermissionDenied
(or Http404 when it does not exist). Domain apps write their own access_* functions
on the same pattern and build on `require_role` and the jurisdiction helpers here.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import District, PoliceStation, PostOffice, Role, ServiceCentre, User


def require_role(user: User, *roles: str) -> None:
    if not user.is_authenticated or user.role not in roles:
        raise PermissionDenied


def _get(model, pk):
    try:
        return model.objects.get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_post_office_for(user: User, office_id: int) -> PostOffice:
    """Post-office staff see their own office; a postmaster of a head office also
    sees its sub and branch offices; an administrator sees all."""
    office = _get(PostOffice, office_id)
    if user.role == Role.ADMINISTRATOR:
        return office
    if user.role in (Role.COUNTER_CLERK, Role.POSTMAN, Role.POSTMASTER) and user.post_office_id == office.pk:
        return office
    if user.role == Role.POSTMASTER and office.head_office_id == user.post_office_id:
        return office
    raise PermissionDenied


def access_police_station_for(user: User, station_id: int) -> PoliceStation:
    """A thana officer sees their thana; SP and DM officers every thana of their district."""
    station = _get(PoliceStation, station_id)
    if user.role == Role.ADMINISTRATOR:
        return station
    if user.role == Role.THANA_OFFICER and user.police_station_id == station.pk:
        return station
    if user.role in (Role.SP_OFFICER, Role.DM_OFFICER) and user.district_id == station.district_id:
        return station
    raise PermissionDenied


def access_district_for(user: User, district_id: int) -> District:
    district = _get(District, district_id)
    if user.role == Role.ADMINISTRATOR or (user.is_staff_role and user.home_district == district):
        return district
    raise PermissionDenied


def access_service_centre_for(user: User, centre_id: int) -> ServiceCentre:
    centre = _get(ServiceCentre, centre_id)
    if user.role == Role.ADMINISTRATOR or user.service_centre_id == centre.pk:
        return centre
    raise PermissionDenied
