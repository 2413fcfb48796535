"""Helpers for the booking form's numbered article fields (a-0-weight_g, ...)."""

from django import template

from counter.forms import PRICE_FIELDS
from counter.pins import town_name

register = template.Library()
register.filter("town_name", town_name)


@register.simple_tag
def price_fields_pattern() -> str:
    """The live price check's field names as a JavaScript RegExp source (counter.js)."""
    return PRICE_FIELDS.pattern


@register.simple_tag
def fname(i: int, name: str) -> str:
    return f"a-{i}-{name}"


@register.simple_tag
def fval(data, i: int, name: str) -> str:
    return data.get(f"a-{i}-{name}", "") if data else ""


@register.simple_tag
def ferr(errors, i: int, name: str) -> str:
    return errors.get(f"a-{i}-{name}", "") if errors else ""


@register.simple_tag
def fchecked(data, i: int, name: str, value: str) -> str:
    if not data or not hasattr(data, "getlist"):
        return ""
    return "checked" if value in data.getlist(f"a-{i}-{name}") else ""


@register.simple_tag
def fselected(data, i: int, name: str, value: str) -> str:
    return "selected" if data and data.get(f"a-{i}-{name}", "") == value else ""


@register.filter
def rupees(paise: int) -> str:
    """Whole rupees for a denomination label: 500 -> '₹500'."""
    return f"₹{paise}"
