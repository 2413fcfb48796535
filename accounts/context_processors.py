from django.conf import settings
from django.http import HttpRequest


def shell(request: HttpRequest) -> dict:
    """What base.html needs on every page."""
    return {"LANGUAGES": settings.LANGUAGES, "SITE_NAME": "Dakghar"}
