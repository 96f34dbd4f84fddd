"""Reads of the workspace: the day's queue in F7 order, and what sits beside a call."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from huifang.accounts.models import User
from huifang.customers.models import Channel, Customer, Flag, Tier
from huifang.followups.models import FollowUp, FollowUpStatus
from huifang.surveys.models import Answer, Response
from huifang.tickets.models import Ticket

RECENT_REPAIR = timedelta(days=30)
SATISFACTION_MEMORY = timedelta(days=180)
# Follow-ups the user is already working on, listed first; nobody holds more than this.
WORKING = 20
# The day's candidates are read in scheduled order and ranked; overdue ones come first in
# that order anyway, so a cap this size never drops one that would rank high.
CANDIDATES = 150
# The page lists the first 50 in order, and how many more wait below them.
SHOWN = 50
KEY_TIERS = (Tier.VIP, Tier.KEY)


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
        """F7: overdue first, then recent repair, low past satisfaction, VIP/key, due time.
        The queue statement orders by this same key in SQL; a test holds the two together."""
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
    """A row of the queue: why it ranks there, and what the row shows."""

    why: Candidate
    purpose: str
    customer_name: str
    customer_company: str
    customer_tier: str

    @property
    def pk(self) -> int:
        return self.why.pk


@dataclass(frozen=True)
class Queue:
    items: list[QueueItem]  # the first ``limit`` in F7 order
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)


def end_of_today(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return timezone.make_aware(datetime.combine(local.date() + timedelta(days=1), time(0)))


# The queue in one statement: the candidates as before (what the user works on, their own
# planned phone follow-ups up to today, their team's unassigned ones, each walking its own
# index in scheduled order up to its cap), flagged and ranked by F7 in the database, so
# Python only sees the rows it shows. Plain SQL because the ORM cannot limit each part of
# a UNION on SQLite; the table names come from the models.
CANDIDATE_COLUMNS = ("id", "customer_id", "purpose", "scheduled_at", "due_end")
_QUEUE_SQL = """
WITH candidate AS (
    SELECT * FROM (
        SELECT {columns}, 1 AS mine FROM {followup}
        WHERE status = %(in_progress)s AND claimed_by_id = %(user)s
        ORDER BY claimed_at LIMIT {working}
    ) AS working
    UNION ALL
    SELECT * FROM (
        SELECT {columns}, 0 AS mine FROM {followup}
        WHERE owner_id = %(user)s AND status = %(planned)s AND channel = %(phone)s
            AND scheduled_at < %(end)s
        ORDER BY scheduled_at, id LIMIT {candidates}
    ) AS own
    UNION ALL
    SELECT * FROM (
        SELECT {team_columns}, 0 AS mine FROM {followup} f
        JOIN {customer} c ON c.id = f.customer_id
        WHERE f.owner_id IS NULL AND f.status = %(planned)s AND f.channel = %(phone)s
            AND f.scheduled_at < %(end)s AND c.team_id = %(team)s
        ORDER BY f.scheduled_at, f.id LIMIT {candidates}
    ) AS team
), ranked AS (
    SELECT candidate.*,
        c.name AS customer_name, c.company AS customer_company, c.tier AS customer_tier,
        candidate.due_end < %(now)s AS overdue,
        EXISTS (
            SELECT 1 FROM {ticket} t
            WHERE t.customer_id = c.id AND t.solved_at >= %(repair_since)s
        ) AS recent_repair,
        (
            CAST(c.flags AS TEXT) LIKE %(low_flag)s
            OR EXISTS (
                SELECT 1 FROM {answer} a JOIN {response} r ON r.id = a.response_id
                WHERE r.customer_id = c.id AND r.submitted_at >= %(satisfaction_since)s
                    AND ((a.kind = 'csat' AND a.score <= 2) OR (a.kind = 'nps' AND a.score <= 6))
            )
            OR EXISTS (
                SELECT 1 FROM {ticket} t
                WHERE t.customer_id = c.id AND t.satisfaction <= 2
                    AND t.closed_at >= %(satisfaction_since)s
            )
        ) AS low_satisfaction,
        c.tier IN (%(vip)s, %(key)s) AS key_customer
    FROM candidate
    JOIN {customer} c ON c.id = candidate.customer_id
)
SELECT id, customer_id, purpose, scheduled_at, due_end, mine,
    customer_name, customer_company, customer_tier,
    overdue, recent_repair, low_satisfaction, key_customer, COUNT(*) OVER () AS total
