"""Benchmark: finding customers in an archive of a million, on SQLite and on PostgreSQL.

Builds its own archive with `seed_demo` in a throwaway data folder (or a throwaway
PostgreSQL database), then times the customer list's search the way the page runs it
(one page of 50 by keyset, the capped count, contacts and tags) for several kinds of
query, each with many different search terms taken from the data. Prints p50/p95 per kind
beside the limit: 100 ms.

    .venv/bin/python bench/customer_search.py --customers 1000000
    .venv/bin/python bench/customer_search.py --customers 1000000 --database postgres
    .venv/bin/python bench/customer_search.py --data-dir /tmp/archive   # reuse a seeded folder
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from seed_demo import fresh_postgres_database  # noqa: E402  (a sibling script)
from seed_demo import run as manage  # noqa: E402

LIMIT_MS = 100.0
TODAY = "2026-11-26"


def build(env: dict[str, str], customers: int) -> None:
    manage(env, "migrate", "--noinput", "-v0")
    seconds = manage(
        env, "seed_demo", "--customers", str(customers), "--today", TODAY, "--no-progress"
    )
    print(f"  seeded {customers:,d} customers in {seconds:.0f} s", flush=True)


def measure(queries: int, seed: int) -> None:
    """Runs inside a process whose environment points at the archive."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huifang.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.db import connection

    from huifang.accounts.models import User
    from huifang.customers.models import Contact, Customer
    from huifang.customers.phones import display_phone
    from huifang.customers.selectors import CustomerFilters, customer_search

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    rng = random.Random(seed)
    top = Customer.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    sample: list[tuple[int, str, str, str]] = []
    while len(sample) < queries:
        row = (
            Customer.objects.filter(pk__gte=rng.randint(1, top))
            .order_by("pk")
            .values_list("pk", "name", "name_initials", "company_key")
            .first()
        )
        if row:
            sample.append(row)
    phones = dict(
        Contact.objects.filter(customer_id__in=[row[0] for row in sample]).values_list(
            "customer_id", "phone"
        )
    )
    supervisor = User.objects.get(username="zhuguan")
    agent = User.objects.get(username="agent")
    kinds: dict[str, list[tuple[User, CustomerFilters, dict[str, Any]]]] = {
        "name (prefix, 2 chars)": [(supervisor, CustomerFilters(q=r[1][:2]), {}) for r in sample],
        "pinyin initials": [(supervisor, CustomerFilters(q=r[2]), {}) for r in sample],
        "phone last 4": [(supervisor, CustomerFilters(q=phones[r[0]][-4:]), {}) for r in sample],
        "phone, as typed": [
            (supervisor, CustomerFilters(q=display_phone(phones[r[0]])), {}) for r in sample
        ],
        "company (trade name)": [(supervisor, CustomerFilters(q=r[3][:2]), {}) for r in sample],
        "agent: pinyin initials": [(agent, CustomerFilters(q=r[2]), {}) for r in sample],
        "filter: VIP, page 20": [(supervisor, CustomerFilters(tier="vip"), {"deep": 20})] * 5,
        "no filter, page 200": [(supervisor, CustomerFilters(), {"deep": 200})] * 5,
    }

    def run(user: User, filters: CustomerFilters, options: dict[str, Any]) -> float:
        after = None
        if options.get("deep"):
            # Walk to the page (not timed), then time the deep page itself.
            for _ in range(options["deep"] - 1):
                after = customer_search(user=user, filters=filters, after=after).next_after
        started = time.perf_counter()
        page = customer_search(user=user, filters=filters, after=after)
        for customer in page.customers:
            list(customer.contacts.all())
        return (time.perf_counter() - started) * 1000

    print(f"  {'query':26s} {'n':>4s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s}  limit")
    for kind, cases in kinds.items():
        run(*cases[0])  # warm the cache for this kind
        timings = sorted(run(*case) for case in cases)
        p50 = statistics.median(timings)
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        verdict = "within" if p95 <= LIMIT_MS else "OVER"
        print(
            f"  {kind:26s} {len(timings):4d} {p50:8.1f} {p95:8.1f} {timings[-1]:8.1f}"
            f"  p95 {verdict} {LIMIT_MS:.0f} ms",
            flush=True,
        )


def child(env: dict[str, str], queries: int) -> None:
    subprocess.run(
        [sys.executable, __file__, "--measure", "--queries", str(queries)],
        cwd=ROOT,
        env=env,
        check=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--queries", type=int, default=40, help="search terms per kind")
    parser.add_argument("--data-dir", help="an already seeded SQLite data folder to reuse")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.queries, seed=7)
        return
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    if args.data_dir:
        print(f"customer search, SQLite archive in {args.data_dir}")
        child({**base, "HUIFANG_DATA_DIR": args.data_dir}, args.queries)
        return
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    for database in databases:
        with tempfile.TemporaryDirectory(prefix="huifang-bench-") as data:
            env = {**base, "HUIFANG_DATA_DIR": data}
            if database == "postgres":
                env["DATABASE_URL"] = fresh_postgres_database("huifang_bench_search")
            print(f"customer search, {database}, {args.customers:,d} customers")
            build(env, args.customers)
            child(env, args.queries)


if __name__ == "__main__":
    main()
