"""The customer's follow-ups on the customer 360 timeline: done, planned and given up."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _

from huifang.accounts.models import User
from huifang.customers.models import Customer
from huifang.customers.timeline import TimelineEntry
from huifang.followups.models import FollowUp, FollowUpStatus

SHOWN = (
    FollowUpStatus.PLANNED,
    FollowUpStatus.IN_PROGRESS,
    FollowUpStatus.DONE,
    FollowUpStatus.CANCELLED,
)


def followup_entries(customer: Customer, user: User) -> Iterable[TimelineEntry]:
    rows = (
        FollowUp.objects.filter(customer=customer, status__in=SHOWN)
        .select_related("owner")
        .order_by("-due_start")[:100]
    )
    for followup in rows:
        at = followup.finished_at or followup.scheduled_at or followup.due_start
        yield TimelineEntry(
            at=at,
            kind="followup",
            title=_("Follow-up: %(purpose)s") % {"purpose": followup.purpose},
            url=reverse("workspace:work", args=[followup.pk]),
            detail=f"{followup.get_channel_display()} · {followup.get_status_display()}"
            + (f" · {followup.owner}" if followup.owner else ""),
        )
