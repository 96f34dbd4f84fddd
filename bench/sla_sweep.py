"""Benchmark: the minute SLA sweep over 100,000 open tickets.

Builds the open tickets with one bulk insert, opened over the last working week so that
about a third are on track, a third at risk and a third breached at NOW; runs the sweep
(claim, escalation, notification and audit rows for every crossing); then runs it again,
which is what every other minute costs. Both are printed beside one plain SQL scan of the
same open rows in the same run: the floor any sweep that reads them must pay.

    .venv/bin/python bench/sla_sweep.py --tickets 100000 --database sqlite
    .venv/bin/python bench/sla_sweep.py --tickets 100000 --database postgres
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 27, 16, 30, tzinfo=SHANGHAI)  # a Friday afternoon
DATABASE = "huifang_bench_sla"


def setup(database: str, data: str) -> None:
    os.environ["HUIFANG_DATA_DIR"] = data
    os.environ.pop("REDIS_URL", None)
    if database == "postgres":
        import psycopg

        with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
            c.execute(f'CREATE DATABASE "{DATABASE}"')
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huifang.settings")
    import django

    django.setup()


def build(tickets: int) -> None:
    """An organisation, 1,000 customers and ``tickets`` open major tickets."""
    from django.db import connection, transaction

    from huifang.accounts.models import Department, Role, Team, User
    from huifang.core.bulk import insert_rows
    from huifang.customers.models import Customer
    from huifang.tickets.clock import thresholds
    from huifang.tickets.models import Ticket
    from huifang.workdays.selectors import working_calendar

    boss = User.objects.create(username="boss", role=Role.SUPERVISOR)
    team = Team.objects.create(name="bench team", supervisor=boss)
    tech = Department.objects.create(name="bench tech", code="tech", head=boss)
    people = [
        User.objects.create(username=f"tech{n}", role=Role.TECHNICIAN, department=tech)
        for n in range(20)
    ]
    customers = Customer.objects.bulk_create(
        [Customer(name=f"客户{n}", team=team) for n in range(1000)]
    )
    calendar = working_calendar()
    response, solution = timedelta(hours=4), timedelta(hours=48)
    # 500 opening moments over the day so far (09:00–16:30, 5.5 working hours): with a 4 h
    # response target some are on track, some at risk, most breached.
    start = datetime(2026, 11, 27, 9, tzinfo=SHANGHAI)
    openings = [calendar.add_working_time(start, timedelta(seconds=39 * n)) for n in range(500)]
    found = {
        o: thresholds(
            calendar, opened_at=o, response_target=response, solution_target=solution,
            pauses=[], ratio=0.75, now=o,
        )
        for o in openings
    }  # fmt: skip
    sqlite = connection.vendor == "sqlite"

    def duration(value: timedelta) -> Any:
        # SQLite keeps a DurationField as microseconds; PostgreSQL as an interval.
        return value // timedelta(microseconds=1) if sqlite else value

    columns = [
        "customer_id", "source", "external_id", "category", "severity", "title",
        "description", "status", "owner_id", "department_id", "opened_at", "response_target",
        "solution_target", "response_risk_at", "response_due_at", "solution_risk_at",
        "solution_due_at", "response_sla", "solution_sla", "paused_working",
        "escalation_level", "solve_round", "reopen_count", "is_repeat", "repeat_count",
        "final_solution",
    ]  # fmt: skip

    def row(n: int) -> tuple[Any, ...]:
        opened = openings[n % len(openings)]
        t = found[opened]
        return (
            customers[n % len(customers)].pk, "phone", "", "quality_fault", "major",
            f"故障 {n}", "设备无法启动", "new", people[n % len(people)].pk, tech.pk, opened,
            duration(response), duration(solution), t.response_risk_at, t.response_due_at,
            t.solution_risk_at, t.solution_due_at, "on_track", "on_track",
            duration(timedelta(0)), 0, 0, 0, False, 1, "",
        )  # fmt: skip

    with transaction.atomic():
        insert_rows(Ticket, columns, (row(n) for n in range(tickets)))


def plain_scan() -> tuple[float, int]:
    """One SQL read of every open ticket's SLA columns: what any sweep must at least do."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, response_sla, response_risk_at, response_due_at, solution_sla, "
            "solution_risk_at, solution_due_at FROM tickets_ticket "
            "WHERE status IN ('new', 'in_progress')"
        )
        rows = len(cursor.fetchall())
    return time.perf_counter() - started, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="huifang-bench-") as data:
        setup(args.database, data)
        from django.core.management import call_command
        from django.db import connection
        from django.db.models import Count

        from huifang.tickets.models import Escalation, Ticket
        from huifang.tickets.services import tickets_sla_sweep

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        build(args.tickets)
        print(f"build  {args.database}: {args.tickets:,} open tickets in "
              f"{time.perf_counter() - started:.1f}s")  # fmt: skip
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

        scan, rows = plain_scan()
        started = time.perf_counter()
        result = tickets_sla_sweep(now=NOW)
        sweep = time.perf_counter() - started
        started = time.perf_counter()
        idle = tickets_sla_sweep(now=NOW)
        quiet = time.perf_counter() - started

        marks = dict(Ticket.objects.values_list("response_sla").annotate(n=Count("id")))
        print(
            f"sweep  {args.database}: {rows:,} open tickets, response marks {marks}, "
            f"escalations={Escalation.objects.count():,} ({result.escalated:,} this run) "
            f"time={sweep:.2f}s; plain SQL scan of the same rows={scan:.3f}s "
            f"(sweep = {sweep / scan:.0f}× the scan)"
        )
        print(
            f"again  {args.database}: next minute, nothing new to escalate "
            f"({idle.escalated} escalations) time={quiet:.3f}s = {quiet / scan:.2f}× the scan"
        )


if __name__ == "__main__":
    main()
