"""Reads of the workspace: the day's queue in F7 order, and what sits beside a call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from huifang.accounts.models import User
from huifang.customers.models import Channel, Customer, Flag, Tier
from huifang.followups.models import FollowUp, FollowUpStatus
from huifang.surveys.models import Answer
from huifang.tickets.models import Ticket

RECENT_REPAIR = timedelta(days=30)
SATISFACTION_MEMORY = timedelta(days=180)
# The day's candidates are read in scheduled order and ranked here; overdue ones come
# first in that order anyway, so a cap this size never drops one that would rank high.
CANDIDATES = 150
# The page lists the first 50 in order, and how many more wait below them.
SHOWN = 50
KEY_TIERS = (Tier.VIP, Tier.KEY)
# What the queue shows and ranks by; the rest of a follow-up loads when it is opened.
QUEUE_FIELDS = (
    "customer_id", "purpose", "channel", "status", "scheduled_at", "due_start", "due_end",
    "claimed_by_id", "customer__name", "customer__company", "customer__tier", "customer__flags",
)  # fmt: skip


@dataclass(frozen=True)
class Candidate:
    """What ranking needs of a follow-up; plain values, cheap to read by the hundred."""

    pk: int
    customer_id: int
    mine: bool
    scheduled_at: datetime
    due_end: datetime
    overdue: bool
    recent_repair: bool
    low_satisfaction: bool
    key_customer: bool

    def rank(self) -> tuple[bool, bool, bool, bool, bool, datetime, int]:
        """F7: overdue first, then recent repair, low past satisfaction, VIP/key, due time."""
        return (
            not self.mine,
            not self.overdue,
            not self.recent_repair,
            not self.low_satisfaction,
            not self.key_customer,
            self.scheduled_at,
            self.pk,
        )


@dataclass(frozen=True)
class QueueItem:
    followup: FollowUp
    why: Candidate

    @property
    def overdue(self) -> bool:
        return self.why.overdue

    @property
    def mine(self) -> bool:
        return self.why.mine

    @property
    def badges(self) -> list[tuple[str, str]]:
        """Why this one comes first, as (Bootstrap class, label) pairs."""
        why, shown = self.why, []
        if why.mine:
            shown.append(("text-bg-primary", _("You are on it")))
        if why.overdue:
            shown.append(("text-bg-danger", _("Overdue")))
        if why.recent_repair:
            shown.append(("text-bg-warning", _("Recent repair")))
        if why.low_satisfaction:
            shown.append(("text-bg-warning", _("Low past satisfaction")))
        if why.key_customer:
            shown.append(("text-bg-info", self.followup.customer.get_tier_display()))
        return shown

    @property
    def scheduled_text(self) -> str:
        return _short(self.followup.scheduled_at)

    @property
    def due_text(self) -> str:
        return _short(self.followup.due_end)


@dataclass(frozen=True)
class Queue:
    items: list[QueueItem]  # the first ``limit`` in F7 order
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)


def _short(at: datetime | None) -> str:
    # Shown in Asia/Shanghai (the site's zone), cheaper than the date filter per row.
    return timezone.localtime(at).strftime("%m-%d %H:%M") if at else ""


def end_of_today(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return timezone.make_aware(datetime.combine(local.date() + timedelta(days=1), time(0)))


ROW = ("pk", "customer_id", "status", "scheduled_at", "due_end", "customer__tier",
       "customer__flags")  # fmt: skip
Row = tuple[int, int, str, datetime, datetime, str, list[str]]


def _rows(user: User, now: datetime) -> list[Row]:
    """Follow-ups the user works on, their own planned phone follow-ups up to today, then
    their team's unassigned ones. Separate queries rather than one with OR, so each walks
    its own index in scheduled order (owner, status, scheduled_at) however big the archive.
    """
    working = FollowUp.objects.filter(status=FollowUpStatus.IN_PROGRESS, claimed_by=user)
    due = FollowUp.objects.filter(
        status=FollowUpStatus.PLANNED, channel=Channel.PHONE, scheduled_at__lt=end_of_today(now)
    ).order_by("scheduled_at", "pk")
    rows: list[Row] = [
        *working.order_by("claimed_at").values_list(*ROW)[:20],
        *due.filter(owner=user).values_list(*ROW)[:CANDIDATES],
    ]
    if user.team_id is not None:
        unassigned = due.filter(owner__isnull=True, customer__team_id=user.team_id)
        rows += unassigned.values_list(*ROW)[:CANDIDATES]
    return rows


def _flags(customer_ids: list[int], now: datetime) -> dict[int, tuple[bool, bool]]:
    """(recent repair, low past satisfaction) per customer, in one query: the database
    answers each with an indexed look-up per customer."""
    customer = OuterRef("pk")
    since = now - SATISFACTION_MEMORY
    low_score = Q(kind="csat", score__lte=2) | Q(kind="nps", score__lte=6)
    rows = (
        Customer.objects.filter(pk__in=customer_ids)
        .annotate(
            repaired=Exists(
                Ticket.objects.filter(customer_id=customer, solved_at__gte=now - RECENT_REPAIR)
            ),
            low_answer=Exists(
                Answer.objects.filter(
                    low_score, response__customer_id=customer, response__submitted_at__gte=since
                )
            ),
            low_ticket=Exists(
                Ticket.objects.filter(
                    customer_id=customer, satisfaction__lte=2, closed_at__gte=since
                )
            ),
        )
        .order_by()
        .values_list("pk", "repaired", "low_answer", "low_ticket")
    )
    return {
        pk: (repaired, low_answer or low_ticket) for pk, repaired, low_answer, low_ticket in rows
    }


def ranked(user: User, now: datetime) -> list[Candidate]:
    """Today's phone follow-ups for the user in F7 order, the ones they work on first."""
    rows = _rows(user, now)
    if not rows:
        return []
    flags = _flags(list({row[1] for row in rows}), now)
    candidates = []
    for pk, customer_id, status, scheduled_at, due_end, tier, customer_flags in rows:
        repaired, unhappy = flags.get(customer_id, (False, False))
        candidates.append(
            Candidate(
                pk=pk,
                customer_id=customer_id,
                mine=status == FollowUpStatus.IN_PROGRESS,
                scheduled_at=scheduled_at,
                due_end=due_end,
                overdue=due_end < now,
                recent_repair=repaired,
                low_satisfaction=unhappy or Flag.LOW_SATISFACTION in (customer_flags or ()),
                key_customer=tier in KEY_TIERS,
            )
        )
    candidates.sort(key=Candidate.rank)
    return candidates


def queue_for(user: User, now: datetime, limit: int = SHOWN) -> Queue:
    """The first ``limit`` follow-ups of the user's queue, loaded for display."""
    order = ranked(user, now)
    top = order[:limit]
    loaded = (
        FollowUp.objects.select_related("customer").only(*QUEUE_FIELDS).in_bulk([c.pk for c in top])
    )
    items = [QueueItem(loaded[c.pk], c) for c in top if c.pk in loaded]
    return Queue(items=items, total=len(order))
