"""Bulk inserts that skip rows whose unique key another writer (or the same batch) has."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import transaction

from huifang.core.bulk import insert_rows
from huifang.customers.models import Tag

EARLY = datetime(2026, 11, 26, 1, tzinfo=UTC)
LATE = datetime(2026, 11, 26, 2, tzinfo=UTC)
COLUMNS = ("name", "created_at")


def tags() -> list[tuple[str, datetime]]:
    return list(Tag.objects.order_by("name").values_list("name", "created_at"))


def insert(rows: list[tuple[str, datetime]]) -> None:
    with transaction.atomic():
        insert_rows(Tag, COLUMNS, rows, ignore_conflicts_on="name")


@pytest.mark.django_db
class TestIgnoringConflicts:
    def test_it_inserts_every_row_when_no_key_is_taken(self) -> None:
        insert([("重点", EARLY), ("华东", EARLY)])
        assert tags() == [("华东", EARLY), ("重点", EARLY)]

    def test_a_key_already_in_the_table_keeps_its_row_and_the_rest_go_in(self) -> None:
        insert([("重点", EARLY)])
        insert([("华南", LATE), ("重点", LATE)])
        assert tags() == [("华南", LATE), ("重点", EARLY)]

    def test_a_key_repeated_in_the_batch_is_inserted_once_the_first_wins(self) -> None:
        insert([("重点", EARLY), ("重点", LATE)])
        assert tags() == [("重点", EARLY)]
