"""Money, time and masking filters every page may use (loaded as a builtin in settings)."""

from django import template

from core.formatting import format_inr, format_ist, mask_mobile, mask_name

register = template.Library()

register.filter("inr", format_inr)
register.filter("ist", format_ist)
register.filter("mask_mobile", mask_mobile)
register.filter("mask_name", mask_name)
