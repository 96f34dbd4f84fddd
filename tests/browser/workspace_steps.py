"""Steps and a fixture the workspace browser tests share."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from playwright.sync_api import Page

from tests.conftest import PASSWORD


def log_in(page: Page, live_server: object, username: str) -> None:
    page.goto(f"{live_server}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


@pytest.fixture
def seed_restored() -> Iterator[None]:
    """Put back what the migrations seeded (questionnaires, calendar, SLA policies…).

    Once Playwright's sync API runs in this thread, Django sees an event loop and hands
    out a fresh connection object per context; that object lacks the snapshot
    serialized_rollback restores from, so a browser test that is not the session's first
    would start with the seed data flushed away. Give the snapshot to this connection.
    """
    if not hasattr(connection, "_test_serialized_contents"):
        snapshot = next(
            (
                wrapper._test_serialized_contents
                for wrapper in gc.get_objects()
                if isinstance(wrapper, BaseDatabaseWrapper)
                and wrapper.alias == connection.alias
                and hasattr(wrapper, "_test_serialized_contents")
            ),
            None,
        )
        if snapshot is not None:
            connection._test_serialized_contents = snapshot  # type: ignore[attr-defined]
            connection.creation.deserialize_db_from_string(snapshot)
    yield
