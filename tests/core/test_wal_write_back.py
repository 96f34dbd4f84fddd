"""A bulk write defers SQLite's copying of its write-ahead log, then leaves the
connection as it found it: later requests on it checkpoint as usual."""

from __future__ import annotations

import pytest
from django.db import connection

from huifang.core.bulk import BULK_WAL_BYTES, wal_write_back_deferred

pytestmark = pytest.mark.django_db


def pragma(name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        return int(cursor.fetchone()[0])


@pytest.fixture(autouse=True)
def sqlite_only() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL manages its own write-ahead log")


def test_the_log_may_grow_to_the_bulk_size_during_the_write_and_no_further() -> None:
    before = pragma("wal_autocheckpoint")
    with wal_write_back_deferred():
        assert pragma("wal_autocheckpoint") * pragma("page_size") == BULK_WAL_BYTES
    assert pragma("wal_autocheckpoint") == before


def test_a_failed_bulk_write_restores_the_setting_too() -> None:
    before = pragma("wal_autocheckpoint")
    with pytest.raises(RuntimeError), wal_write_back_deferred():
        raise RuntimeError("the import failed")
    assert pragma("wal_autocheckpoint") == before