FROM ranked
ORDER BY mine DESC, overdue DESC, recent_repair DESC, low_satisfaction DESC,
    key_customer DESC, scheduled_at, id
LIMIT %(limit)s
"""


@functools.cache
def _queue_sql() -> str:
    return _QUEUE_SQL.format(
        followup=FollowUp._meta.db_table,
        customer=Customer._meta.db_table,
        ticket=Ticket._meta.db_table,
        response=Response._meta.db_table,
        answer=Answer._meta.db_table,
        columns=", ".join(CANDIDATE_COLUMNS),
        team_columns=", ".join(f"f.{column}" for column in CANDIDATE_COLUMNS),
        working=WORKING,
        candidates=CANDIDATES,
    )


def _ranked_rows(user: User, now: datetime, limit: int) -> tuple[list[QueueItem], int]:
    """The first ``limit`` of the user's queue in F7 order, and how long the queue is."""
    adapt = connection.ops.adapt_datetimefield_value
    params = {
        "user": user.pk,
        "team": user.team_id,
        "in_progress": FollowUpStatus.IN_PROGRESS.value,
        "planned": FollowUpStatus.PLANNED.value,
        "phone": Channel.PHONE.value,
        "end": adapt(end_of_today(now)),
        "now": adapt(now),
        "repair_since": adapt(now - RECENT_REPAIR),
        "satisfaction_since": adapt(now - SATISFACTION_MEMORY),
        "low_flag": f'%"{Flag.LOW_SATISFACTION.value}"%',
        "vip": Tier.VIP.value,
        "key": Tier.KEY.value,
        "limit": limit,
    }
    with connection.cursor() as cursor:
        cursor.execute(_queue_sql(), params)
        rows = cursor.fetchall()
    # Plain rows rather than models: a fraction of the cost per row. SQLite answers the
    # flags as 0/1 and the times as text in UTC, PostgreSQL as booleans and datetimes.
    return [
        QueueItem(
            why=Candidate(
                pk=pk,
                customer_id=customer_id,
                mine=bool(mine),
                scheduled_at=_aware(scheduled_at),
                due_end=_aware(due_end),
                overdue=bool(overdue),
                recent_repair=bool(recent_repair),
                low_satisfaction=bool(low_satisfaction),
                key_customer=bool(key_customer),
            ),
            purpose=purpose,
            customer_name=customer_name,
            customer_company=customer_company,
            customer_tier=customer_tier,
        )
        for (
            pk, customer_id, purpose, scheduled_at, due_end, mine, customer_name,
            customer_company, customer_tier, overdue, recent_repair, low_satisfaction,
            key_customer, _total,
        ) in rows
    ], (rows[0][-1] if rows else 0)  # fmt: skip


def _aware(value: datetime | str) -> datetime:
    if isinstance(value, str):
        parsed = parse_datetime(value)
        assert parsed is not None, value
        value = parsed
    return value if timezone.is_aware(value) else timezone.make_aware(value, UTC)


def ranked(user: User, now: datetime) -> list[Candidate]:
    """Today's phone follow-ups for the user in F7 order, the ones they work on first."""
    items, _total = _ranked_rows(user, now, WORKING + 2 * CANDIDATES)
    return [item.why for item in items]


def queue_for(user: User, now: datetime, limit: int = SHOWN) -> Queue:
    """The first ``limit`` follow-ups of the user's queue, ready for display."""
    items, total = _ranked_rows(user, now, limit)
    return Queue(items=items, total=total)
