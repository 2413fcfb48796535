"""The one place that turns paise and times into what a person reads."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def group_indian(rupees: int) -> str:
    """12345678 -> '1,23,45,678' (Indian grouping: last three, then twos)."""
    digits = str(rupees)
    if len(digits) <= 3:
        return digits
    head, tail = digits[:-3], digits[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    if head:
        groups.insert(0, head)
    return ",".join(groups) + "," + tail


def format_inr(paise: int | None) -> str:
    """12345650 -> '₹1,23,456.50'; negative amounts get a leading minus sign."""
    if paise is None:
        return ""
    if not isinstance(paise, int) or isinstance(paise, bool):
        raise TypeError("money is an integer number of paise")
    sign = "-" if paise < 0 else ""
    rupees, rest = divmod(abs(paise), 100)
    return f"{sign}₹{group_indian(rupees)}.{rest:02d}"


def format_ist(value: datetime | None, fmt: str = "%d-%m-%Y %H:%M") -> str:
    """An aware UTC datetime shown in Asia/Kolkata ('IST' is implied by the site)."""
    if value is None:
        return ""
    return timezone.localtime(value).strftime(fmt)


def mask_mobile(mobile: str) -> str:
    """'9812345610' -> '98XXXXXX10' for public pages."""
    if len(mobile) < 4:
        return "X" * len(mobile)
    return mobile[:2] + "X" * (len(mobile) - 4) + mobile[-2:]


def mask_name(name: str) -> str:
    """'Ram Kumar' -> 'R** K****' for public pages."""
    return " ".join(part[:1] + "*" * (len(part) - 1) for part in name.split())
