"""Names of places as a person reads them (money and time formatting live in core.formatting)."""

from __future__ import annotations

from django.utils.translation import get_language


def place_name(place, lang: str | None = None) -> str:
    """A place's name in `lang` (default: the active language): the Hindi name where the
    place has one and the language is Hindi, else the English name."""
    if place is None:
        return ""
    lang = lang or get_language() or ""
    name_hi = getattr(place, "name_hi", "")
    return name_hi if lang.startswith("hi") and name_hi else place.name
