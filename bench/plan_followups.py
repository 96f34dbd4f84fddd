"""Benchmark: full re-plan of the demo archive, and planning one incoming event.

Targets (issue 3): full re-plan of 1,000,000 customers within 60 s on this 2-core
machine; one incoming event planned within 50 ms. The full re-plan is reported beside the
raw bulk-insert time of the same number of follow-up rows into the same database in the
same run (the floor any planner writing those rows must pay).

    .venv/bin/python bench/plan_followups.py --customers 1000000 --database sqlite
    .venv/bin/python bench/plan_followups.py --customers 1000000 --database postgres --workers 2
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
NOW = datetime(2026, 11, 26, 8, tzinfo=ZoneInfo("Asia/Shanghai"))
PLAN_LIMIT_PER_MILLION = 60.0
EVENT_LIMIT_MS = 50.0


def setup(database: str, data: str) -> None:
    os.environ["HUIFANG_DATA_DIR"] = data
    os.environ.pop("REDIS_URL", None)
    if database == "postgres":
        import psycopg

        with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
            c.execute('DROP DATABASE IF EXISTS "huifang_bench_plan"')
            c.execute('CREATE DATABASE "huifang_bench_plan"')
        os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/huifang_bench_plan"
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huifang.settings")
    import django

    django.setup()


def raw_insert_seconds(rows: int) -> float:
    """Insert `rows` plain follow-up rows with the same bulk path, then remove them."""
    from django.db import transaction

    from huifang.core.bulk import insert_rows
    from huifang.followups.models import FollowUp
    from huifang.followups.services import FOLLOWUP_COLUMNS

    def values(n: int) -> tuple[object, ...]:
        return (
            1 + n % 1000, "bench", 0, "delivery", f"bench:{n}", "首次回访", "phone", NOW, NOW,
            NOW, 50, False, False, "", "", "planned", "", "[]", None, f"bench|{n}", NOW,
        )  # fmt: skip

    started = time.perf_counter()
    for start in range(0, rows, 2000):
        with transaction.atomic():
            insert_rows(
                FollowUp,
                FOLLOWUP_COLUMNS,
                (values(n) for n in range(start, min(start + 2000, rows))),
                ignore_conflicts_on="dedupe_key",
            )
    seconds = time.perf_counter() - started
    bench_rows = FollowUp.objects.filter(rule_code="bench")
    bench_rows._raw_delete(bench_rows.db)  # nothing refers to these rows
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--no-repeat", action="store_true", help="skip the second re-plan")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="huifang-bench-") as data:
        setup(args.database, data)
        from django.core.management import call_command

        from huifang.customers.models import Customer
        from huifang.followups.models import FollowUp
        from huifang.followups.services import event_receive, followups_plan_all

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        call_command(
            "seed_demo", customers=args.customers, today=NOW.date(), no_progress=True, verbosity=0
        )
        print(f"seed     {args.database}: {args.customers:,} customers in "
              f"{time.perf_counter() - started:.1f}s")  # fmt: skip

        started = time.perf_counter()
        result = followups_plan_all(now=NOW, replace=True, workers=args.workers)
        plan_seconds = time.perf_counter() - started
        rows = FollowUp.objects.count()
        print(f"re-plan  {args.database}: {plan_seconds:.1f}s for {rows:,} rows", flush=True)
        raw = raw_insert_seconds(rows)
        limit = PLAN_LIMIT_PER_MILLION * args.customers / 1_000_000
        print(
            f"re-plan  {args.database}: customers={result.customers:,} events={result.events:,} "
            f"rows={rows:,} (planned={result.planned:,} merged={result.merged:,} "
            f"suppressed={result.suppressed:,}) workers={args.workers} time={plan_seconds:.1f}s; "
            f"raw insert of {rows:,} rows={raw:.1f}s; target {limit:.0f}s -> "
            f"{'within' if plan_seconds <= limit else 'OVER'} target"
        )

        started = time.perf_counter()
        again = (
            result
            if args.no_repeat
            else followups_plan_all(now=NOW, replace=True, workers=args.workers)
        )
        print(f"re-plan2 {args.database}: same plan again in {time.perf_counter() - started:.1f}s "
              f"(planned={again.planned:,})")  # fmt: skip

        ids = list(Customer.objects.order_by("?").values_list("id", flat=True)[: args.events])
        timings = []
        for n, customer_id in enumerate(ids):
            started = time.perf_counter()
            event_receive(
                source_ref=f"bench-ticket:{n}", trigger="ticket_solved", customer_id=customer_id,
                occurred_at=NOW, now=NOW, problem_nature="urgent_fault",
            )  # fmt: skip
            timings.append((time.perf_counter() - started) * 1000)
        p50 = statistics.median(timings)
        p95 = sorted(timings)[int(len(timings) * 0.95) - 1]
        print(
            f"event    {args.database}: {len(timings)} ticket-solved events, p50={p50:.1f}ms "
            f"p95={p95:.1f}ms; limit {EVENT_LIMIT_MS:.0f}ms -> "
            f"{'within' if p95 <= EVENT_LIMIT_MS else 'OVER'} limit"
        )


if __name__ == "__main__":
    main()
