from __future__ import annotations

from pathlib import Path

import pytest

from huifang import config


class TestDatabase:
    def test_it_defaults_to_sqlite_in_the_data_folder(self, tmp_path: Path) -> None:
        db = config.database({}, tmp_path)
        assert db["ENGINE"] == "django.db.backends.sqlite3"
        assert db["NAME"] == str(tmp_path / "huifang.sqlite3")
        assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"

    def test_it_switches_to_postgresql_with_database_url(self, tmp_path: Path) -> None:
        db = config.database({"DATABASE_URL": "postgres://hf:pw@db.local:5433/huifang"}, tmp_path)
        assert db["ENGINE"] == "django.db.backends.postgresql"
        assert (db["HOST"], db["PORT"], db["NAME"], db["USER"]) == (
            "db.local",
            5433,
            "huifang",
            "hf",
        )

    def test_it_rejects_a_database_it_does_not_support(self, tmp_path: Path) -> None:
        with pytest.raises(config.ConfigError, match="SQLite or PostgreSQL"):
            config.database({"DATABASE_URL": "mysql://root@127.0.0.1/hf"}, tmp_path)


class TestTaskQueue:
    def test_it_keeps_tasks_in_a_sqlite_file_by_default(self, tmp_path: Path) -> None:
        queue = config.task_queue({}, tmp_path)
        assert queue["huey_class"] == "huey.SqliteHuey"
        assert queue["filename"] == str(tmp_path / "tasks.sqlite3")

    def test_it_moves_tasks_to_redis_with_redis_url(self, tmp_path: Path) -> None:
        queue = config.task_queue({"REDIS_URL": "redis://127.0.0.1:6379/3"}, tmp_path)
        assert queue["huey_class"] == "huey.RedisHuey"
        assert queue["url"] == "redis://127.0.0.1:6379/3"


class TestValues:
    @pytest.mark.parametrize(
        ("raw", "expected"), [("1", True), ("yes", True), ("off", False), ("", False)]
    )
    def test_it_reads_booleans(self, raw: str, expected: bool) -> None:
        assert config.env_bool({"X": raw}, "X", not expected) is expected

    def test_it_names_the_variable_of_a_bad_boolean(self) -> None:
        with pytest.raises(config.ConfigError, match="HUIFANG_DEBUG"):
            config.env_bool({"HUIFANG_DEBUG": "maybe"}, "HUIFANG_DEBUG", False)

    def test_it_names_the_variable_of_a_bad_number(self) -> None:
        with pytest.raises(config.ConfigError, match="HUIFANG_LOCKOUT_ATTEMPTS"):
            config.env_int({"HUIFANG_LOCKOUT_ATTEMPTS": "five"}, "HUIFANG_LOCKOUT_ATTEMPTS", 5)

    def test_it_keeps_a_generated_secret_key_across_restarts(self, tmp_path: Path) -> None:
        first = config.secret_key({}, tmp_path)
        assert len(first) > 40
        assert config.secret_key({}, tmp_path) == first
        assert config.secret_key({"HUIFANG_SECRET_KEY": "given"}, tmp_path) == "given"


class TestSessionsAndCaches:
    def test_sessions_stay_in_the_database_without_a_shared_cache(self) -> None:
        assert config.session_engine({}) == "django.contrib.sessions.backends.db"
        caches = config.caches({})
        assert caches[config.SHARED_CACHE]["BACKEND"].endswith("LocMemCache")

    def test_sessions_and_shared_counts_move_to_redis_with_redis_url(self) -> None:
        env = {"REDIS_URL": "redis://127.0.0.1:6379/3", "HUIFANG_QUEUE_NAME": "hf2"}
        assert config.session_engine(env) == "django.contrib.sessions.backends.cached_db"
        caches = config.caches(env)
        assert caches[config.SHARED_CACHE]["BACKEND"].endswith("RedisCache")
        assert caches[config.SHARED_CACHE]["LOCATION"] == "redis://127.0.0.1:6379/3"
        assert caches[config.SHARED_CACHE]["KEY_PREFIX"] == "hf2"
        # The per-process cache stays where it was.
        assert caches["default"]["BACKEND"].endswith("LocMemCache")
