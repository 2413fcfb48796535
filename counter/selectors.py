"""Reads other apps (and the counter's own views) may use.

pin_info(pin=...) -> PinInfo                  town, district, state of a PIN
route_between(origin_pin=..., dest_pin=...)   distance_km and band
tariff_quote(service=..., weight_g=..., origin_pin=..., dest_pin=..., addons=..., discount=None, on=None) -> Quote
"""

from __future__ import annotations

from .pins import PinInfo, Route, pin_info, route_between
from .tariff import Quote, tariff_quote

__all__ = ["PinInfo", "Quote", "Route", "pin_info", "route_between", "tariff_quote"]
