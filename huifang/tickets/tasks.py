"""Background jobs of tickets: thin adapters around services."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from huifang.tickets import services


@db_periodic_task(crontab(minute="*"))
@HUEY.lock_task("tickets-sla-sweep")
def sla_sweep() -> None:
    """Every minute: tickets turning at risk or breached escalate (each step once)."""
    services.tickets_sla_sweep(now=timezone.now())
