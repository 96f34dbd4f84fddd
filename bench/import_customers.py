"""Benchmark: import a 100,000-row .xlsx into an empty archive and into one of a million.

Builds everything itself: the workbook (realistic and untidy: phones written five ways,
full-width digits, dates as date cells, as text and as Excel serial numbers, repeated
customers, bad rows, customers already on file) and the archives (`seed_demo` into a
throwaway data folder, or a throwaway PostgreSQL database). Prints, for each archive, the
time to import (upload, map and run, until the job shows as done) beside the time to
merely read the same file in the same run, and the limit: 100,000 rows within 15 s.

    .venv/bin/python bench/import_customers.py
    .venv/bin/python bench/import_customers.py --rows 100000 --customers 1000000 --database sqlite
    .venv/bin/python bench/import_customers.py --archive /tmp/seeded   # copy a seeded folder
    .venv/bin/python bench/import_customers.py --repeat 5   # five runs each, and their median
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from seed_demo import fresh_postgres_database  # noqa: E402  (a sibling script)
from seed_demo import run as manage  # noqa: E402

LIMIT_SECONDS_PER_100K = 15.0
TODAY = date(2026, 11, 26)
NEW_CUSTOMERS_FROM = 5_000_000  # demo indexes far above any seeded archive: new people
HEADINGS = [
    "客户姓名",
    "公司名称",
    "手机号码",
    "邮箱",
    "省份",
    "城市",
    "行业",
    "标签",
    "负责人",
    "产品编码",
    "购买日期",
    "订单金额",
    "交付日期",
]


def phone_as_typed(e164: str, way: int) -> object:
    national = e164[3:]
    if way == 0:
        return national
    if way == 1:
        return f"{national[:3]}-{national[3:7]}-{national[7:]}"
    if way == 2:  # full-width digits, as pasted from a Chinese web form
        return "".join(chr(ord(c) + 0xFEE0) for c in national)
    if way == 3:
        return f"+86 {national[:3]} {national[3:7]} {national[7:]}"
    return int(national)  # a number cell


def write_workbook(path: Path, rows: int, seeded: int) -> dict[str, int]:
    sys.path.insert(0, str(ROOT))
    from openpyxl import Workbook

    from huifang.customers import demo_data

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("客户")
    sheet.append(["2026 年客户与订单导出"])
    sheet.append(HEADINGS)
    skus = [p.sku for p in demo_data.products()]
    planned = {"on file": 0, "repeated": 0, "bad": 0}
    previous: list[object] = []
    for i in range(rows):
        index = NEW_CUSTOMERS_FROM + i
        if seeded and i % 100 == 7:  # 1 % are customers already in the archive
            index = 1 + (i * 7919) % seeded
            planned["on file"] += 1
        person = demo_data.customer(index, seed=42, today=TODAY)
        bought = TODAY - timedelta(days=(i * 37) % 700)
        when: object = (
            bought
            if i % 3 == 0
            else bought.strftime("%Y/%m/%d")
            if i % 3 == 1
            else (bought - date(1899, 12, 30)).days
        )
        row: list[object] = [
            person.name,
            person.company,
            phone_as_typed(person.phone, i % 5),
            person.email,
            person.region,
            person.city,
            person.industry,
            "展会" if i % 4 == 0 else "",
            "agent" if i % 2 else "刘洋",
            skus[i % len(skus)],
            when,
            f"¥{(i % 90 + 1) * 100:,}",
            (bought + timedelta(days=3)).isoformat() if i % 2 else "",
        ]
        if i % 50 == 49 and previous:  # the same customer again, another order
            row[:3] = previous[:3]
            planned["repeated"] += 1
        elif i % 200 == 101:
            row[2] = "1381234567"  # ten digits
            planned["bad"] += 1
        elif i % 200 == 151:
            row[0] = ""  # no name
            planned["bad"] += 1
        sheet.append(row)
        previous = row
    workbook.save(path)
    return planned


def measure(path: str) -> None:
    """Runs inside a process whose environment points at the archive."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huifang.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from huifang.accounts.models import User
    from huifang.customers.imports import services
    from huifang.customers.imports.reader import read_table
    from huifang.customers.models import Customer

    started = time.perf_counter()
    table = read_table(path, "bench.xlsx")
    read_seconds = time.perf_counter() - started
    rows = len(table.rows)
    del table
    before = Customer.objects.count()
    admin = User.objects.get(username="admin")
    upload = SimpleUploadedFile("bench.xlsx", Path(path).read_bytes())
    started_at = time.time()
    started = time.perf_counter()
    job = services.import_job_create(actor=admin, upload=upload, duplicate_policy="merge")
    services.import_job_map(job=job, mapping=job.mapping)
    job = services.import_job_run(job_id=job.pk)
    returned_seconds = time.perf_counter() - started
    # The user sees the summary once the job is done; the run then copies SQLite's
    # write-ahead log back into the database file, which nobody waits for.
    assert job.finished_at is not None
    import_seconds = job.finished_at.timestamp() - started_at
    print(
        json.dumps(
            {
                "rows": rows,
                "read": read_seconds,
                "import": import_seconds,
                "returned": returned_seconds,
                "status": job.status,
                "failure": job.failure,
                "counts": job.counts(),
                "customers_before": before,
                "customers_after": Customer.objects.count(),
            }
        )
    )


