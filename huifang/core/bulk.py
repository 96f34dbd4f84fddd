"""Fast bulk inserts of plain tuples, for demo data, imports, planning and benchmarks.

Model instances cost more to build than the database needs to store them; at a million
rows that difference is minutes. PostgreSQL gets COPY, SQLite a prepared executemany.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import psycopg
from django.core.management.color import no_style
from django.db import connection, models, transaction


def _quoted(model: type[models.Model], columns: Sequence[str]) -> tuple[str, str]:
    table = connection.ops.quote_name(model._meta.db_table)
    return table, ", ".join(connection.ops.quote_name(c) for c in columns)


def _sqlite_value(value: Any) -> Any:
    # The sqlite3 module's own datetime adapter is deprecated and keeps the offset; store
    # what Django itself stores for an aware datetime: naive UTC text.
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()} cannot be stored")
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    return value


def _moment_positions(model: type[models.Model], columns: Sequence[str]) -> list[int]:
    by_column = {field.column: field for field in model._meta.concrete_fields}
    return [
        i
        for i, column in enumerate(columns)
        if isinstance(by_column.get(column), models.DateTimeField)
    ]


def _sqlite_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> list[Sequence[Any]]:
    # Only the datetime columns need converting; touch just those values.
    positions = _moment_positions(model, columns)
    if not positions:
        return list(rows)
    # Rows of one batch share many moments (the same planned-at, the same due windows):
    # convert each distinct one once.
    stored: dict[Any, Any] = {}
    batch: list[Sequence[Any]] = []
    for row in rows:
        values = list(row)
        for i in positions:
            value = values[i]
            text = stored.get(value)
            if text is None:
                text = stored[value] = _sqlite_value(value)
            values[i] = text
        batch.append(values)
    return batch


def use_large_cache(megabytes: int = 256) -> None:
    """Let this SQLite connection keep `megabytes` of pages in memory (bulk writes into the
    indexes of a large table); PostgreSQL manages its own buffers."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = -{megabytes * 1024}")


# How far the write-ahead log of SQLite may grow during a bulk write before it is copied
# back into the database file.
BULK_WAL_BYTES = 1 << 30


@contextmanager
def wal_write_back_deferred() -> Iterator[None]:
    """Copy the write-ahead log back into the database file once, after a bulk write,
    instead of after every commit that finds it longer than a thousand pages.

    A bulk write into the indexes of a large table dirties most of their pages in every
    transaction; SQLite's automatic checkpoint then copies and syncs all of them after
    each commit. Deferred, each page is copied once (see `wal_write_back`). Commits stay
    durable as before: the log is the database until it is copied back.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA page_size")
        page_size = cursor.fetchone()[0]
        cursor.execute("PRAGMA wal_autocheckpoint")
        pages = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA wal_autocheckpoint = {BULK_WAL_BYTES // page_size}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint = {int(pages)}")


def wal_write_back() -> None:
    """Copy the write-ahead log into the SQLite database file now, as far as no reader
    still needs it (a passive checkpoint: it waits for nobody)."""
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    ignore_conflicts_on: str | None = None,
) -> int:
    """Insert `rows` (tuples in `columns` order, database column names) into `model`'s table.

    With `ignore_conflicts_on` (a unique column), rows whose value is already taken are
    skipped instead of failing: another writer got there first.
    """
    table, quoted = _quoted(model, columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return _copy(cursor, table, columns, rows, ignore_conflicts_on)
        batch = _sqlite_rows(model, columns, rows)
        placeholders = ", ".join(["%s"] * len(columns))
        conflict = (
            f" ON CONFLICT ({connection.ops.quote_name(ignore_conflicts_on)}) DO NOTHING"
            if ignore_conflicts_on
            else ""
        )
        cursor.executemany(
            f"INSERT INTO {table} ({quoted}) VALUES ({placeholders}){conflict}", batch
        )
        return len(batch)


def _copy(
    cursor: Any,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    conflict: str | None,
) -> int:
    raw = cursor.cursor  # the psycopg cursor under Django's wrapper
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    if not conflict:
        return _copy_into(raw, table, quoted, rows)
    # Rows repeating a key of the same batch lose to the first, as ON CONFLICT would have it.
    position, seen = list(columns).index(conflict), set()
    batch = []
    for row in rows:
        if row[position] not in seen:
            seen.add(row[position])
            batch.append(row)
    # Usually no other writer holds one of the keys: COPY straight into the table, inside a
    # savepoint. Only when one does, copy into a scratch table and INSERT … ON CONFLICT.
    try:
        with transaction.atomic():
            return _copy_into(raw, table, quoted, batch)
    except psycopg.errors.UniqueViolation:
        pass
    scratch = "huifang_bulk_scratch"
    raw.execute(f"DROP TABLE IF EXISTS {scratch}")
    raw.execute(f"CREATE TEMP TABLE {scratch} AS SELECT {quoted} FROM {table} WITH NO DATA")
    _copy_into(raw, scratch, quoted, batch)
    raw.execute(
        f"INSERT INTO {table} ({quoted}) SELECT {quoted} FROM {scratch} "
        f'ON CONFLICT ("{conflict}") DO NOTHING'
    )
    raw.execute(f"DROP TABLE {scratch}")
    return len(batch)


def _copy_into(raw: Any, target: str, quoted: str, rows: Iterable[Sequence[Any]]) -> int:
    count = 0
    with raw.copy(f"COPY {target} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def reset_sequences(*model_classes: type[models.Model]) -> None:
    """After inserting explicit ids, move PostgreSQL's id sequences past them."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_classes))
    if not statements:
        return
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def next_id(model: type[models.Model]) -> int:
    top = model._default_manager.aggregate(top=models.Max("pk"))["top"]
    return (top or 0) + 1
