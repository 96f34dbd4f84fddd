"""Background delivery: thin adapters around channels.services."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from huifang.channels import services


@db_task()
def deliver(message_id: int) -> None:
    services.message_deliver(message_id=message_id, now=timezone.now())


@db_periodic_task(crontab(minute="*"))
@HUEY.lock_task("channels-deliver-due")
def deliver_due() -> None:
    """Every minute: messages waiting for their next attempt (backoff) are tried again."""
    services.messages_deliver_due(now=timezone.now())
