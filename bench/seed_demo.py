"""Benchmark: generate the demo archive at scale, on SQLite and on PostgreSQL.

Every other benchmark starts from this data, so it must be quick: the limit is
"a million customers with their purchases within a few minutes" (300 s).

    .venv/bin/python bench/seed_demo.py --customers 1000000
    .venv/bin/python bench/seed_demo.py --customers 100000 --database postgres
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT_SECONDS_PER_MILLION = 300.0
POSTGRES_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def run(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - started


def fresh_postgres_database(name: str) -> str:
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    limit = LIMIT_SECONDS_PER_MILLION * max(args.customers, 1) / 1_000_000

    for database in databases:
        with tempfile.TemporaryDirectory(prefix="huifang-bench-") as data:
            env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
            env["HUIFANG_DATA_DIR"] = data
            if database == "postgres":
                env["DATABASE_URL"] = fresh_postgres_database("huifang_bench_seed")
            run(env, "migrate", "--noinput", "-v0")
            seconds = run(
                env,
                "seed_demo",
                "--customers",
                str(args.customers),
                "--today",
                "2026-11-26",
                "--no-progress",
            )
            rate = args.customers / seconds
            verdict = "within" if seconds <= limit else "OVER"
            print(
                f"seed_demo {database:8s} customers={args.customers:>9,d} "
                f"time={seconds:7.1f}s rate={rate:9,.0f} customers/s "
                f"limit={limit:.0f}s -> {verdict} limit"
            )


if __name__ == "__main__":
    main()
