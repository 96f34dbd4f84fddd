"""Check every row of a file, in two processes when the file is large.

This process checks the first rows while a forked helper checks the rest and sends them
back packed as plain tuples (a quarter of what pickling the row objects costs). The helper
also packs, so it takes the smaller share; both then finish at about the same time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from huifang.customers.imports.helper import forked_helper, helper_pays_off, helper_work
from huifang.customers.imports.reader import Cell
from huifang.customers.imports.rows import Issue, PurchaseRow, Row, RowValidator

# Below this many rows a second process saves less than starting it costs.
PARALLEL_FROM_ROWS = 20_000
HELPER_SHARE = 0.40

Lines = Sequence[tuple[int, list[Cell]]]
Packed = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]


def check_rows(validator: RowValidator, lines: Lines) -> tuple[list[Row], list[Issue]]:
    """The rows that can be imported, in file order, and every issue found (rejections
    and notes), in row order."""
    if len(lines) < PARALLEL_FROM_ROWS or not helper_pays_off():
        return _check(validator, lines)
    split = round(len(lines) * (1 - HELPER_SHARE))
    with forked_helper((validator, lines[split:])) as helper:
        later = helper.apply_async(_check_in_helper)
        rows, issues = _check(validator, lines[:split])
        packed = later.get()
    more_rows, more_issues = _unpack(validator, packed)
    return rows + more_rows, issues + more_issues


def _check(validator: RowValidator, lines: Lines) -> tuple[list[Row], list[Issue]]:
    rows: list[Row] = []
    issues: list[Issue] = []
    for number, cells in lines:
        row, found = validator.validate(number, cells)
        if row is not None:
            rows.append(row)
        issues.extend(found)  # a row that is imported may still carry notes
    return rows, issues


def _check_in_helper() -> Packed:
    validator, lines = helper_work()
    rows, issues = _check(validator, lines)
    return [_pack(validator, row) for row in rows], [tuple(vars(i).values()) for i in issues]


def _pack(validator: RowValidator, row: Row) -> tuple[Any, ...]:
    values: Any = row.values
    if tuple(values) == validator.keys:  # every checked row has every mapped field
        values = tuple(values.values())
    purchase = row.purchase
    bought = (
        None
        if purchase is None
        else (
            purchase.product.id,
            purchase.quantity,
            purchase.amount,
            purchase.purchased_on,
            purchase.delivered_on,
            purchase.first_used_on,
            purchase.contract_end_on,
            purchase.order_no,
        )
    )
    return row.number, values, row.phone, row.owner_id, bought


def _unpack(validator: RowValidator, packed: Packed) -> tuple[list[Row], list[Issue]]:
    products = {ref.id: ref for ref in validator.lookups.products.values()}
    keys, columns = validator.keys, validator.column_names
    rows = []
    for number, values, phone, owner_id, bought in packed[0]:
        row = Row(
            number=number,
            values=dict(zip(keys, values, strict=True)) if type(values) is tuple else values,
            columns=columns,
            owner_id=owner_id,
            phone=phone,
        )
        if bought is not None:
            row.purchase = PurchaseRow(products[bought[0]], *bought[1:])
        rows.append(row)
    return rows, [Issue(*fields) for fields in packed[1]]
