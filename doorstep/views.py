from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import Role
from accounts.permissions import require_role


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The call-centre operator's desk: book doorstep visits for callers."""
    require_role(request.user, Role.CALL_CENTRE_OPERATOR)
    return render(request, "doorstep/home.html")


@login_required
def field_home(request: HttpRequest) -> HttpResponse:
    """The field employee's visits for the day, on a phone."""
    require_role(request.user, Role.FIELD_STAFF)
    return render(request, "doorstep/field_home.html")
