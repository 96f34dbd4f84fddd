"""Recompute tier, flags and segments of every customer (C4): `recompute_tiers`."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from tqdm import tqdm

from huifang.customers.models import Customer
from huifang.customers.services import customers_reclassify


class Command(BaseCommand):
    help = "Recompute customer tiers, flags and segments from purchases (in bulk, by id range)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=date.fromisoformat, help="day to classify on")
        parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        today: date = options["today"] or timezone.localdate()
        started = time.perf_counter()
        progress = tqdm(
            total=Customer.objects.count(),
            unit="customer",
            disable=options["no_progress"],
            desc="recompute tiers",
        )
        result = customers_reclassify(today=today, progress=progress.update)
        progress.close()
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Classified {result.customers} customers on {today}: {result.changed} changed "
                f"({result.tier_changes} changed tier) in {seconds:.1f} s."
            )
        )
