"""The client's address, read one way everywhere: DRF throttles, django-axes, self-service
limits. Any other reading of X-Forwarded-For lets a client pick its own address, and with
it a fresh rate-limit budget on every request."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The address of the client as the trusted proxies in front saw it ('' if unknown).

    PROXY_COUNT (settings) is how many proxies we run in front of the app. With 0 the
    address is REMOTE_ADDR and X-Forwarded-For is ignored: anyone can write that header.
    With N, each of our proxies appended the address it saw, so the Nth entry from the
    right was written by the outermost of ours; everything left of it is the client's
    own claim. A header with fewer entries (or no address there) did not come through
    all our proxies: REMOTE_ADDR then.

    Takes a Django HttpRequest or a DRF Request (which forwards META)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    hops = settings.PROXY_COUNT
    if hops <= 0:
        return remote
    entries = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(entries) < hops:
        return remote
    candidate = entries[-hops]
    try:
        # django-axes stores it in an inet column: never hand on anything but an address.
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
