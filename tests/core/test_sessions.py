"""Sessions read from Redis and written through to the database (REDIS_URL set)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import reverse

from huifang import config
from tests.conftest import PASSWORD, Org

REDIS_URL = "redis://127.0.0.1:6379/15"
HOME = reverse("core:home")


@pytest.fixture
def redis_sessions(tmp_path: Path) -> Iterator[str]:
    """The settings REDIS_URL gives, under a key prefix of this test's own."""
    prefix = f"huifang-test-{uuid.uuid4().hex}"
    env = {"REDIS_URL": REDIS_URL, "HUIFANG_QUEUE_NAME": prefix}
    with override_settings(
        CACHES=config.caches(env),
        SESSION_ENGINE=config.session_engine(env),
        SESSION_CACHE_ALIAS=config.SHARED_CACHE,
    ):
        yield prefix
    server = redis.Redis.from_url(REDIS_URL)
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)


def log_in(client: Client, username: str) -> None:
    response = client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302


def test_the_session_is_read_from_redis_and_survives_its_loss(
    org: Org, redis_sessions: str
) -> None:
    client = Client()
    log_in(client, "agent")
    key = client.cookies["sessionid"].value
    assert caches[config.SHARED_CACHE].get(KEY_PREFIX + key) is not None
    caches[config.SHARED_CACHE].delete(KEY_PREFIX + key)  # Redis restarted empty
    assert client.get(HOME).status_code == 200


def test_logging_out_ends_the_session_for_every_process(org: Org, redis_sessions: str) -> None:
    mine, elsewhere = Client(), Client()
    log_in(mine, "agent")
    elsewhere.cookies["sessionid"] = mine.cookies["sessionid"].value
    assert elsewhere.get(HOME).status_code == 200  # now kept in Redis

    mine.post(reverse("accounts:logout"))

    assert elsewhere.get(HOME).status_code == 302


def test_the_lockout_still_locks(org: Org, redis_sessions: str) -> None:
    client = Client()
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "agent", "password": "wrong"})
    response = client.post(reverse("accounts:login"), {"username": "agent", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_one_redis_client_serves_every_call(redis_sessions: str) -> None:
    shared = caches[config.SHARED_CACHE]
    shared.set("probe", 1, 10)
    assert shared.get("probe") == 1
    assert shared._cache.get_client() is shared._cache.get_client(write=True)  # type: ignore[attr-defined]
    shared.delete("probe")
    assert shared.get("probe") is None
