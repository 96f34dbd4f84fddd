"""Background jobs of the workspace: thin adapters around the reminder services."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from huifang.workspace import reminders


@db_periodic_task(crontab(minute="*/5"))
@HUEY.lock_task("workspace-reminders")
def remind_escalate_announce() -> None:
    """Every 5 minutes: remind assignees, escalate overdue follow-ups, announce calls."""
    now = timezone.now()
    reminders.followups_remind(now=now)
    reminders.followups_escalate(now=now)
    reminders.followups_announce(now=now)
