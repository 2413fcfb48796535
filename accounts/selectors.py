"""Reads about people and places, and the two rules every app asks about them.

Jurisdiction (`offices_served_by`, `user_serves_office`): which post offices a user
works for. Post-office staff serve their own office. The counter clerks and the
postmaster of a head office also serve its sub and branch offices: that is how India
Post works, a head office keeps its subs' accounts and its postmaster supervises them
(`PostOffice.head_office` is the head office an office accounts to). A postman serves
only their own office: they deliver from it. An administrator serves every office;
any other role serves none. Banking, counter and delivery all ask this one rule, and
then each requires the roles that have business in it.

Authority (`has_authority`): who decides for a place. An SP or DM officer has
authority over their district (its thanas and the PINs they cover); a thana officer
over their police station and the PINs it covers. Working in a place is not
authority: a clerk or a postman located in a district has none over it, and neither
has an administrator (they configure the system; officers decide).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from .models import District, PoliceStation, PoliceStationArea, PostOffice, Role, ServiceCentre, User

__all__ = [
    "HEAD_OFFICE_STAFF_ROLES",
    "POST_OFFICE_ROLES",
    "district_get",
    "has_authority",
    "offices_served_by",
    "pins_of_district",
    "pins_of_police_station",
    "pins_of_service_centre",
    "police_station_get",
    "police_stations_for_pin",
    "post_office_get",
    "post_offices_of_district",
    "service_centre_get",
    "user_serves_office",
    "users_with_role",
]

POST_OFFICE_ROLES = (Role.COUNTER_CLERK, Role.POSTMASTER, Role.POSTMAN)
# The staff of a head office who also serve its sub and branch offices.
HEAD_OFFICE_STAFF_ROLES = (Role.COUNTER_CLERK, Role.POSTMASTER)
DISTRICT_OFFICER_ROLES = (Role.SP_OFFICER, Role.DM_OFFICER)

_SERVED_CACHE = "_accounts_offices_served"


# --- places ----------------------------------------------------------------------------


def _get(model, pk):
    try:
        return model.objects.filter(pk=pk).first()
    except (ValueError, TypeError):
        return None


def post_office_get(*, office_id) -> PostOffice | None:
    return _get(PostOffice, office_id)


def police_station_get(*, station_id) -> PoliceStation | None:
    return _get(PoliceStation, station_id)


def district_get(*, district_id) -> District | None:
    return _get(District, district_id)


def service_centre_get(*, centre_id) -> ServiceCentre | None:
    return _get(ServiceCentre, centre_id)


def post_offices_of_district(*, district_id: int) -> QuerySet[PostOffice]:
    return PostOffice.objects.filter(district_id=district_id)


def pins_of_police_station(*, station_id: int) -> set[str]:
    """The PIN codes a thana covers (applications from them go to it)."""
    return set(PoliceStationArea.objects.filter(police_station_id=station_id).values_list("pin", flat=True))


def pins_of_district(*, district_id: int) -> set[str]:
    """Every PIN of a district: its post offices' and its thanas' areas."""
    offices = PostOffice.objects.filter(district_id=district_id).values_list("pin", flat=True)
    areas = PoliceStationArea.objects.filter(police_station__district_id=district_id).values_list("pin", flat=True)
    return set(offices) | set(areas)


def pins_of_service_centre(*, centre_id: int) -> set[str]:
    """A service centre serves the citizens of its district: the district's PINs."""
    district_id = ServiceCentre.objects.filter(pk=centre_id).values_list("district_id", flat=True).first()
    return set() if district_id is None else pins_of_district(district_id=district_id)


def police_stations_for_pin(*, pin: str) -> QuerySet[PoliceStation]:
    """The thanas covering a PIN (usually one; a PIN may straddle two)."""
    return PoliceStation.objects.filter(areas__pin=pin).distinct()


# --- people ----------------------------------------------------------------------------


def users_with_role(*, role: str, place=None, active_only: bool = True) -> QuerySet[User]:
    """Users of a role, at a place when given (the place field the role is scoped by:
    a PostOffice for post-office roles, a PoliceStation for a thana officer, ...)."""
    users = User.objects.filter(role=role)
    if active_only:
        users = users.filter(is_active=True)
    if place is not None:
        field = {
            PostOffice: "post_office",
            PoliceStation: "police_station",
            District: "district",
            ServiceCentre: "service_centre",
        }[type(place)]
        users = users.filter(**{field: place})
    return users.order_by("username")


# --- jurisdiction ----------------------------------------------------------------------


def offices_served_by(user: User) -> set[int] | None:
    """Ids of the post offices `user` works for (see the module docstring); None means
    every office (an administrator). Kept on the user object for the request: one
    query at most, however many objects a page checks."""
    if user is None or not user.is_authenticated:
        return set()
    if user.role == Role.ADMINISTRATOR:
        return None
    cached = user.__dict__.get(_SERVED_CACHE)
    if cached is not None:
        return set(cached)
    if user.role not in POST_OFFICE_ROLES or user.post_office_id is None:
        served: frozenset[int] = frozenset()
    elif user.role in HEAD_OFFICE_STAFF_ROLES:
        subs = PostOffice.objects.filter(head_office_id=user.post_office_id).values_list("pk", flat=True)
        served = frozenset([user.post_office_id, *subs])
    else:
        served = frozenset([user.post_office_id])
    user.__dict__[_SERVED_CACHE] = served
    return set(served)


def user_serves_office(user: User, office: PostOffice | int | None) -> bool:
    """Does `user` work for this post office? Given a PostOffice (with its
    head_office_id, as every row has it), it answers without a query: the hot money
    paths ask it for every posting."""
    if office is None or user is None or not user.is_authenticated:
        return False
    if user.role == Role.ADMINISTRATOR:
        return True
    if user.role not in POST_OFFICE_ROLES or user.post_office_id is None:
        return False
    if isinstance(office, PostOffice):
        if office.pk == user.post_office_id:
            return True
        return user.role in HEAD_OFFICE_STAFF_ROLES and office.head_office_id == user.post_office_id
    if office == user.post_office_id:
        return True
    served = offices_served_by(user)
    return served is None or office in served


def user_serves_any_office(user: User, offices: Iterable[int | None]) -> bool:
    return any(user_serves_office(user, office_id) for office_id in offices if office_id is not None)


# --- authority -------------------------------------------------------------------------


def has_authority(
    user: User, *, district_id: int | None = None, police_station_id: int | None = None, pin: str | None = None
) -> bool:
    """Has `user` an officer's authority over this place (exactly one of district_id,
    police_station_id, pin)? See the module docstring for the rule."""
    given = [value is not None for value in (district_id, police_station_id, pin)]
    if sum(given) != 1:
        raise TypeError("has_authority takes exactly one of district_id, police_station_id, pin")
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.role in DISTRICT_OFFICER_ROLES and user.district_id is not None:
        if district_id is not None:
            return district_id == user.district_id
        if police_station_id is not None:
            return PoliceStation.objects.filter(pk=police_station_id, district_id=user.district_id).exists()
        return PoliceStationArea.objects.filter(pin=pin, police_station__district_id=user.district_id).exists()
    if user.role == Role.THANA_OFFICER and user.police_station_id is not None:
        if police_station_id is not None:
            return police_station_id == user.police_station_id
        if pin is not None:
            return PoliceStationArea.objects.filter(pin=pin, police_station_id=user.police_station_id).exists()
        return False  # a thana is not a district
    return False
