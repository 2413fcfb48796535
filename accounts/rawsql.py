"""Plain INSERT and UPDATE statements for the few writes that run on every booking or payment.

Django's query compiler costs more CPU than the round trip itself (0.1-0.4 ms against
about 0.03 ms per statement on the project machine), and a booking writes a handful of
rows. These helpers build the SQL once per model and column list, from the model's
metadata, and prepare each value as the ORM would (`Field.get_db_prep_save`: JSON, dates,
decimals), on PostgreSQL and SQLite alike. Integers, strings and booleans, which the ORM
passes through unchanged, are passed through here too.

They skip what `Model.save()` adds: signals, `save()` overrides and field defaults.
Callers pass every column they mean to write and use them only for models without
save-time logic of their own (an append-only guard that refuses updates is fine: these
are inserts).

`with_child` writes a row and one row that points at it (a record and its first event)
in one statement on PostgreSQL (a data-modifying WITH), in two elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from django.db import connection, models

# Fields whose values reach the driver as they are (what get_db_prep_save returns for a
# Python int, str or bool); every other field goes through get_db_prep_save.
_AS_IS = (models.IntegerField, models.CharField, models.TextField, models.BooleanField, models.AutoField)


def _passes_as_is(field: models.Field) -> bool:
    if isinstance(field, models.ForeignKey):
        return _passes_as_is(field.target_field)
    return isinstance(field, _AS_IS)


@lru_cache(maxsize=256)
def _columns(
    model: type[models.Model], names: tuple[str, ...]
) -> tuple[tuple[Callable[[Any], Any] | None, ...], str, str, tuple[str, ...]]:
    """(value preparers (None: as is), quoted table, quoted column list, quoted columns)."""
    fields = tuple(model._meta.get_field(name) for name in names)
    quote = connection.ops.quote_name
    preparers = tuple(
        None if _passes_as_is(f) else (lambda value, f=f: f.get_db_prep_save(value, connection)) for f in fields
    )
    columns = tuple(quote(f.column) for f in fields)
    return preparers, quote(model._meta.db_table), ", ".join(columns), columns


def prepared(model: type[models.Model], values: Mapping[str, Any]) -> tuple[str, str, list[Any]]:
    """(table, column list, prepared values) for one row of `model` ({field name or attname: value})."""
    preparers, table, columns, _each = _columns(model, tuple(values))
    return (
        table,
        columns,
        [v if p is None else p(v) for p, v in zip(preparers, values.values(), strict=True)],
    )


def _placeholders(n: int) -> str:
    return ", ".join(["%s"] * n)


def insert_sql(model: type[models.Model], values: Mapping[str, Any]) -> tuple[str, list[Any]]:
    """("INSERT INTO table (columns) VALUES (...)", params) for one row."""
    table, columns, params = prepared(model, values)
    return f"INSERT INTO {table} ({columns}) VALUES ({_placeholders(len(params))})", params  # noqa: S608 (names from model metadata)


def update_sql(model: type[models.Model], pk: int, values: Mapping[str, Any]) -> tuple[str, list[Any]]:
    """("UPDATE table SET ... WHERE id = %s", params) for one row."""
    preparers, table, _columns_sql, each = _columns(model, tuple(values))
    params = [v if p is None else p(v) for p, v in zip(preparers, values.values(), strict=True)]
    assignments = ", ".join(f"{column} = %s" for column in each)
    return f"UPDATE {table} SET {assignments} WHERE id = %s", [*params, pk]  # noqa: S608 (names from model metadata)


def insert_returning(
    model: type[models.Model], values: Mapping[str, Any], *, conflict: tuple[str, ...] = ()
) -> int | None:
    """INSERT one row and return its id.

    conflict: the fields of a unique constraint; a row that would break it is not
    inserted (ON CONFLICT ... DO NOTHING) and None is returned. PostgreSQL makes the
    statement wait for a concurrent transaction inserting the same values, then skips
    the row if that one committed."""
    sql, params = insert_sql(model, values)
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
    one = f"({_placeholders(len(rows[0]))})"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(rows))} RETURNING id",  # noqa: S608 (names from model metadata)
            params,
        )
        return [row[0] for row in cursor.fetchall()]


def update(model: type[models.Model], pk: int, values: Mapping[str, Any]) -> int:
    """UPDATE one row by id; the number of rows changed."""
    sql, params = update_sql(model, pk, values)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def with_child(
    parent: tuple[str, list[Any]],
    child_model: type[models.Model],
    child_values: Mapping[str, Any],
    *,
    fk: str,
    returning: str = "id",
) -> tuple | None:
    """Run `parent` (an INSERT or UPDATE of one row, without RETURNING) and INSERT one
    `child_model` row whose `fk` column is the parent's id. Returns the parent's
    RETURNING row (`returning`: its columns, id first), or None when the parent wrote no
    row (then no child either).

    PostgreSQL: one statement, `WITH p AS (parent RETURNING ...) INSERT child SELECT
    p.id, ... FROM p`. Elsewhere two. Either way inside the caller's transaction."""
    parent_sql, parent_params = parent
    table, columns, params = prepared(child_model, child_values)
    fk_column = connection.ops.quote_name(child_model._meta.get_field(fk).column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH p AS ({parent_sql} RETURNING {returning}),"  # noqa: S608 (names from model metadata)
                f" c AS (INSERT INTO {table} ({fk_column}, {columns}) SELECT p.id, {_placeholders(len(params))} FROM p)"
                f" SELECT {returning} FROM p",
                [*parent_params, *params],
            )
            return cursor.fetchone()
        cursor.execute(f"{parent_sql} RETURNING {returning}", parent_params)
        row = cursor.fetchone()
        if row is not None:
            cursor.execute(
                f"INSERT INTO {table} ({fk_column}, {columns}) VALUES ({_placeholders(len(params) + 1)})",  # noqa: S608
                [row[0], *params],
            )
        return row


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


@lru_cache(maxsize=256)
def _read_converters(model: type[models.Model], attnames: tuple[str, ...]) -> tuple:
    """Per column, the converters the ORM would run on a value read from the database:
    the backend's (SQLite gives naive datetimes, integers for booleans, text for
    decimals) and the field's own (JSON). None where there are none."""
    result = []
    for name in attnames:
        field = model._meta.get_field(name)
        column = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        result.append((column, tuple(converters)) if converters else None)
    return tuple(result)


def model_from_row(model: type[models.Model], attnames: Sequence[str], row: Sequence[Any]) -> models.Model:
    """`model.from_db` for a row read with a raw query, with each value converted as the
    ORM converts it, so the instance is the same on PostgreSQL and SQLite (fields not
    given are deferred and load on first access)."""
    attnames = tuple(attnames)
    values = list(row)
    for i, entry in enumerate(_read_converters(model, attnames)):
        if entry is not None:
            column, converters = entry
            for convert in converters:
                values[i] = convert(values[i], column, connection)
    return model.from_db(connection.alias, list(attnames), values)
