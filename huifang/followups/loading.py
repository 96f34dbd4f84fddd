"""Reads the planner needs, batched per chunk of customers (one query per kind).

The hot reads are plain SQL: at a million customers Django's per-value converters cost
more than the queries, and SQLite, without statistics, would answer `status = 'planned'`
from the (status, scheduled_at) index — a scan of every planned row in the archive for
each chunk. `status || ''` keeps the status test off that index on both databases, so
each chunk reads only its own customers' rows through the customer index.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.db.models import Q

from huifang.customers.models import Customer
from huifang.domain.cadence import PlannedFollowUp, Trigger
from huifang.domain.contact_policy import Channel, Contact
from huifang.followups.events import CONSUMABLES, PurchaseFacts, RelevantPurchases
from huifang.followups.models import FollowUpStatus
from huifang.followups.planner import CustomerRow, ExistingFollowUp


@dataclass(frozen=True)
class Scope:
    """The customers one planning pass covers: an id range (the sweep's chunks) or a list."""

    first: int = 0
    last: int = -1
    ids: tuple[int, ...] = ()

    @classmethod
    def between(cls, first: int, last: int) -> Scope:
        return cls(first=first, last=last)

    @classmethod
    def of(cls, ids: Iterable[int]) -> Scope:
        return cls(ids=tuple(sorted(set(ids))))

    def q(self, field: str = "customer_id") -> Q:
        if self.ids:
            return Q(**{f"{field}__in": self.ids})
        return Q(**{f"{field}__gte": self.first, f"{field}__lte": self.last})

    def sql(self, column: str) -> tuple[str, list[Any]]:
        if self.ids:
            return f"{column} IN ({', '.join(['%s'] * len(self.ids))})", list(self.ids)
        return f"{column} BETWEEN %s AND %s", [self.first, self.last]


def moment(value: datetime | str | None) -> datetime | None:
    """A stored moment as an aware datetime: SQLite hands back naive UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def clock(value: time | str | None) -> time | None:
    if value is None or isinstance(value, time):
        return value
    return time.fromisoformat(value)


def day(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def stored(value: datetime) -> Any:
    """A moment as the database stores it (naive UTC text on SQLite), for plain SQL."""
    return connection.ops.adapt_datetimefield_value(value)


def _rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# Follow-ups a re-plan may drop: nobody has started them, nobody has called about them.
UNTOUCHED = (
    f"(f.status || '' = '{FollowUpStatus.PLANNED}' OR (f.status || '' IN "
    f"('{FollowUpStatus.MERGED}', '{FollowUpStatus.SUPPRESSED}') AND f.due_end > %s)) "
    "AND NOT EXISTS (SELECT 1 FROM followups_contactattempt a WHERE a.followup_id = f.id)"
)
OPEN = f"f.status || '' IN ('{FollowUpStatus.PLANNED}', '{FollowUpStatus.IN_PROGRESS}')"


def scope_customers(scope: Scope) -> list[CustomerRow]:
    """What the planner needs of the scope's customers, by plain SQL (a re-plan reads a
    million)."""
    where, params = scope.sql("c.id")
    rows = _rows(
        "SELECT c.id, c.tier, c.industry, c.preferred_channel, c.preferred_window_start, "
        "c.preferred_window_end, c.refused_channels, c.opted_out, c.contact_level, "
        "c.last_complaint_at, c.owner_id, t.supervisor_id FROM customers_customer c "
        f"LEFT JOIN accounts_team t ON t.id = c.team_id WHERE {where} ORDER BY c.id",
        params,
    )
    return [
        CustomerRow(
            row[0],
            row[1],
            row[2],
            row[3],
            clock(row[4]),
            clock(row[5]),
            _json_list(row[6]),
            bool(row[7]),
            row[8],
            moment(row[9]),
            row[10],
            row[11],
        )
        for row in rows
    ]


def _json_list(value: str | list[str] | None) -> list[str]:
    if not value or value == "[]":
        return []  # most customers refuse nothing: skip the parser
    return json.loads(value) if isinstance(value, str) else value


def locked_customers(scope: Scope) -> list[CustomerRow]:
    lock_customers(scope)
    return scope_customers(scope)


def lock_customers(scope: Scope) -> None:
    """Take the scope's customer row locks (PostgreSQL; SQLite's write lock is the
    transaction's own), as every planner does before it writes."""
    list(Customer.objects.select_for_update(of=("self",)).filter(scope.q("id")).values_list("id"))


def drop_untouched(scope: Scope, now: datetime) -> int:
    """Remove the scope's untouched follow-ups, so a re-plan can plan them afresh."""
    where, params = scope.sql("f.customer_id")
    with connection.cursor() as cursor:
        # SQLite before 3.33 accepts no alias in DELETE; select the ids through one.
        cursor.execute(
            "DELETE FROM followups_followup WHERE id IN (SELECT f.id FROM followups_followup f "
            f"WHERE {where} AND {UNTOUCHED})",
            [*params, stored(now)],
        )
        return int(cursor.rowcount)


EXISTING_COLUMNS = (
    "customer_id, rule_code, step_index, purpose, channel, due_start, due_end, importance, "
    "routine, announce_day_before, source_ref, script, questionnaire, dedupe_key, trigger, "
    "scheduled_at"
)


def _surviving(scope: Scope, dropping: datetime | None) -> tuple[str, list[Any]]:
    """The scope's follow-ups, less those a re-plan at `dropping` is about to remove."""
    where, params = scope.sql("f.customer_id")
    if dropping is None:
        return where, params
    return f"{where} AND NOT ({UNTOUCHED})", [*params, stored(dropping)]


