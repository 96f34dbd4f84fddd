"""Writes of the follow-up engine: receive events, plan, sweep and re-plan.

Planning for one customer always happens under that customer's row lock (SELECT … FOR
UPDATE on PostgreSQL; SQLite transactions here are IMMEDIATE and so serialised), and
every follow-up row has a unique dedupe key: several workers planning the same events
cannot create a duplicate or lose one.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction

from huifang.accounts.models import User
from huifang.core.bulk import insert_rows, use_large_cache
from huifang.customers.models import Customer, Purchase
from huifang.domain.cadence import Event, Trigger
from huifang.domain.calendar import WorkingCalendar
from huifang.followups.context import PlanContext, load_context
from huifang.followups.events import (
    CustomerFacts,
    customer_events,
    customer_segments,
    relevant_purchases,
)
from huifang.followups.loading import (
    Scope,
    contacts_by_customer,
    drop_untouched,
    existing_by_customer,
    fingerprint,
    first_purchases,
    known_keys,
    lock_customers,
    locked_customers,
    purchase_facts,
    scope_customers,
)
from huifang.followups.models import (
    FeatureRelease,
    FollowUp,
    FollowUpStatus,
    PlanningEvent,
)
from huifang.followups.planner import (
    CustomerRow,
    PlannedRow,
    channel_of,
    history_since,
    longest_chain,
    plan_customer,
    reasons_json,
    wanted_followups,
)


class PlanningError(ValueError):
    """An event the planner cannot accept, with a message a person can act on."""


@dataclass
class PlanResult:
    customers: int = 0
    events: int = 0
    removed: int = 0
    by_status: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def planned(self) -> int:
        return self.by_status[FollowUpStatus.PLANNED]

    @property
    def merged(self) -> int:
        return self.by_status[FollowUpStatus.MERGED]

    @property
    def suppressed(self) -> int:
        return self.by_status[FollowUpStatus.SUPPRESSED]

    def absorb(self, other: PlanResult) -> None:
        self.customers += other.customers
        self.events += other.events
        self.removed += other.removed
        for status, count in other.by_status.items():
            self.by_status[status] += count


FOLLOWUP_COLUMNS = (
    "customer_id", "rule_code", "step_index", "trigger", "source_ref", "purpose", "channel",
    "due_start", "due_end", "scheduled_at", "importance", "routine", "announce_day_before",
    "script", "questionnaire", "status", "merged_into_key", "reasons", "owner_id",
    "dedupe_key", "planned_at",
)  # fmt: skip


def _write(rows: Iterable[PlannedRow], now: datetime, calendar: WorkingCalendar) -> None:
    # Remembered placements share one reasons tuple among many customers: encode it once
    # per tuple and year (the year decides the calendar_unknown note). The rows keep the
    # tuples alive until the insert is done, so their ids stay theirs.
    encoded: dict[tuple[int, int | None], str] = {}

    def values(row: PlannedRow) -> tuple[object, ...]:
        f, adjustment = row.followup, row.adjustment
        at = adjustment.at
        key = (id(adjustment.reasons), at.astimezone(calendar.tz).year if at else None)
        reasons = encoded.get(key)
        if reasons is None:
            reasons = json.dumps(reasons_json(adjustment, calendar), ensure_ascii=False)
            encoded[key] = reasons
        return (
            f.customer_id, f.rule_code, f.step_index, str(f.trigger), f.source_ref, f.purpose,
            str(channel_of(adjustment)), f.due_start, f.due_end, adjustment.at, f.importance,
            f.routine, f.announce_day_before, f.script, f.questionnaire, row.status,
            adjustment.merged_into or "", reasons,
            row.owner_id, f.dedupe_key, now,
        )  # fmt: skip

    # Another planner may have written the same follow-up first: its row stands.
    insert_rows(
        FollowUp, FOLLOWUP_COLUMNS, (values(row) for row in rows), ignore_conflicts_on="dedupe_key"
    )


EventsFor = Callable[[CustomerRow, frozenset[str]], list[Event]]


def _plan_rows(
    ctx: PlanContext,
    customers: Sequence[CustomerRow],
    events_for: EventsFor,
    first_purchases: dict[int, date],
    scope: Scope,
    *,
    dropping: datetime | None = None,
) -> tuple[list[PlannedRow], PlanResult]:
    """The rows to insert for these customers; with `dropping`, as if the scope's untouched
    follow-ups were already removed (a re-plan computes before it takes the locks)."""
    result = PlanResult(customers=len(customers))
    existing = existing_by_customer(scope, dropping=dropping)
    contacts = contacts_by_customer(scope, history_since(ctx))
    known = known_keys(scope, dropping=dropping)
    rows: list[PlannedRow] = []
    for customer in customers:
        segments = customer_segments(first_purchases.get(customer.id), ctx.today)
        events = events_for(customer, segments)
        if not events:
            continue
        result.events += len(events)
        wanted = [f for f in wanted_followups(ctx, events) if f.dedupe_key not in known]
        rows.extend(
            plan_customer(
                ctx,
                customer,
                segments,
                wanted,
                existing=existing.get(customer.id, []),
                past_contacts=contacts.get(customer.id, []),
                owner_id=customer.assignee(),
            )
        )
    for row in rows:
        result.by_status[row.status] += 1
    return rows, result


def _plan_customers(
    ctx: PlanContext,
    customers: Sequence[CustomerRow],
    events_for: EventsFor,
    first_purchases: dict[int, date],
    scope: Scope,
) -> PlanResult:
    rows, result = _plan_rows(ctx, customers, events_for, first_purchases, scope)
    _write(rows, ctx.now, ctx.calendar)
    return result


def _domain_event(row: PlanningEvent, customer: CustomerRow, segments: frozenset[str]) -> Event:
    return Event(
        trigger=Trigger(row.trigger),
        customer_id=row.customer_id,
        occurred_at=row.occurred_at,
        source_ref=row.source_ref,
        tier=customer.tier,
        product_class=row.product_class or None,
        problem_nature=row.problem_nature or None,
        severity=row.severity or None,
        industry=customer.industry or None,
        segments=segments,
        reference_at=row.reference_at,
    )


@transaction.atomic
def event_receive(
    *,
    source_ref: str,
    trigger: str,
    customer_id: int,
    occurred_at: datetime,
    now: datetime,
    reference_at: datetime | None = None,
    product_class: str = "",
    problem_nature: str = "",
    severity: str = "",
) -> PlanningEvent:
    """Record an event and plan its follow-ups at once; the same source_ref twice is a no-op."""
    if trigger not in set(Trigger):
        raise PlanningError(f"unknown trigger {trigger!r}")
    if not source_ref:
        raise PlanningError("an event needs a source reference (its id in the source system)")
    # The customer's row lock serialises every planner working on this customer.
    scope = Scope.of([customer_id])
    customers = locked_customers(scope)
    if not customers:
        raise PlanningError(f"customer {customer_id} does not exist")
    event, _ = PlanningEvent.objects.get_or_create(
        source_ref=source_ref,
        defaults={
            "trigger": trigger,
            "customer_id": customer_id,
            "occurred_at": occurred_at,
            "reference_at": reference_at,
            "product_class": product_class,
            "problem_nature": problem_nature,
            "severity": severity,
        },
    )
    if event.customer_id != customer_id:
        raise PlanningError(f"{source_ref} already belongs to customer {event.customer_id}")
    if event.planned_at is not None:
        return event
    _plan_customers(
        load_context(now),
        customers,
        lambda customer, segments: [_domain_event(event, customer, segments)],
        first_purchases(scope),
        scope,
    )
    event.planned_at = now
    event.save(update_fields=["planned_at"])
    return event


def _recorded_events(scope: Scope, ctx: PlanContext) -> dict[int, list[PlanningEvent]]:
    """Events received earlier (tickets solved, releases) whose chains may still run."""
    since = ctx.now - longest_chain(ctx.rules)
    by_customer: dict[int, list[PlanningEvent]] = defaultdict(list)
    for event in PlanningEvent.objects.filter(scope.q(), occurred_at__gte=since):
        by_customer[event.customer_id].append(event)
    return by_customer


def _scope_rows(
    ctx: PlanContext, scope: Scope, customers: Sequence[CustomerRow], *, replace: bool
) -> tuple[list[PlannedRow], PlanResult]:
    """Plan the scope's customers from their purchases, care cycle and, for a re-plan,
    the events received earlier (whose plans the re-plan drops)."""
    now = ctx.now
    purchases = purchase_facts(scope, relevant=relevant_purchases(ctx.today, ctx.horizon))
    recorded = _recorded_events(scope, ctx) if replace else {}

    def events_for(customer: CustomerRow, segments: frozenset[str]) -> list[Event]:
        facts = CustomerFacts(customer.id, customer.tier, customer.industry or "", segments)
        events = customer_events(
            facts, purchases.get(customer.id, []), care_rule_for=ctx.care_rule_for, now=now,
            horizon=ctx.horizon, tz=ctx.calendar.tz, holidays=ctx.holiday_starts,
        )  # fmt: skip
        events.extend(_domain_event(e, customer, segments) for e in recorded.get(customer.id, ()))
        return events

    return _plan_rows(ctx, customers, events_for, first_purchases(scope), scope,
                      dropping=now if replace else None)  # fmt: skip


def followups_plan_range(
    *,
    now: datetime,
    first_id: int,
    last_id: int,
    replace: bool,
    ctx: PlanContext | None = None,
    write_lock: AbstractContextManager[object] | None = None,
) -> PlanResult:
    """Plan time- and event-triggered follow-ups for customers first_id..last_id.

    replace=True is a re-plan: follow-ups still only planned (not started, not done) are
    dropped and planned again under the current rules.

    The plan is computed before any lock is taken, so several processes compute at once
    even on SQLite, whose single writer then only waits for the short write. Under the
    customers' locks the scope's fingerprint (see loading.fingerprint) is read again:
    if an event, a call or an edit reached these customers meanwhile, the plan is
    computed again under the lock, as the event planner does it.
    """
    ctx = ctx or load_context(now)
    scope = Scope.between(first_id, last_id)
    seen = fingerprint(scope)
    customers = scope_customers(scope)
    if not customers:
        return PlanResult()
    rows, result = _scope_rows(ctx, scope, customers, replace=replace)
    with write_lock or nullcontext(), transaction.atomic():
        lock_customers(scope)
        if fingerprint(scope) != seen:
            rows, result = _scope_rows(ctx, scope, scope_customers(scope), replace=replace)
        result.removed = drop_untouched(scope, now) if replace else 0
        _write(rows, now, ctx.calendar)
    return result


@transaction.atomic
def followups_plan_customers(*, now: datetime, customer_ids: Sequence[int]) -> PlanResult:
    """Plan at once for customers whose purchases just changed (a delivery was recorded,
    an import finished): what the nightly sweep would otherwise add tonight."""
    ctx = load_context(now)
    scope = Scope.of(customer_ids)
    rows, result = _scope_rows(ctx, scope, locked_customers(scope), replace=False)
    _write(rows, now, ctx.calendar)
    return result


def followups_place_again(
    *, ctx: PlanContext, customer_id: int, keys: Collection[str]
) -> list[PlannedRow]:
    """Where the planner would put these open follow-ups of one customer if it planned them
    now: after the customer's other open follow-ups (which keep their slots) and past
    contacts, under its preferences, the caps and the calendar. A merge brings follow-ups
    planned for another customer. Computes only: the caller holds the lock and writes."""
    scope = Scope.of([customer_id])
    customers = scope_customers(scope)
    if not customers or not keys:
        return []
    open_followups = existing_by_customer(scope).get(customer_id, [])
    again = [e.followup for e in open_followups if e.followup.dedupe_key in keys]
    others = [e for e in open_followups if e.followup.dedupe_key not in keys]
    segments = customer_segments(first_purchases(scope).get(customer_id), ctx.today)
    return plan_customer(
        ctx,
        customers[0],
        segments,
        again,
        existing=others,
        past_contacts=contacts_by_customer(scope, history_since(ctx)).get(customer_id, []),
        owner_id=customers[0].assignee(),
    )


# A worker process loads the rules and the calendar once per run, not once per chunk: the
# calendar's day cache and the planner's remembered choices then serve every chunk.
_child_context: PlanContext | None = None
# SQLite: the workers take turns writing through this lock, which wakes the next one the
# moment it is free; SQLite's own busy handler would poll with sleeps of up to 100 ms.
_child_write_lock: AbstractContextManager[object] | None = None


def _start_child(write_lock: AbstractContextManager[object] | None) -> None:
    global _child_write_lock
    _child_write_lock = write_lock


def _plan_range_in_child(args: tuple[datetime, int, int, bool]) -> PlanResult:
    global _child_context
    now, first_id, last_id, replace = args
    if _child_context is None or _child_context.now != now:
        _child_context = load_context(now)
        use_large_cache()
    return followups_plan_range(
        now=now, first_id=first_id, last_id=last_id, replace=replace, ctx=_child_context,
        write_lock=_child_write_lock,
    )  # fmt: skip


def followups_plan_all(
    *,
    now: datetime,
    replace: bool,
    chunk: int = 2000,
    workers: int = 1,
    progress: Callable[[int], object] | None = None,
) -> PlanResult:
    """Plan every customer, chunk by chunk (each chunk its own transaction), in `workers`
    processes (on SQLite too: they compute at once and queue only for the short writes).

    replace=False is the periodic sweep (adds what came into the horizon);
    replace=True is the full re-plan after rules or the calendar changed.
    """
    from django.db import connections
    from django.db.models import Max, Min

    bounds = Customer.objects.aggregate(low=Min("id"), high=Max("id"))
    total = PlanResult()
    if bounds["low"] is None:
        return total
    ranges = [
        (now, start, min(start + chunk - 1, bounds["high"]), replace)
        for start in range(bounds["low"], bounds["high"] + 1, chunk)
    ]

    def merge(part: PlanResult) -> None:
        total.absorb(part)
        if progress:
            progress(part.customers)

    if workers <= 1:
        ctx = load_context(now)
        use_large_cache()
        for _, first_id, last_id, _ in ranges:
            merge(followups_plan_range(now=now, first_id=first_id, last_id=last_id,
                                       replace=replace, ctx=ctx))  # fmt: skip
    else:
        import multiprocessing

        connections.close_all()  # children must open their own connections
        fork = multiprocessing.get_context("fork")
        lock = fork.Lock() if connections["default"].vendor == "sqlite" else None
        with fork.Pool(workers, initializer=_start_child, initargs=(lock,)) as pool:
            for part in pool.imap_unordered(_plan_range_in_child, ranges):
                merge(part)
    return total


def _plan_recorded_events(events: Sequence[PlanningEvent], now: datetime) -> PlanResult:
    """Plan already recorded events in one pass (their customers locked, one chunk)."""
    by_customer: dict[int, list[PlanningEvent]] = defaultdict(list)
    for event in events:
        by_customer[event.customer_id].append(event)
    scope = Scope.of(by_customer)
    result = _plan_customers(
        load_context(now),
        locked_customers(scope),
        lambda customer, segments: [
            _domain_event(e, customer, segments) for e in by_customer[customer.id]
        ],
        first_purchases(scope),
        scope,
    )
    PlanningEvent.objects.filter(pk__in=[e.pk for e in events]).update(planned_at=now)
    return result


def release_announce(
    *,
    name: str,
    product_ids: Sequence[int],
    released_at: datetime,
    now: datetime,
    note: str = "",
    actor: User | None = None,
    chunk: int = 2000,
) -> FeatureRelease:
    """Record a release and plan the feature-release follow-up for every buyer of its products.

    Each customer's event is keyed by the release, so announcing again plans nothing twice.
    """
    if not product_ids:
        raise PlanningError("choose at least one product the release concerns")
    with transaction.atomic():
        release = FeatureRelease.objects.create(
            name=name, note=note, released_at=released_at,
            created_by=actor,
        )  # fmt: skip
        release.products.set(product_ids)
    buyers = sorted(
        set(
            Purchase.objects.filter(product_id__in=product_ids).values_list(
                "customer_id", flat=True
            )
        )
    )
    for start in range(0, len(buyers), chunk):
        with transaction.atomic():
            PlanningEvent.objects.bulk_create(
                [
                    PlanningEvent(
                        source_ref=f"release:{release.pk}:customer:{customer_id}",
                        trigger=Trigger.FEATURE_RELEASE,
                        customer_id=customer_id,
                        occurred_at=released_at,
                    )
                    for customer_id in buyers[start : start + chunk]
                ],
                ignore_conflicts=True,
            )
            events = list(
                PlanningEvent.objects.filter(
                    source_ref__startswith=f"release:{release.pk}:customer:",
                    customer_id__in=buyers[start : start + chunk],
                    planned_at__isnull=True,
                )
            )
            _plan_recorded_events(events, now)
    release.customers_planned = len(buyers)
    release.save(update_fields=["customers_planned"])
    return release
