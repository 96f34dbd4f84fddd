"""Background jobs of the follow-up engine: thin adapters around services."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from huifang.followups import services


@db_periodic_task(crontab(minute="30", hour="1"))
@HUEY.lock_task("followups-sweep")
def nightly_sweep() -> None:
    """Raise the time-triggered follow-ups (renewal, repurchase, care) entering the horizon."""
    services.followups_plan_all(now=timezone.now(), replace=False)


@db_task()
@HUEY.lock_task("followups-replan")
def replan_all() -> None:
    """After rules, calendar or policy changed: re-plan everything not yet started."""
    services.followups_plan_all(now=timezone.now(), replace=True)


@db_task()
def announce_release(
    name: str, product_ids: list[int], released_at: str, note: str, actor_id: int | None
) -> None:
    from datetime import datetime

    from huifang.accounts.models import User

    services.release_announce(
        name=name,
        product_ids=product_ids,
        released_at=datetime.fromisoformat(released_at),
        now=timezone.now(),
        note=note,
        actor=User.objects.filter(pk=actor_id).first() if actor_id else None,
    )


@db_task()
def plan_customers(customer_ids: list[int]) -> None:
    """Plan deliveries, first use and renewals of customers whose purchases changed."""
    for start in range(0, len(customer_ids), 2000):
        services.followups_plan_customers(
            now=timezone.now(), customer_ids=customer_ids[start : start + 2000]
        )