def existing_by_customer(
    scope: Scope, *, dropping: datetime | None = None
) -> dict[int, list[ExistingFollowUp]]:
    """Open follow-ups (planned or in progress) of the scope's customers."""
    where, params = _surviving(scope, dropping)
    result: dict[int, list[ExistingFollowUp]] = defaultdict(list)
    sql = f"SELECT {EXISTING_COLUMNS} FROM followups_followup f WHERE {where} AND {OPEN}"
    rows = _rows(sql, params)
    for (customer_id, rule_code, step, purpose, channel, start, end, importance, routine,
         announce, ref, script, questionnaire, key, trigger, scheduled_at) in rows:  # fmt: skip
        due_start, due_end = moment(start), moment(end)
        assert due_start is not None and due_end is not None
        followup = PlannedFollowUp(
            customer_id=customer_id, rule_code=rule_code, step_index=step, purpose=purpose,
            channel=Channel(channel), due_start=due_start, due_end=due_end,
            importance=importance, routine=bool(routine), announce_day_before=bool(announce),
            source_ref=ref, script=script, questionnaire=questionnaire, dedupe_key=key,
            trigger=Trigger(trigger), anchor=due_start,
        )  # fmt: skip
        result[customer_id].append(ExistingFollowUp(followup, moment(scheduled_at)))
    return result


def contacts_by_customer(scope: Scope, since: datetime) -> dict[int, list[Contact]]:
    where, params = scope.sql("a.customer_id")
    result: dict[int, list[Contact]] = defaultdict(list)
    rows = _rows(
        "SELECT a.customer_id, a.at, a.channel, a.routine FROM followups_contactattempt a "
        f"WHERE {where} AND a.at >= %s",
        [*params, stored(since)],
    )
    for customer_id, at, channel, routine in rows:
        result[customer_id].append(Contact(moment(at), Channel(channel), bool(routine)))  # type: ignore[arg-type]
    return result


def known_keys(scope: Scope, *, dropping: datetime | None = None) -> set[str]:
    """Dedupe keys already taken in the scope: those follow-ups are not planned again."""
    where, params = _surviving(scope, dropping)
    sql = f"SELECT f.dedupe_key FROM followups_followup f WHERE {where}"
    return {key for (key,) in _rows(sql, params)}


def purchase_facts(
    scope: Scope, *, relevant: RelevantPurchases | None = None
) -> dict[int, list[PurchaseFacts]]:
    """The scope's purchases; with `relevant`, only those that can raise an event today.

    A consumable counts when bought since the longest repurchase cycle ago: an older
    latest purchase was due before today, and a newer one makes older ones irrelevant."""
    where, params = scope.sql("p.customer_id")
    if relevant is not None:
        consumables = ", ".join(f"'{c}'" for c in sorted(CONSUMABLES))
        longest = _rows("SELECT MAX(repurchase_cycle_days) FROM customers_product", [])[0][0]
        bought_since = relevant.repurchase_due_since - timedelta(days=longest or 0)
        where += (
            " AND (p.delivered_on >= %s OR p.first_used_on >= %s"
            " OR (p.contract_end_on > %s AND p.contract_end_on <= %s)"
            f" OR (r.product_class IN ({consumables}) AND r.repurchase_cycle_days IS NOT NULL"
            " AND p.purchased_on >= %s))"
        )
        params += [
            relevant.delivered_since, relevant.first_used_since, relevant.contract_ends_after,
            relevant.contract_ends_by, bought_since,
        ]  # fmt: skip
    purchases: dict[int, list[PurchaseFacts]] = defaultdict(list)
    rows = _rows(
        "SELECT p.customer_id, p.id, p.product_id, r.product_class, p.purchased_on, "
        "p.delivered_on, p.first_used_on, p.contract_end_on, r.repurchase_cycle_days "
        "FROM customers_purchase p JOIN customers_product r ON r.id = p.product_id "
        f"WHERE {where}",
        params,
    )
    for customer_id, pk, product, cls, bought, delivered, used, ends, cycle in rows:
        purchased_on = day(bought)
        assert purchased_on is not None
        purchases[customer_id].append(
            PurchaseFacts(
                pk, product, cls, purchased_on, day(delivered), day(used), day(ends), cycle
            )
        )
    return purchases


def first_purchases(scope: Scope) -> dict[int, date]:
    """Each customer's first purchase day (long-term customers are a segment)."""
    where, params = scope.sql("customer_id")
    sql = f"SELECT customer_id, MIN(purchased_on) FROM customers_purchase WHERE {where} GROUP BY 1"
    return {cid: day(first) for cid, first in _rows(sql, params)}  # type: ignore[misc]


def fingerprint(scope: Scope) -> tuple[Any, ...]:
    """What every input of the scope's plan looks like now, in one query: a plan computed
    before another writer touched these customers is computed again (see services)."""
    parts, params = [], []
    # "id + 0": a bare MAX(id) lets both databases walk the primary key backwards from the
    # newest row until one matches the scope, which for early chunks is most of the table.
    for table, column, latest in (
        ("followups_followup", "customer_id", "id + 0"),
        ("followups_planningevent", "customer_id", "id + 0"),
        ("followups_contactattempt", "customer_id", "id + 0"),
        ("customers_purchase", "customer_id", "id + 0"),
        ("customers_customer", "id", "updated_at"),
    ):
        where, values = scope.sql(column)
        parts.append(f"(SELECT COUNT(*) FROM {table} WHERE {where})")
        parts.append(f"(SELECT MAX({latest}) FROM {table} WHERE {where})")
        params.extend(values * 2)
    return tuple(_rows(f"SELECT {', '.join(parts)}", params)[0])
