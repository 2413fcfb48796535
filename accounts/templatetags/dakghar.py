"""Template filters every page may use (loaded as a builtin in settings)."""

from django import template

from accounts.formatting import format_inr, format_ist, mask_mobile, mask_name, place_name

register = template.Library()

register.filter("inr", format_inr)
register.filter("ist", format_ist)
register.filter("mask_mobile", mask_mobile)
register.filter("mask_name", mask_name)
register.filter("place_name", place_name)
