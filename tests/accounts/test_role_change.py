"""Role and place change only through the audited service, also from the admin."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from rest_framework.authtoken.models import Token

from accounts.exceptions import RoleChangeInvalid, RoleChangeNotAllowed
from accounts.models import Role, RoleChange, User
from accounts.selectors import offices_served_by
from accounts.services import user_role_change


@pytest.fixture
def newcomer(places):
    return User.objects.create(username="newcomer", role=Role.COUNTER_CLERK, post_office=places.sub_offices[0])


def test_a_role_change_is_audited(newcomer, administrator, places):
    Token.objects.create(user=newcomer)
    assert offices_served_by(newcomer) == {places.sub_offices[0].pk}
    user_role_change(
        user=newcomer, role=Role.POSTMASTER, post_office=places.head_office, actor=administrator, reason="Promoted"
    )
    newcomer.refresh_from_db()
    assert (newcomer.role, newcomer.post_office) == (Role.POSTMASTER, places.head_office)
    row = RoleChange.objects.get(user=newcomer)
    assert (row.old_role, row.new_role) == (Role.COUNTER_CLERK, Role.POSTMASTER)
    assert row.old_place == {"post_office": places.sub_offices[0].pk}
    assert row.new_place == {"post_office": places.head_office.pk}
    assert row.old_place_label == str(places.sub_offices[0]) and row.actor == administrator
    assert row.reason == "Promoted" and row.created_at is not None
    assert not Token.objects.filter(user=newcomer).exists()  # issued for the old role
    # the caller's object forgot the offices it served before
    assert places.head_office.pk in offices_served_by(newcomer)


def test_changing_the_place_kind_clears_the_old_place(newcomer, administrator, places):
    user_role_change(
        user=newcomer.pk, role=Role.THANA_OFFICER, police_station=places.kotwali, actor=administrator, reason="Moved"
    )
    newcomer.refresh_from_db()
    assert newcomer.post_office is None and newcomer.police_station == places.kotwali


def test_no_change_writes_no_row(newcomer, administrator, places):
    user_role_change(
        user=newcomer, role=Role.COUNTER_CLERK, post_office=places.sub_offices[0], actor=administrator, reason="x"
    )
    assert not RoleChange.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"role": Role.POSTMASTER}, "post_office"),  # a postmaster needs an office
        ({"role": Role.SP_OFFICER, "post_office": "head"}, "post_office"),  # the wrong kind of place
        ({"role": "maharaja"}, "role"),
        ({"role": Role.POSTMASTER, "post_office": "head", "reason": "  "}, "reason"),
    ],
)
def test_a_bad_change_is_refused_and_changes_nothing(newcomer, administrator, places, kwargs, field):
    kwargs = {"reason": "because", **kwargs}
    if kwargs.get("post_office") == "head":
        kwargs["post_office"] = places.head_office
    with pytest.raises(RoleChangeInvalid) as error:
        user_role_change(user=newcomer, actor=administrator, **kwargs)
    assert field in error.value.details
    newcomer.refresh_from_db()
    assert (newcomer.role, newcomer.post_office) == (Role.COUNTER_CLERK, places.sub_offices[0])
    assert not RoleChange.objects.exists()


@pytest.mark.parametrize("who", ["postmaster", "dm_officer", "sp_officer"])
def test_only_an_administrator_changes_roles(personas, newcomer, places, who):
    with pytest.raises(RoleChangeNotAllowed):
        user_role_change(
            user=newcomer, role=Role.POSTMASTER, post_office=places.head_office, actor=personas[who], reason="x"
        )
    assert not RoleChange.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_user_row_is_locked_while_it_changes(places, administrator):
    admin = administrator
    target = User.objects.create(username="locked_target", role=Role.COUNTER_CLERK, post_office=places.head_office)
    blocked = threading.Event()
    result = {}

    def other() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '300ms'")
            user_role_change(user=target.pk, role=Role.POSTMAN, post_office=places.head_office, actor=admin, reason="b")
        except Exception as error:
            result["error"] = type(error).__name__
        finally:
            connection.close()
            blocked.set()

    with transaction.atomic():
        User.objects.select_for_update().get(pk=target.pk)
        thread = threading.Thread(target=other)
        thread.start()
        blocked.wait(5)
    thread.join()
    assert result.get("error") == "OperationalError"
    target.refresh_from_db()
    assert target.role == Role.COUNTER_CLERK and not RoleChange.objects.filter(user=target).exists()


def test_the_admin_routes_a_role_change_through_the_service(login, administrator, newcomer, places):
    client = login(administrator)
    url = f"/admin/accounts/user/{newcomer.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("groups", "user_permissions")}
    data.update(
        {
            "date_joined_0": newcomer.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": newcomer.date_joined.strftime("%H:%M:%S"),
            "role": Role.POSTMASTER,
            "post_office": places.head_office.pk,
            "first_name": "Asha",
        }
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    missing_reason = client.post(url, data)
    assert missing_reason.status_code == 200  # the form again, with the error
    assert "Say why the role or place changes." in missing_reason.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.role == Role.COUNTER_CLERK and not RoleChange.objects.exists()
    saved = client.post(url, {**data, "role_change_reason": "New postmaster of the H.O"})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    newcomer.refresh_from_db()
    assert (newcomer.role, newcomer.post_office, newcomer.first_name) == (Role.POSTMASTER, places.head_office, "Asha")
    row = RoleChange.objects.get(user=newcomer)
    assert row.actor == administrator and row.reason == "New postmaster of the H.O"
    assert row.old_place == {"post_office": places.sub_offices[0].pk}


def test_the_audit_rows_are_read_only_in_the_admin(login, administrator, newcomer, places):
    user_role_change(user=newcomer, role=Role.POSTMAN, post_office=places.head_office, actor=administrator, reason="r")
    row = RoleChange.objects.get()
    client = login(administrator)
    assert client.get("/admin/accounts/rolechange/").status_code == 200
    assert client.get("/admin/accounts/rolechange/add/").status_code == 403
    assert client.post(f"/admin/accounts/rolechange/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    view = client.get(f"/admin/accounts/rolechange/{row.pk}/change/")
    assert view.status_code == 200 and b'name="reason"' not in view.content
    client.post(f"/admin/accounts/rolechange/{row.pk}/change/", {"reason": "rewritten"})
    row.refresh_from_db()
    assert row.reason == "r"
