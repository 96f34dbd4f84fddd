"""Benchmark: the agent queue page under 20 concurrent agents, on a large PostgreSQL archive.

Seeds a throwaway PostgreSQL database with ``manage.py seed_demo --customers N``, bulk-inserts
follow-ups (most of them done or far ahead, a realistic few due today per agent), serves the
site with ``manage.py serve --no-worker`` on a free loopback port, logs 20 clients in as the
demo agents and supervisors (a session each) and has them load ``/workspace/`` (today's
queue in F7 order) twice, each run bounded by a request count and a time limit:

- back to back: every client asks again the moment its page arrives, the server saturated;
- as agents work: every client pauses 1-3 s between pages (``--think 2``), like a person.

Reports p50/p95 latency and requests per second of each run beside the target (p95 within
100 ms), the CPU the server process and the load generator spent per request, and the
machine's load average. The clients share the machine with the server, so they are kept
light: one asyncio loop speaking HTTP/1.1 over kept-alive loopback connections.

    .venv/bin/python bench/agent_queue.py       # 1,000,000 customers, 5,000,000 follow-ups
    .venv/bin/python bench/agent_queue.py --customers 100000 --followups 500000
    .venv/bin/python bench/agent_queue.py --redis redis://127.0.0.1:6379/0   # as scaled out

Without ``--redis`` the server runs as a single host without Redis does (sessions in the
database); with it as the README's scale-out does (sessions read from Redis, written
through to PostgreSQL), under a key prefix of its own that is removed afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import http.cookiejar
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
SERVER = "postgres://postgres@127.0.0.1:5432"
P95_LIMIT_MS = 100.0
PASSWORD = "Huifang@2026"
CALLERS = ("agent", "agent2", "agent3", "agent4", "zhuguan", "zhuguan2")


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], env=env, check=True, cwd=ROOT)


def fresh_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{name}"')


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


def serve(env: dict[str, str], port: int, threads: int) -> subprocess.Popen[bytes]:
    """One web server process (waitress, no task worker) on a loopback port."""
    return subprocess.Popen(
        [PYTHON, str(ROOT / "manage.py"), "serve", "--no-worker", "--host", "127.0.0.1",
         "--port", str(port), "--threads", str(threads)],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def wait_for(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not start on port {port}")


def session_cookie(base: str, username: str) -> str:
    """Logs in through the login form; the Cookie header that carries the session."""
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
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


class Page:
    """One client's kept-alive HTTP/1.1 connection asking for the queue page."""

    def __init__(self, port: int, cookie: str) -> None:
        self.port = port
        self.request = (
            f"GET /workspace/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
            "Accept-Encoding: identity\r\n\r\n"
        ).encode()
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def load(self) -> None:
        """One page, read to its end; fails unless it is the queue."""
        if self.streams is None:
            self.streams = await asyncio.open_connection("127.0.0.1", self.port)
        reader, writer = self.streams
        writer.write(self.request)
        head = await reader.readuntil(b"\r\n\r\n")
        status, *lines = head.decode("latin-1").split("\r\n")
        headers = dict(line.lower().split(": ", 1) for line in lines if ": " in line)
        if headers.get("transfer-encoding") == "chunked":
            body = b""
            while size := int((await reader.readline()).strip(), 16):
                body += await reader.readexactly(size)
                await reader.readline()
            await reader.readline()
        else:
            body = await reader.readexactly(int(headers["content-length"]))
        if headers.get("connection") == "close":
            writer.close()
            self.streams = None
        assert status.split()[1] == "200" and b'id="queue"' in body, status

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()


@dataclass
class Run:
    think: float
    timings: list[float]  # milliseconds, sorted
    elapsed: float
    server_cpu: float  # seconds the server process spent
    client_cpu: float  # seconds this process spent
    load: tuple[float, float, float]  # the load average when the run ended

    def line(self, clients: int) -> str:
        count = len(self.timings)
        p50 = statistics.median(self.timings)
        p95 = self.timings[max(0, int(count * 0.95) - 1)]
        how = "back to back" if not self.think else (
            f"think {self.think * 0.5:g}-{self.think * 1.5:g}s")  # fmt: skip
        verdict = "within" if p95 <= P95_LIMIT_MS else "OVER"
        return (
            f"queue ({how}): {count:,} requests from {clients} clients in {self.elapsed:.1f}s "
            f"= {count / self.elapsed:.0f} req/s; p50={p50:.1f}ms p95={p95:.1f}ms; "
            f"target p95 {P95_LIMIT_MS:.0f}ms -> {verdict} target\n"
            f"    CPU per request: server {self.server_cpu / count * 1000:.1f}ms, "
            f"load generator {self.client_cpu / count * 1000:.1f}ms; load average "
            + " ".join(f"{n:.2f}" for n in self.load)
        )


