"""Serializer fields shared by the apps' APIs."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.typed import ascii_int

BIGINT_MAX = 2**63 - 1


@extend_schema_field(OpenApiTypes.INT)
class IdField(serializers.IntegerField):
    """An id (a till, an office, a journal entry): a JSON integer or ASCII digits, 1 to
    the largest bigint. DRF's IntegerField reads "٣" as 3 and passes a number past the
    bigint range on to PostgreSQL."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = ascii_int(data, max_digits=19)
        if value is None:
            self.fail("invalid")
        return value
