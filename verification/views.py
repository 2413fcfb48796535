from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import Role
from accounts.permissions import require_role


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The officer's dashboard: thana, SP office or DM office."""
    require_role(request.user, Role.THANA_OFFICER, Role.SP_OFFICER, Role.DM_OFFICER)
    return render(request, "verification/home.html")