def run_case(env: dict[str, str], workbook: Path) -> dict[str, Any]:
    output = subprocess.run(
        [sys.executable, __file__, "--measure", str(workbook)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def report(label: str, result: dict[str, Any], rows: int) -> None:
    limit = LIMIT_SECONDS_PER_100K * rows / 100_000
    verdict = "within" if result["import"] <= limit else "OVER"
    counts = ", ".join(f"{k} {v:,}" for k, v in result["counts"].items())
    print(
        f"  {label:34s} import {result['import']:6.1f} s  (reading alone {result['read']:4.1f} s,"
        f" x{result['import'] / result['read']:.1f})  {result['rows'] / result['import']:7,.0f}"
        f" rows/s  limit {limit:.0f} s -> {verdict} limit  [load {os.getloadavg()[0]:.1f}]",
        flush=True,
    )
    after = "SQLite's log written back, memory freed" if "sqlite" in label else "memory freed"
    print(
        f"  {'':34s} done after {result['import']:.1f} s; the run returned after"
        f" {result['returned']:.1f} s ({after})",
        flush=True,
    )
    print(
        f"  {'':34s} {result['status']}: {counts}; customers "
        f"{result['customers_before']:,} -> {result['customers_after']:,}"
        + (f"; {result['failure']}" if result["failure"] else ""),
        flush=True,
    )


def summarize(label: str, results: list[dict[str, Any]], rows: int) -> None:
    if len(results) < 2:
        return
    times = sorted(r["import"] for r in results)
    reads = sorted(r["read"] for r in results)
    limit = LIMIT_SECONDS_PER_100K * rows / 100_000
    median = statistics.median(times)
    print(
        f"  {label:34s} median {median:.1f} s of {len(times)} runs ({times[0]:.1f}–{times[-1]:.1f}"
        f" s), reading alone median {statistics.median(reads):.1f} s;"
        f" limit {limit:.0f} s -> {'within' if median <= limit else 'OVER'} limit",
        flush=True,
    )


def prepare_sqlite(
    template: Path, customers: int, archive: str | None, base: dict[str, str]
) -> None:
    """A seeded SQLite data folder, copied for every run."""
    env = {**base, "HUIFANG_DATA_DIR": str(template)}
    if customers and archive:
        shutil.copy(Path(archive) / "huifang.sqlite3", template)
        manage(env, "migrate", "--noinput", "-v0")
        return
    manage(env, "migrate", "--noinput", "-v0")
    seconds = manage(
        env, "seed_demo", "--customers", str(customers), "--today", TODAY.isoformat(),
        "--no-progress",
    )  # fmt: skip
    if customers:
        print(f"  (seeded {customers:,d} customers in {seconds:.0f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=1_000_000, help="the large archive")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--archive", help="a seeded SQLite data folder to copy instead of seeding")
    parser.add_argument("--repeat", type=int, default=1, help="runs per archive (median shown)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    with tempfile.TemporaryDirectory(prefix="huifang-bench-file-") as folder:
        workbook = Path(folder) / "customers.xlsx"
        started = time.perf_counter()
        planned = write_workbook(workbook, args.rows, args.customers)
        print(
            f"workbook: {args.rows:,d} rows, {workbook.stat().st_size / 1e6:.1f} MB, written in "
            f"{time.perf_counter() - started:.0f} s; planned: "
            + ", ".join(f"{k} {v:,}" for k, v in planned.items())
        )
        for database in databases:
            for customers in (0, args.customers):
                label = f"{database}, archive of {customers:,d}"
                if database == "postgres":  # seeded afresh for every run
                    results = []
                    for _ in range(args.repeat):
                        with tempfile.TemporaryDirectory(prefix="huifang-bench-") as data:
                            env = {**base, "HUIFANG_DATA_DIR": data}
                            env["DATABASE_URL"] = fresh_postgres_database("huifang_bench_import")
                            manage(env, "migrate", "--noinput", "-v0")
                            manage(env, "seed_demo", "--customers", str(customers),
                                   "--today", TODAY.isoformat(), "--no-progress")  # fmt: skip
                            results.append(run_case(env, workbook))
                            report(label, results[-1], args.rows)
                    summarize(label, results, args.rows)
                    continue
                with tempfile.TemporaryDirectory(prefix="huifang-bench-seeded-") as template:
                    prepare_sqlite(Path(template), customers, args.archive, base)
                    results = []
                    for _ in range(args.repeat):
                        with tempfile.TemporaryDirectory(prefix="huifang-bench-") as data:
                            for name in ("huifang.sqlite3", "secret_key"):
                                if (Path(template) / name).exists():
                                    shutil.copy(Path(template) / name, data)
                            # The copy is on disk before the clock starts: the import's
                            # first sync must not also write out a gigabyte it never wrote.
                            os.sync()
                            env = {**base, "HUIFANG_DATA_DIR": data}
                            results.append(run_case(env, workbook))
                            report(label, results[-1], args.rows)
                    summarize(label, results, args.rows)


if __name__ == "__main__":
    main()
