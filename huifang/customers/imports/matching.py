"""Find a chunk's customers and orders in the archive: by phone, by company and name, by
order number. Each asks with plain SQL for thousands of values at once (sorted, so that
one query probes a narrow range of its index)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Model

from huifang.customers.models import Contact, Customer, Purchase


@dataclass
class ExistingOrder:
    id: int
    customer_id: int
    delivered_on: date | None
    first_used_on: date | None
    contract_end_on: date | None


def customers_with_phones(phones: list[str]) -> dict[str, int]:
    """Customers on file by normalised phone; a phone two of them share (a duplicate not
    yet merged) names the older one."""
    found: dict[str, int] = {}
    for phone, customer_id in _rows_where_in(
        "phone, customer_id", Contact, "phone", phones, order_by="customer_id"
    ):
        found.setdefault(phone, customer_id)
    return found


def customers_with_pairs(pairs: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Customers on file by (company, name). A join with the wanted pairs probes the
    (company, name) index once per pair on both databases; SQLite answers the shorter
    `(company, name) IN (VALUES …)` by scanning the whole table."""
    found: dict[tuple[str, str], int] = {}
    pairs = sorted(set(pairs))  # the probes of one query then stay in a few index pages
    table = connection.ops.quote_name(Customer._meta.db_table)
    join = f" JOIN {table} c ON c.company = wanted.company AND c.name = wanted.name ORDER BY c.id"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # one statement, two array parameters
            cursor.execute(
                "SELECT c.company, c.name, c.id"
                " FROM unnest(%s::text[], %s::text[]) AS wanted(company, name)" + join,
                [[company for company, _ in pairs], [name for _, name in pairs]],
            )
            rows = cursor.fetchall()
        else:
            rows = []
            for start in range(0, len(pairs), 400):
                chunk = pairs[start : start + 400]
                values = ", ".join(["(%s, %s)"] * len(chunk))
                cursor.execute(
                    f"WITH wanted(company, name) AS (VALUES {values})"
                    " SELECT c.company, c.name, c.id FROM wanted" + join,
                    [part for pair in chunk for part in pair],
                )
                rows.extend(cursor.fetchall())
    for company, name, pk in rows:
        found.setdefault((company, name), pk)
    return found


def existing_orders(numbers: list[str]) -> dict[str, ExistingOrder]:
    found = {}
    for pk, number, customer_id, delivered, first_used, contract_end in _rows_where_in(
        "id, order_no, customer_id, delivered_on, first_used_on, contract_end_on",
        Purchase,
        "order_no",
        numbers,
    ):
        found[number] = ExistingOrder(
            pk, customer_id, _as_day(delivered), _as_day(first_used), _as_day(contract_end)
        )
    return found


def _rows_where_in(
    columns: str, model: type[Model], key: str, values: list[str], *, order_by: str = ""
) -> list[tuple[Any, ...]]:
    """``columns`` of the rows of ``model`` whose ``key`` is one of ``values``, in plain
    SQL: the ORM spends more building a thousand-value IN than running it. PostgreSQL gets
    the values as one array, two thousand at a time: with many more it plans a scan of the
    whole table."""
    table = connection.ops.quote_name(model._meta.db_table)
    values = sorted(set(values))  # each query then probes a narrow range of the index
    order = f" ORDER BY {order_by}" if order_by else ""
    postgres = connection.vendor == "postgresql"
    size = 2000 if postgres else 1000
    rows: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for start in range(0, len(values), size):
            part = values[start : start + size]
            if postgres:
                cursor.execute(
                    f"SELECT {columns} FROM {table} WHERE {key} = ANY(%s){order}", [part]
                )
            else:
                marks = ", ".join(["%s"] * len(part))
                cursor.execute(
                    f"SELECT {columns} FROM {table} WHERE {key} IN ({marks}){order}", part
                )
            rows.extend(cursor.fetchall())
    return rows


def _as_day(value: Any) -> date | None:
    """A date column read with plain SQL: SQLite gives its text."""
    return date.fromisoformat(value) if isinstance(value, str) else value
