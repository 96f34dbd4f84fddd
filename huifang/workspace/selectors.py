"""Reads of the workspace: the day's queue in F7 order, and what sits beside a call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

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
# An agent makes about 80 calls a day: the page lists the first 100 in order.
SHOWN = 100
KEY_TIERS = (Tier.VIP, Tier.KEY)
# What the queue shows and ranks by; the rest of a follow-up loads when it is opened.
QUEUE_FIELDS = (
    "customer_id", "purpose", "channel", "status", "scheduled_at", "due_start", "due_end",
    "claimed_by_id", "customer__name", "customer__company", "customer__tier", "customer__flags",
)  # fmt: skip


@dataclass(frozen=True)
class QueueItem:
    followup: FollowUp
    overdue: bool
    recent_repair: bool
    low_satisfaction: bool
    key_customer: bool

    @property
    def badges(self) -> list[tuple[str, str]]:
        """Why this one comes first, as (Bootstrap class, label) pairs."""
        shown = []
        if self.mine:
            shown.append(("text-bg-primary", _("You are on it")))
        if self.overdue:
            shown.append(("text-bg-danger", _("Overdue")))
        if self.recent_repair:
            shown.append(("text-bg-warning", _("Recent repair")))
        if self.low_satisfaction:
            shown.append(("text-bg-warning", _("Low past satisfaction")))
        if self.key_customer:
            shown.append(("text-bg-info", self.followup.customer.get_tier_display()))
        return shown

    @property
    def scheduled_text(self) -> str:
        return _short(self.followup.scheduled_at)

    @property
    def due_text(self) -> str:
        return _short(self.followup.due_end)

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


def _short(at: datetime | None) -> str:
    # Shown in Asia/Shanghai (the site's zone), cheaper than the date filter per row.
    return timezone.localtime(at).strftime("%m-%d %H:%M") if at else ""


def end_of_today(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return timezone.make_aware(datetime.combine(local.date() + timedelta(days=1), time(0)))


def _waiting(user: User, now: datetime) -> list[FollowUp]:
    """The user's own planned phone follow-ups up to today, then their team's unassigned ones.

    Two queries rather than one with OR, so each walks its own index in scheduled order
    (owner, status, scheduled_at) however many follow-ups the archive holds.
    """
    due = (
        FollowUp.objects.filter(
            status=FollowUpStatus.PLANNED, channel=Channel.PHONE, scheduled_at__lt=end_of_today(now)
        )
        .select_related("customer")
        .only(*QUEUE_FIELDS)
        .order_by("scheduled_at", "pk")
    )
    rows = list(due.filter(owner=user)[:CANDIDATES])
    if user.team_id is not None:
        rows += due.filter(owner__isnull=True, customer__team_id=user.team_id)[:CANDIDATES]
    return rows


def _low_satisfaction(customer_ids: list[int], now: datetime) -> set[int]:
    since = now - SATISFACTION_MEMORY
    low_answer = Q(kind="csat", score__lte=2) | Q(kind="nps", score__lte=6)
    from_answers = (
        Answer.objects.filter(
            low_answer, response__customer_id__in=customer_ids, response__submitted_at__gte=since
        )
        .order_by()
        .values_list("response__customer_id", flat=True)
    )
    from_tickets = (
        Ticket.objects.filter(
            customer_id__in=customer_ids, satisfaction__lte=2, closed_at__gte=since
        )
        .order_by()
        .values_list("customer_id", flat=True)
    )
    return set(from_answers) | set(from_tickets)


def queue_for(user: User, now: datetime) -> list[QueueItem]:
    """Today's phone follow-ups for the user: those they are working on, then the rest."""
    working = FollowUp.objects.filter(status=FollowUpStatus.IN_PROGRESS, claimed_by=user)
    rows = [
        *working.select_related("customer").only(*QUEUE_FIELDS).order_by("claimed_at")[:20],
        *_waiting(user, now),
    ]
    if not rows:
        return []
    customer_ids = list({f.customer_id for f in rows})
    repaired = set(
        Ticket.objects.filter(customer_id__in=customer_ids, solved_at__gte=now - RECENT_REPAIR)
        .order_by()
        .values_list("customer_id", flat=True)
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
