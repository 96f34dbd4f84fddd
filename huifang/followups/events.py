"""Turn stored facts (purchases, tiers) into planner events. Plain values in, events out.

Event-triggered follow-ups (delivery, first use) are planned for their whole chain when
the event happens; time-triggered ones (renewal, repurchase, periodic care) are raised by
the sweep once their first contact falls inside the planning horizon.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from huifang.domain.cadence import CadenceRule, Event, Trigger, select_rule
from huifang.domain.classification import Flag, ProductClass

# A delivery's last default step is due 90 days later with a 14-day window.
DELIVERY_LOOKBACK = timedelta(days=105)
FIRST_USE_LOOKBACK = timedelta(days=3)
CONSUMABLES = frozenset({ProductClass.MID_PRICE_CONSUMABLE, ProductClass.LOW_PRICE_FAST_MOVING})
CARE_EPOCH = date(2024, 1, 1)
DATE_ONLY_AT = time(9)  # a date without a time counts from 09:00 local


@dataclass(frozen=True)
class PurchaseFacts:
    id: int
    product_id: int
    product_class: str
    purchased_on: date
    delivered_on: date | None
    first_used_on: date | None
    contract_end_on: date | None
    repurchase_cycle_days: int | None


@dataclass(frozen=True)
class CustomerFacts:
    id: int
    tier: str
    industry: str
    segments: frozenset[str]


RENEWAL_LEAD = timedelta(days=60)  # the default renewal rule calls 60 days ahead
REPURCHASE_LEAD = timedelta(days=3)


@dataclass(frozen=True)
class RelevantPurchases:
    """Bounds outside which a purchase raises no event today (customer_events decides
    exactly; a reader may skip every purchase outside all of them)."""

    delivered_since: date
    first_used_since: date
    contract_ends_after: date
    contract_ends_by: date
    repurchase_due_since: date  # a consumable's latest purchase plus its cycle


def relevant_purchases(today: date, horizon: timedelta) -> RelevantPurchases:
    return RelevantPurchases(
        delivered_since=today - DELIVERY_LOOKBACK,
        first_used_since=today - FIRST_USE_LOOKBACK,
        contract_ends_after=today,
        contract_ends_by=today + horizon + RENEWAL_LEAD,
        repurchase_due_since=today,
    )


def at_nine(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, DATE_ONLY_AT, tzinfo=tz)


def customer_segments(first_purchase_on: date | None, today: date) -> frozenset[str]:
    if first_purchase_on and (today - first_purchase_on).days > 3 * 365:
        return frozenset({Flag.LONG_TERM})
    return frozenset()


def care_occurrence(customer_id: int, period_days: int, today: date) -> date:
    """The customer's care day in the current period; customers spread over the period."""
    days = (today - CARE_EPOCH).days
    start = CARE_EPOCH + timedelta(days=days - days % period_days)
    occurrence = start + timedelta(days=customer_id % period_days)
    if occurrence < today - timedelta(days=period_days // 2):
        occurrence += timedelta(days=period_days)
    return occurrence


CareRuleFor = Callable[[str, str, frozenset[str]], CadenceRule | None]


def care_rule(
    rules: Sequence[CadenceRule], tier: str, industry: str, segments: frozenset[str]
) -> CadenceRule | None:
    """The periodic-care rule for customers like this one."""
    probe = Event(
        trigger=Trigger.PERIODIC_CARE,
        customer_id=0,
        occurred_at=datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC")),
        source_ref="care",
        tier=tier,
        industry=industry or None,
        segments=segments,
    )
    return select_rule(probe, rules)


HOLIDAY_GREETING_LEAD = timedelta(days=3)  # the default rule greets 3 to 1 days before


def holiday_starts(holidays: frozenset[date], first: date, last: date) -> tuple[date, ...]:
    """First days of the holiday breaks starting between first and last (a break is a run
    of consecutive statutory rest days in the working calendar)."""
    return tuple(
        sorted(
            day
            for day in holidays
            if first <= day <= last and day - timedelta(days=1) not in holidays
        )
    )


def customer_events(
    customer: CustomerFacts,
    purchases: Sequence[PurchaseFacts],
    *,
    care_rule_for: CareRuleFor,
    now: datetime,
    horizon: timedelta,
    tz: ZoneInfo,
    holidays: Sequence[date] = (),
) -> list[Event]:
    """The events the sweep raises for one customer; `holidays` are the first days of
    the holiday breaks ahead (see holiday_starts)."""
    today = now.astimezone(tz).date()
    horizon_end = today + horizon

    def event(trigger: Trigger, ref: str, occurred: datetime, **extra: object) -> Event:
        return Event(
            trigger=trigger,
            customer_id=customer.id,
            occurred_at=occurred,
            source_ref=ref,
            tier=customer.tier,
            industry=customer.industry or None,
            segments=customer.segments,
            **extra,  # type: ignore[arg-type]
        )

    events: list[Event] = []
    latest_by_product: dict[int, PurchaseFacts] = {}
    for p in purchases:
        if p.delivered_on and today - DELIVERY_LOOKBACK <= p.delivered_on <= today:
            events.append(
                event(
                    Trigger.DELIVERY,
                    f"purchase:{p.id}",
                    at_nine(p.delivered_on, tz),
                    product_class=p.product_class,
                )
            )
        if p.first_used_on and today - FIRST_USE_LOOKBACK <= p.first_used_on <= today:
            events.append(
                event(
                    Trigger.FIRST_USE,
                    f"purchase:{p.id}",
                    at_nine(p.first_used_on, tz),
                    product_class=p.product_class,
                )
            )
        # Renewal: the default rule calls 60 days ahead with a 30-day window.
        if p.contract_end_on and today < p.contract_end_on <= horizon_end + RENEWAL_LEAD:
            events.append(
                event(
                    Trigger.RENEWAL_APPROACHING,
                    f"renewal:purchase:{p.id}",
                    now,
                    product_class=p.product_class,
                    reference_at=at_nine(p.contract_end_on, tz),
                )
            )
        if p.product_class in CONSUMABLES and p.repurchase_cycle_days:
            latest = latest_by_product.get(p.product_id)
            if latest is None or latest.purchased_on < p.purchased_on:
                latest_by_product[p.product_id] = p
    for p in latest_by_product.values():
        assert p.repurchase_cycle_days
        due = p.purchased_on + timedelta(days=p.repurchase_cycle_days)
        if today <= due <= horizon_end + REPURCHASE_LEAD:
            events.append(
                event(
                    Trigger.REPURCHASE_DUE,
                    f"repurchase:purchase:{p.id}",
                    now,
                    product_class=p.product_class,
                    reference_at=at_nine(due, tz),
                )
            )
    care = care_rule_for(customer.tier, customer.industry, customer.segments)
    if care is not None and care.repeat_every is not None:
        period = care.repeat_every.amount
        day = care_occurrence(customer.id, period, today)
        if day <= horizon_end:
            occurred = max(at_nine(day, tz), now)
            events.append(event(Trigger.PERIODIC_CARE, f"care:{care.code}:{day}", occurred))
    for start in holidays:
        if today < start and start - HOLIDAY_GREETING_LEAD <= horizon_end:
            events.append(
                event(
                    Trigger.HOLIDAY_CARE, f"holiday:{start}", now, reference_at=at_nine(start, tz)
                )
            )
    return events
