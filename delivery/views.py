from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import Role
from accounts.permissions import require_role


@login_required
def postman_home(request: HttpRequest) -> HttpResponse:
    """Today's beat on the postman's phone."""
    require_role(request.user, Role.POSTMAN)
    return render(request, "delivery/postman_home.html")


def track(request: HttpRequest) -> HttpResponse:
    """Public article tracking (no login)."""
    return render(request, "delivery/track.html")
