"""Background jobs of surveys: thin adapters around services."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from huifang.surveys import services


@db_periodic_task(crontab(minute="*"))
@HUEY.lock_task("surveys-dispatch-links")
def dispatch_links() -> None:
    """Every minute: SMS, email and WeChat follow-ups that came due get their survey link."""
    services.survey_links_dispatch(now=timezone.now())