def process_cpu(pid: int) -> float:
    """Seconds of CPU (user + system) a process has used, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def hammer(
    clients: list[tuple[int, str]],
    server_pids: list[int],
    requests: int,
    seconds: float,
    think: float,
) -> Run:
    """Each client (server port, session cookie) loads the queue page until done."""

    async def run() -> tuple[list[float], float]:
        pages = [Page(port, cookie) for port, cookie in clients]
        await asyncio.gather(*(page.load() for page in pages))  # warm up, not timed
        timings: list[float] = []
        deadline = time.monotonic() + seconds

        async def client(page: Page) -> None:
            for _ in range(requests):
                if time.monotonic() > deadline:
                    break
                started = time.perf_counter()
                await asyncio.wait_for(page.load(), 30)
                timings.append((time.perf_counter() - started) * 1000)
                if think:
                    await asyncio.sleep(think * (0.5 + random.random()))  # not in step

        started = time.perf_counter()
        await asyncio.gather(*(client(page) for page in pages))
        elapsed = time.perf_counter() - started
        for page in pages:
            page.close()
        return timings, elapsed

    def server_cpu() -> float:
        return sum(process_cpu(pid) for pid in server_pids)

    server_before, client_before = server_cpu(), time.process_time()
    timings, elapsed = asyncio.run(run())
    return Run(
        think=think,
        timings=sorted(timings),
        elapsed=elapsed,
        server_cpu=server_cpu() - server_before,
        client_cpu=time.process_time() - client_before,
        load=os.getloadavg(),
    )


def forget_redis_keys(url: str, prefix: str) -> None:
    """Remove what the servers kept in Redis (sessions, counts) under the bench's prefix."""
    import redis

    server = redis.Redis.from_url(url)
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)


def seed(env: dict[str, str], args: argparse.Namespace) -> None:
    fresh_database(args.database)
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
    parser.add_argument("--requests", type=int, default=500, help="per client and run, at most")
    parser.add_argument("--seconds", type=float, default=60, help="time limit of each run")
    parser.add_argument("--threads", type=int, default=8, help="request threads per server")
    parser.add_argument(
        "--servers",
        type=int,
        default=1,
        help="web server processes (one Python process uses one core at most); "
        "the clients are spread over them",
    )
    parser.add_argument(
        "--think",
        type=float,
        default=2.0,
        help="mean seconds each client waits between pages in the second run, spread "
        "±50%% (default 2: 1-3 s, like an agent); 0 skips that run",
    )
    parser.add_argument(
        "--redis", default="", help="REDIS_URL for the server (sessions in Redis); unset: none"
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--database", default="huifang_bench_queue", help="PostgreSQL database")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="load a database kept by an earlier --keep run"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="huifang-bench-") as data:
        env = {
            **os.environ, "HUIFANG_DATA_DIR": data, "DATABASE_URL": f"{SERVER}/{args.database}",
            "DJANGO_SETTINGS_MODULE": "huifang.settings", "HUIFANG_EMBEDDED_WORKER": "0",
        }  # fmt: skip
        env.pop("REDIS_URL", None)
        prefix = f"bench-{args.database}"
        if args.redis:
            env.update({"REDIS_URL": args.redis, "HUIFANG_QUEUE_NAME": prefix})
        os.environ.update({k: env[k] for k in ("HUIFANG_DATA_DIR", "DATABASE_URL")})
        if not args.reuse:
            seed(env, args)
        ports = [free_port() for _ in range(args.servers)]
        servers = [serve(env, port, args.threads) for port in ports]
        try:
            for port in ports:
                wait_for(port)
            # Client n talks to server n mod N, as a load balancer with sticky sessions would.
            clients = [
                (port, session_cookie(f"http://127.0.0.1:{port}", CALLERS[n % len(CALLERS)]))
                for n in range(args.clients)
                for port in [ports[n % len(ports)]]
            ]
            print("load average before the runs: " + " ".join(f"{n:.2f}" for n in os.getloadavg()))
            pids = [server.pid for server in servers]
            runs = [hammer(clients, pids, args.requests, args.seconds, 0.0)]
            if args.think:
                runs.append(hammer(clients, pids, args.requests, args.seconds, args.think))
        finally:
            for server in servers:
                server.terminate()
            for server in servers:
                server.wait(timeout=30)
            if args.redis:
                forget_redis_keys(args.redis, prefix)
        if not args.keep:
            fresh_database(args.database)  # leave nothing large behind

    sessions = f"sessions in Redis ({args.redis})" if args.redis else "sessions in PostgreSQL"
    print(f"{args.servers} server process(es) with {args.threads} threads each; {sessions}")
    for run in runs:
        print(run.line(args.clients))


if __name__ == "__main__":
    main()
