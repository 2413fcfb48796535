"""A per-process cache of the counter's reference data: tariff rows, add-on prices, GST,
discounts, PIN look-ups and the clerk's post office (its PIN is the tariff's origin and
part of the receipt number). They change by notification, a few times a year; every
booking reads them. Reading them from PostgreSQL on every booking was six of its
round trips.

An entry lives COUNTER_REFERENCE_CACHE_SECONDS (default 60; 0 turns the cache off).
A save or delete through the ORM (the admin) clears this process's cache at once;
other processes see the change within that time. `load_pincodes` clears it too.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import PostOffice

from .models import AddonPrice, Discount, PinOffice, Tariff, TaxRate

_lock = threading.Lock()


@dataclass(frozen=True)
class Snapshot:
    loaded_at: float
    tariffs: tuple[Tariff, ...]
    addons: tuple[AddonPrice, ...]
    taxes: tuple[TaxRate, ...]
    discounts: tuple[Discount, ...]


_snapshot: Snapshot | None = None
_pins: dict[str, tuple[float, object]] = {}
_offices: dict[int, tuple[float, PostOffice]] = {}


def _ttl() -> float:
    return float(getattr(settings, "COUNTER_REFERENCE_CACHE_SECONDS", 60))


def prices() -> Snapshot:
    """Every price row (all dates); callers pick the one in force."""
    global _snapshot
    snap = _snapshot
    ttl = _ttl()
    if snap is not None and ttl > 0 and time.monotonic() - snap.loaded_at < ttl:
        return snap
    fresh = Snapshot(
        loaded_at=time.monotonic(),
        tariffs=tuple(Tariff.objects.all()),
        addons=tuple(AddonPrice.objects.all()),
        taxes=tuple(TaxRate.objects.all()),
        discounts=tuple(Discount.objects.all()),
    )
    if ttl > 0:
        with _lock:
            _snapshot = fresh
    return fresh


def pin_cached(pin: str, load):
    """`load()` for this PIN, remembered for the TTL (only successful look-ups)."""
    ttl = _ttl()
    if ttl <= 0:
        return load()
    hit = _pins.get(pin)
    if hit is not None and time.monotonic() - hit[0] < ttl:
        return hit[1]
    value = load()
    with _lock:
        if len(_pins) > 20_000:  # the whole directory has about 19,000 PINs
            _pins.clear()
        _pins[pin] = (time.monotonic(), value)
    return value


def office(office_id: int) -> PostOffice:
    """The post office (shared by every request of this process: read it, never change it)."""
    ttl = _ttl()
    hit = _offices.get(office_id)
    if hit is not None and ttl > 0 and time.monotonic() - hit[0] < ttl:
        return hit[1]
    value = PostOffice.objects.get(pk=office_id)
    if ttl > 0:
        with _lock:
            _offices[office_id] = (time.monotonic(), value)
    return value


def reference_clear() -> None:
    global _snapshot
    with _lock:
        _snapshot = None
        _pins.clear()
        _offices.clear()


@receiver([post_save, post_delete], sender=Tariff)
@receiver([post_save, post_delete], sender=AddonPrice)
@receiver([post_save, post_delete], sender=TaxRate)
@receiver([post_save, post_delete], sender=Discount)
@receiver([post_save, post_delete], sender=PinOffice)
@receiver([post_save, post_delete], sender=PostOffice)
def _changed(**kwargs) -> None:
    reference_clear()
