from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import Role
from accounts.permissions import require_role


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The counter clerk's window."""
    require_role(request.user, Role.COUNTER_CLERK, Role.POSTMASTER)
    return render(request, "counter/home.html")


@login_required
def office_home(request: HttpRequest) -> HttpResponse:
    """The postmaster's view of every counter of the office."""
    require_role(request.user, Role.POSTMASTER)
    return render(request, "counter/office_home.html")
