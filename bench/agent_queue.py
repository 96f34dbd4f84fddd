"""Benchmark: the agent queue page under 20 concurrent agents, on a large PostgreSQL archive.

Seeds a throwaway PostgreSQL database with ``manage.py seed_demo --customers N``, bulk-inserts
follow-ups (most of them done or far ahead, a realistic few due today per agent), serves the
site with ``manage.py serve --no-worker`` on a free loopback port, logs 20 clients in as the
demo agents and supervisors, and has them load ``/workspace/`` (today's queue in F7 order)
as fast as they can, bounded by a request count and a time limit. Reports p50/p95 latency
and requests per second beside the target: p95 within 100 ms.

    .venv/bin/python bench/agent_queue.py       # 1,000,000 customers, 5,000,000 follow-ups
    .venv/bin/python bench/agent_queue.py --customers 100000 --followups 500000
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
DATABASE = "huifang_bench_queue"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
P95_LIMIT_MS = 100.0
PASSWORD = "Huifang@2026"
CALLERS = ("agent", "agent2", "agent3", "agent4", "zhuguan", "zhuguan2")


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], env=env, check=True, cwd=ROOT)


def fresh_database() -> None:
    import psycopg

    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{DATABASE}"')


def insert_followups(count: int, now: datetime, seed: int) -> int:
    """Follow-ups spread over two years around now; returns how many are due today."""
    from django.db import connection, transaction

    from huifang.accounts.models import User
    from huifang.core.bulk import insert_rows
    from huifang.customers.models import Customer
    from huifang.followups.models import FollowUp
    from huifang.followups.services import FOLLOWUP_COLUMNS

    owners = list(User.objects.filter(username__in=CALLERS).values_list("id", flat=True))
    low, high = (
        Customer.objects.order_by("id").values_list("id", flat=True)[:1][0],
        (Customer.objects.order_by("-id").values_list("id", flat=True)[:1][0]),
    )
    rng = random.Random(seed)
    due_today = 0
    purposes = ("使用初期满意度回访", "问题解决后回访", "季度关怀", "续约提醒")

    def rows(start: int, stop: int) -> Iterator[tuple[object, ...]]:
        nonlocal due_today
        for n in range(start, stop):
            # Most follow-ups are long done or weeks ahead; about 1 in 400 falls due today.
            offset = timedelta(minutes=rng.randint(-365 * 24 * 60, 365 * 24 * 60))
            if rng.random() < 0.0025:
                offset = timedelta(minutes=rng.randint(-8 * 60, 8 * 60))
                due_today += 1
            at = now + offset
            status = "done" if offset < timedelta(days=-2) else "planned"
            channel = "phone" if rng.random() < 0.7 else rng.choice(("sms", "email", "wechat"))
            yield (
                rng.randint(low, high), "bench", 0, "delivery", f"bench:{n}",
                rng.choice(purposes), channel, at, at + timedelta(hours=8), at,
                rng.randint(20, 80), True, False, "routine_care", "routine_care", status, "",
                "[]", rng.choice(owners), f"bench|{n}", at - timedelta(days=7),
            )  # fmt: skip

    for start in range(0, count, 50_000):
        with transaction.atomic():
            insert_rows(FollowUp, FOLLOWUP_COLUMNS, rows(start, min(start + 50_000, count)))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return due_today


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not start on port {port}")


def logged_in(base: str, username: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, "no CSRF token on the login page"
    data = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    request = urllib.request.Request(
        f"{base}/accounts/login/", data=data, headers={"Referer": f"{base}/accounts/login/"}
    )
    landed = opener.open(request, timeout=30)
    assert "/accounts/login/" not in landed.geturl(), f"{username} could not log in"
    return opener


def hammer(
    base: str, clients: int, requests: int, seconds: float, think: float
) -> tuple[list[float], float]:
    openers = [logged_in(base, CALLERS[n % len(CALLERS)]) for n in range(clients)]
    for opener in openers:  # warm up: first page per client, not timed
        opener.open(f"{base}/workspace/", timeout=30).read()
    timings: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    barrier = threading.Barrier(clients)

    def client(opener: urllib.request.OpenerDirector) -> None:
        barrier.wait()
        mine = []
        for _ in range(requests):
            if time.monotonic() > deadline:
                break
            started = time.perf_counter()
            with opener.open(f"{base}/workspace/", timeout=30) as response:
                body = response.read()
                assert response.status == 200 and b'id="queue"' in body
            mine.append((time.perf_counter() - started) * 1000)
            if think:
                time.sleep(think * (0.5 + random.random()))  # agents do not click in step
        with lock:
            timings.extend(mine)

    threads = [threading.Thread(target=client, args=(o,)) for o in openers]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, time.perf_counter() - started


def seed(env: dict[str, str], args: argparse.Namespace) -> None:
    fresh_database()
    started = time.perf_counter()
    manage(env, "migrate", "--verbosity", "0")
    manage(env, "seed_demo", "--customers", str(args.customers), "--no-progress",
           "--verbosity", "0")  # fmt: skip
    print(f"seed:      {args.customers:,} customers in {time.perf_counter() - started:.0f}s")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huifang.settings")
    import django

    django.setup()
    started = time.perf_counter()
    due_today = insert_followups(args.followups, datetime.now(UTC), args.seed)
    print(f"insert:    {args.followups:,} follow-ups ({due_today:,} due today) in "
          f"{time.perf_counter() - started:.0f}s")  # fmt: skip
    from django.db import connections

    connections.close_all()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--followups", type=int, default=5_000_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=100, help="per client, at most")
    parser.add_argument("--seconds", type=float, default=60, help="time limit for the load")
    parser.add_argument("--threads", type=int, default=8, help="server request threads")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="seconds each client waits between pages (0 = back to back, the server saturated)",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="load a database kept by an earlier --keep run"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="huifang-bench-") as data:
        env = {
            **os.environ, "HUIFANG_DATA_DIR": data, "DATABASE_URL": DATABASE_URL,
            "DJANGO_SETTINGS_MODULE": "huifang.settings", "HUIFANG_EMBEDDED_WORKER": "0",
        }  # fmt: skip
        env.pop("REDIS_URL", None)
        os.environ.update({k: env[k] for k in ("HUIFANG_DATA_DIR", "DATABASE_URL")})
        if not args.reuse:
            seed(env, args)
        port = free_port()
        server = subprocess.Popen(
            [PYTHON, str(ROOT / "manage.py"), "serve", "--no-worker", "--host", "127.0.0.1",
             "--port", str(port), "--threads", str(args.threads)],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_for(port)
            base = f"http://127.0.0.1:{port}"
            timings, elapsed = hammer(base, args.clients, args.requests, args.seconds, args.think)
        finally:
            server.terminate()
            server.wait(timeout=30)
        if not args.keep:
            fresh_database()  # leave nothing large behind

    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    print(
        f"queue:     {len(timings):,} requests from {args.clients} clients "
        f"(think {args.think:g}s) in {elapsed:.1f}s = "
        f"{len(timings) / elapsed:.0f} req/s; p50={p50:.1f}ms p95={p95:.1f}ms; "
        f"target p95 {P95_LIMIT_MS:.0f}ms -> {'within' if p95 <= P95_LIMIT_MS else 'OVER'} target"
    )


if __name__ == "__main__":
    main()
