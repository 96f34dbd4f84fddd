"""Background jobs of the customer archive. Tasks are thin: they call a service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from huifang.customers.imports.services import import_job_run


@db_task()
def import_customers(job_id: int) -> None:
    import_job_run(job_id=job_id)


@db_task()
def reclassify_customers(today: str, actor_id: int | None = None) -> None:
    from datetime import date

    from huifang.accounts.models import User
    from huifang.customers.services import customers_reclassify

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    customers_reclassify(today=date.fromisoformat(today), actor=actor)


@db_periodic_task(crontab(hour="2", minute="30"))
def nightly_reclassify() -> None:
    """Flags move with time (a new customer stops being new): reclassify every night, then
    refresh the planner's statistics for search."""
    from django.utils import timezone

    from huifang.customers.services import archive_analyze, customers_reclassify

    customers_reclassify(today=timezone.localdate())
    archive_analyze()
