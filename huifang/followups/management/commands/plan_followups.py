"""Plan follow-ups for every customer: the periodic sweep, or a full re-plan."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from tqdm import tqdm

from huifang.customers.models import Customer
from huifang.followups.services import followups_plan_all


class Command(BaseCommand):
    help = "Plan follow-ups for all customers (--replace re-plans everything not yet started)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--replace", action="store_true", help="full re-plan")
        parser.add_argument("--workers", type=int, default=2, help="processes that compute at once")
        parser.add_argument("--chunk", type=int, default=2000, help="customers per transaction")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        bar = tqdm(total=Customer.objects.count(), unit="customer", disable=options["no_progress"])
        result = followups_plan_all(
            now=timezone.now(),
            replace=options["replace"],
            chunk=options["chunk"],
            workers=options["workers"],
            progress=bar.update,
        )
        bar.close()
        self.stdout.write(
            f"customers={result.customers} events={result.events} planned={result.planned} "
            f"merged={result.merged} suppressed={result.suppressed} removed={result.removed} "
            f"seconds={time.perf_counter() - started:.1f}"
        )
