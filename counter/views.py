"""The counter's pages. Thin: they check access, call selectors/services, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.exceptions import DomainError
from accounts.models import Role
from accounts.permissions import require_role

from . import selectors

COUNTER_ROLES = (Role.COUNTER_CLERK, Role.POSTMASTER)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The counter clerk's window."""
    require_role(request.user, *COUNTER_ROLES)
    return render(request, "counter/home.html")


@login_required
def office_home(request: HttpRequest) -> HttpResponse:
    """The postmaster's view of every counter of the office."""
    require_role(request.user, Role.POSTMASTER)
    return render(request, "counter/office_home.html")


@require_GET
@login_required
def pin_lookup(request: HttpRequest) -> HttpResponse:
    """htmx partial: the town of the PIN being typed. Reads `pin`, or else the first
    parameter whose name ends in "pin" (the form field that triggered the request)."""
    require_role(request.user, *COUNTER_ROLES)
    value = request.GET.get("pin")
    if value is None:
        value = next((v for k, v in request.GET.items() if k.endswith("pin")), "")
    value = value.strip()
    info, error = None, None
    if len(value) == 6:
        try:
            info = selectors.pin_info(pin=value)
        except DomainError as exc:
            error = exc.message
    return render(request, "counter/_pin_town.html", {"info": info, "error": error, "typed": value})
