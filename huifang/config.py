"""Read Huifang's configuration from environment variables.

Plain functions so that settings.py stays declarative and the parsing is testable.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dj_database_url


class ConfigError(ValueError):
    """An environment variable holds a value Huifang cannot use."""


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}")


def env_int(env: Mapping[str, str], name: str, default: int, *, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number; got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}; got {value}")
    return value


def env_list(env: Mapping[str, str], name: str, default: list[str]) -> list[str]:
    raw = env.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def data_dir(env: Mapping[str, str], base_dir: Path) -> Path:
    path = Path(env.get("HUIFANG_DATA_DIR") or base_dir / "data").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(env: Mapping[str, str], data: Path) -> str:
    """Use HUIFANG_SECRET_KEY, else a random key kept in the data folder.

    Keeping it on disk means sessions and survey links survive a restart of the
    embedded install without anybody having to invent a key.
    """
    if env.get("HUIFANG_SECRET_KEY"):
        return env["HUIFANG_SECRET_KEY"]
    key_file = data / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def database(env: Mapping[str, str], data: Path) -> dict[str, Any]:
    url = env.get("DATABASE_URL", "").strip()
    if not url:
        url = f"sqlite:///{data / 'huifang.sqlite3'}"
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except ValueError as exc:
        raise ConfigError(f"DATABASE_URL is not a database address Huifang knows: {exc}") from None
    engine = config["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        # WAL + IMMEDIATE transactions let the web server and the in-process
        # worker write to one file without "database is locked" errors.
        # 16 KiB pages (taken only by a new file, before its first table): inserts into
        # the archive's many indexes run a fifth faster than on the 4 KiB default.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                " PRAGMA foreign_keys=ON;"
            ),
        }
    elif engine == "django.db.backends.postgresql":
        config["CONN_HEALTH_CHECKS"] = True
        # No server-side prepared statements: psycopg prepares only on server-side binding
        # cursors (OPTIONS server_side_binding, which changes how every raw-SQL parameter
        # is sent and caps a statement at 65,535 parameters), and the pages that matter
        # now send one or two primary-key reads, whose planning costs microseconds.
    else:
        raise ConfigError(
            f"DATABASE_URL must point to SQLite or PostgreSQL; {engine} is not supported"
        )
    return config


def task_queue(env: Mapping[str, str], data: Path) -> dict[str, Any]:
    """Huey settings: SQLite file by default, Redis when REDIS_URL is set."""
    common: dict[str, Any] = {
        "name": env.get("HUIFANG_QUEUE_NAME", "huifang"),
        "immediate": env_bool(env, "HUIFANG_TASKS_IMMEDIATE", False),
        "utc": True,
        "consumer": {
            "workers": env_int(env, "HUIFANG_WORKERS", 2, minimum=1),
            "worker_type": "thread",
            "periodic": True,
            "check_worker_health": True,
        },
    }
    redis_url = env.get("REDIS_URL", "").strip()
    if redis_url:
        return {**common, "huey_class": "huey.RedisHuey", "url": redis_url}
    return {
        **common,
        "huey_class": "huey.SqliteHuey",
        "filename": str(data / "tasks.sqlite3"),
    }


# The cache every process shares when there is one: sessions (cached_db) and short-lived
# per-user counts (the navbar's unread notifications) live here.
SHARED_CACHE = "shared"


def caches(env: Mapping[str, str]) -> dict[str, Any]:
    """Django's CACHES: "default" per process as ever, "shared" on Redis when REDIS_URL is set.

    "default" stays a per-process memory cache (the queue rows kept a few seconds per
    session, the WeCom token). "shared" must be the same for every process that answers
    requests, because what it holds is invalidated by writes in any of them: with
    REDIS_URL it is Redis; without it there is no cache every process can see, so it is a
    per-process memory cache and :func:`session_engine` keeps sessions out of it.
    """
    default = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "huifang"}
    redis_url = env.get("REDIS_URL", "").strip()
    if redis_url:
        shared = {
            "BACKEND": "huifang.core.cache.RedisCache",
            "LOCATION": redis_url,
            # Several installations may share one Redis: the queue name keeps them apart.
            "KEY_PREFIX": env.get("HUIFANG_QUEUE_NAME", "huifang"),
        }
    else:
        shared = {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "huifang-shared",
        }
    return {"default": default, SHARED_CACHE: shared}


def session_engine(env: Mapping[str, str]) -> str:
    """Sessions read from Redis and written through to the database, when Redis is there.

    cached_db saves to the database and then to the cache, and logging out deletes both,
    so nothing is lost when Redis restarts. That is only safe when every process reads
    the same cache: with a per-process memory cache, a logout answered by one process
    would leave the session in another process's memory, still logged in there until it
    expires (two weeks). Without REDIS_URL we cannot know that only one process serves
    (`serve` can be started twice on one SQLite file), so sessions stay plain database
    rows: one indexed primary-key read per request.

    (As in any cached_db setup, a request that read the session from the database just
    before a logout in another process may put it back in the cache; the window is that
    one request's few milliseconds, against the two weeks of a per-process cache.)
    """
    if env.get("REDIS_URL", "").strip():
        return "django.contrib.sessions.backends.cached_db"
    return "django.contrib.sessions.backends.db"


def from_environment(base_dir: Path, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    env = os.environ if env is None else env
    data = data_dir(env, base_dir)
    return {
        "DATA_DIR": data,
        "SECRET_KEY": secret_key(env, data),
        "DEBUG": env_bool(env, "HUIFANG_DEBUG", False),
        "ALLOWED_HOSTS": env_list(env, "HUIFANG_ALLOWED_HOSTS", ["127.0.0.1", "localhost"]),
        "DATABASE": database(env, data),
        "HUEY": task_queue(env, data),
        "CACHES": caches(env),
        "SESSION_ENGINE": session_engine(env),
        "LOCKOUT_ATTEMPTS": env_int(env, "HUIFANG_LOCKOUT_ATTEMPTS", 5, minimum=1),
        "LOCKOUT_MINUTES": env_int(env, "HUIFANG_LOCKOUT_MINUTES", 15, minimum=1),
        "HOST": env.get("HUIFANG_HOST", "127.0.0.1"),
        "PORT": env_int(env, "HUIFANG_PORT", 8000, minimum=1),
        "EMBEDDED_WORKER": env_bool(env, "HUIFANG_EMBEDDED_WORKER", True),
    }
