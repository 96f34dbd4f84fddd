"""Background jobs of the customer archive. Tasks are thin: they call a service."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

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
