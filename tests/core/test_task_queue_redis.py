"""The worker's queue on a real Redis server, as configured by REDIS_URL."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import redis
from huey import RedisHuey

from huifang import config

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_huey(tmp_path: Path) -> RedisHuey:
    settings = config.task_queue({"REDIS_URL": REDIS_URL}, tmp_path)
    assert settings["huey_class"] == "huey.RedisHuey"
    huey = RedisHuey(f"huifang-test-{uuid.uuid4().hex}", url=settings["url"])
    yield huey
    huey.storage.flush_all()


def test_a_task_enqueued_by_one_process_is_run_by_a_worker_through_redis(
    redis_huey: RedisHuey,
) -> None:
    @redis_huey.task()
    def add(a: int, b: int) -> int:
        return a + b

    result = add(2, 3)
    assert redis_huey.pending_count() == 1
    assert redis.Redis.from_url(REDIS_URL).ping()
    task = redis_huey.dequeue()
    assert task is not None
    redis_huey.execute(task)
    assert result.get() == 5
    assert redis_huey.pending_count() == 0
