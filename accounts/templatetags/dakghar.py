"""Place filters every page may use (loaded as a builtin in settings; money and time are core's)."""

from django import template

from accounts.formatting import place_name

register = template.Library()

register.filter("place_name", place_name)
