"""Reads of the workspace: the day's queue in F7 order, and what sits beside a call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from huifang.accounts.models import User
from huifang.customers.models import Channel, Flag, Tier
from huifang.followups.models import FollowUp, FollowUpStatus
from huifang.surveys.models import Answer
from huifang.tickets.models import Ticket

RECENT_REPAIR = timedelta(days=30)
SATISFACTION_MEMORY = timedelta(days=180)
# The day's candidates are read in scheduled order and ranked here; overdue ones come
# first in that order anyway, so a cap this size never drops one that would rank high.
CANDIDATES = 300
KEY_TIERS = (Tier.VIP, Tier.KEY)


@dataclass(frozen=True)
class QueueItem:
    followup: FollowUp
    overdue: bool
    recent_repair: bool
    low_satisfaction: bool
    key_customer: bool

    @property
    def mine(self) -> bool:
        return self.followup.status == FollowUpStatus.IN_PROGRESS

    def rank(self) -> tuple[bool, bool, bool, bool, bool, datetime, int]:
        """F7: overdue first, then recent repair, low past satisfaction, VIP/key, due time."""
        f = self.followup
        return (
            not self.mine,
            not self.overdue,
            not self.recent_repair,
            not self.low_satisfaction,
            not self.key_customer,
            f.scheduled_at or f.due_start,
            f.pk,
        )


def end_of_today(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return timezone.make_aware(datetime.combine(local.date() + timedelta(days=1), time(0)))


def _scope(user: User) -> Q:
    """The user's own follow-ups, and their team's that nobody was assigned."""
    scope = Q(owner=user)
    if user.team_id is not None:
        scope |= Q(owner__isnull=True, customer__team_id=user.team_id)
    return scope


def _low_satisfaction(customer_ids: list[int], now: datetime) -> set[int]:
    since = now - SATISFACTION_MEMORY
    low_answer = Q(kind="csat", score__lte=2) | Q(kind="nps", score__lte=6)
    from_answers = Answer.objects.filter(
        low_answer, response__customer_id__in=customer_ids, response__submitted_at__gte=since
    ).values_list("response__customer_id", flat=True)
    from_tickets = Ticket.objects.filter(
        customer_id__in=customer_ids, satisfaction__lte=2, closed_at__gte=since
    ).values_list("customer_id", flat=True)
    return set(from_answers) | set(from_tickets)


def queue_for(user: User, now: datetime) -> list[QueueItem]:
    """Today's phone follow-ups for the user: those they are working on, then the rest."""
    working = FollowUp.objects.filter(status=FollowUpStatus.IN_PROGRESS, claimed_by=user)
    waiting = FollowUp.objects.filter(
        _scope(user),
        status=FollowUpStatus.PLANNED,
        channel=Channel.PHONE,
        scheduled_at__lt=end_of_today(now),
    ).order_by("scheduled_at", "pk")
    rows = [
        *working.select_related("customer").order_by("claimed_at")[:20],
        *waiting.select_related("customer")[:CANDIDATES],
    ]
    customer_ids = list({f.customer_id for f in rows})
    repaired = set(
        Ticket.objects.filter(
            customer_id__in=customer_ids, solved_at__gte=now - RECENT_REPAIR
        ).values_list("customer_id", flat=True)
    )
    low = _low_satisfaction(customer_ids, now)
    items = [
        QueueItem(
            followup=f,
            overdue=f.due_end < now,
            recent_repair=f.customer_id in repaired,
            low_satisfaction=f.customer_id in low or Flag.LOW_SATISFACTION in f.customer.flags,
            key_customer=f.customer.tier in KEY_TIERS,
        )
        for f in rows
    ]
    items.sort(key=QueueItem.rank)
    return items
