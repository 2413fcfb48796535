"""Plain INSERT statements for the few writes that run on every booking or payment.

Django's query compiler costs more CPU than the round trip itself (0.2-0.4 ms against
about 0.03 ms per statement on the project machine), and a booking writes a handful of
rows. These helpers build the INSERT once per model and column list, from the model's
metadata, and prepare each value with the field's own `get_db_prep_save` (JSON, dates,
decimals come out as the ORM would write them, on PostgreSQL and SQLite alike).

They skip what `Model.save()` adds: signals, `save()` overrides and field defaults.
Callers pass every column they mean to write and use them only for models without
save-time logic of their own (an append-only guard that refuses updates is fine: these
are inserts).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from django.db import connection, models


@lru_cache(maxsize=128)
def _columns(model: type[models.Model], names: tuple[str, ...]) -> tuple[tuple[models.Field, ...], str, str]:
    fields = tuple(model._meta.get_field(name) for name in names)
    quote = connection.ops.quote_name
    return fields, quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)


def prepared(model: type[models.Model], values: Mapping[str, Any]) -> tuple[str, str, list[Any]]:
    """(table, column list, prepared values) for one row of `model`."""
    fields, table, columns = _columns(model, tuple(values))
    return table, columns, [f.get_db_prep_save(v, connection) for f, v in zip(fields, values.values(), strict=True)]


def insert_returning(
    model: type[models.Model], values: Mapping[str, Any], *, conflict: tuple[str, ...] = ()
) -> int | None:
    """INSERT one row ({field name or attname: value}) and return its id.

    conflict: the fields of a unique constraint; a row that would break it is not
    inserted (ON CONFLICT ... DO NOTHING) and None is returned. PostgreSQL makes the
    statement wait for a concurrent transaction inserting the same values, then skips
    the row if that one committed."""
    table, columns, params = prepared(model, values)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(params))})"  # noqa: S608 (names from model metadata)
    if conflict:
        quote = connection.ops.quote_name
        sql += f" ON CONFLICT ({', '.join(quote(model._meta.get_field(f).column) for f in conflict)}) DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(sql + " RETURNING id", params)
        row = cursor.fetchone()
    return None if row is None else row[0]


def insert_rows(model: type[models.Model], rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """INSERT several rows with the same columns in one statement; their ids, in order."""
    if not rows:
        return []
    table = columns = ""
    params: list[Any] = []
    for row in rows:
        table, columns, values = prepared(model, row)
        params.extend(values)
    one = "(" + ", ".join(["%s"] * len(rows[0])) + ")"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(rows))} RETURNING id",  # noqa: S608 (names from model metadata)
            params,
        )
        return [row[0] for row in cursor.fetchall()]


def from_values(model: type[models.Model], pk: int, values: Mapping[str, Any]) -> Any:
    """The model instance for a row just inserted with `values` (no query): fields not
    given take their defaults, as `Model(**values)` gives them."""
    obj = model(pk=pk, **values)
    obj._state.adding = False
    obj._state.db = connection.alias
    return obj


def execute(sql: str, params: Iterable[Any]) -> list[tuple]:
    """Run one statement; its rows (empty when it returns none)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall() if cursor.description else []


def update(model: type[models.Model], pk: int, values: Mapping[str, Any]) -> int:
    """UPDATE one row by id ({field name or attname: value}); the number of rows changed."""
    fields, table, _columns_sql = _columns(model, tuple(values))
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    params = [f.get_db_prep_save(v, connection) for f, v in zip(fields, values.values(), strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {assignments} WHERE id = %s", [*params, pk])  # noqa: S608 (names from model metadata)
        return cursor.rowcount
