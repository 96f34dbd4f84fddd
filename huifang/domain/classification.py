"""Product classes, customer tiers, flags and segments (spec C3, C4; sources S001, S004).

Every number is a parameter whose default comes from the spec, so administrators can
change it. Nothing here reads the clock: callers pass ``today``.

Two conventions hold throughout:

* "Within N days" means fewer than N days before ``today`` (0 … N-1 days ago). A fact
  exactly N days old has just left the window; a fact dated after ``today`` (a future
  order) does not count yet.
* Whole years follow PRC Civil Code art. 202: a period starting on 29 Feb ends on
  28 Feb in a common year, so a customer whose first purchase was 2020-02-29 has been a
  customer "for more than 3 years" from 2023-03-01.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum


class ClassificationError(ValueError):
    """Bad input or bad thresholds for classification."""


def _require_money(value: object, what: str) -> Decimal:
    # float money would silently misclassify ¥9,999.999999 style values; insist on Decimal.
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ClassificationError(f"{what} must be a finite Decimal amount in CNY, got {value!r}")
    if value < 0:
        raise ClassificationError(f"{what} must not be negative, got ¥{value}")
    return value


def _require_positive_int(value: int, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ClassificationError(f"{what} must be a whole number of at least 1, got {value!r}")


# --- Products (C3) ------------------------------------------------------------------------


class ProductClass(StrEnum):
    HIGH_VALUE_DURABLE = "high_value_durable"
    MID_PRICE_CONSUMABLE = "mid_price_consumable"
    LOW_PRICE_FAST_MOVING = "low_price_fast_moving"


@dataclass(frozen=True)
class ProductClassThresholds:
    """High value above ``high_above``; low price below ``low_below``; mid in between,
    both ends inclusive (so exactly ¥1,000 and exactly ¥10,000 are mid-price)."""

    high_above: Decimal = Decimal("10000")
    low_below: Decimal = Decimal("1000")

    def __post_init__(self) -> None:
        _require_money(self.high_above, "high_above")
        _require_money(self.low_below, "low_below")
        if self.low_below > self.high_above:
            raise ClassificationError(
                f"low_below (¥{self.low_below}) must not exceed high_above (¥{self.high_above})"
            )


DEFAULT_PRODUCT_THRESHOLDS = ProductClassThresholds()


def product_class(
    unit_price: Decimal, thresholds: ProductClassThresholds = DEFAULT_PRODUCT_THRESHOLDS
) -> ProductClass:
    _require_money(unit_price, "unit price")
    if unit_price > thresholds.high_above:
        return ProductClass.HIGH_VALUE_DURABLE
    if unit_price < thresholds.low_below:
        return ProductClass.LOW_PRICE_FAST_MOVING
    return ProductClass.MID_PRICE_CONSUMABLE


# --- Purchases and tiers (C4) -------------------------------------------------------------


@dataclass(frozen=True)
class PurchaseFact:
    """One order line's worth of spend on a date. Refunds are recorded by lowering the
    order's amount, never as a negative purchase."""

    on: date
    amount: Decimal

    def __post_init__(self) -> None:
        _require_money(self.amount, "purchase amount")


class Tier(StrEnum):
    VIP = "vip"
    KEY = "key"
    NORMAL = "normal"


@dataclass(frozen=True)
class TierThresholds:
    """Tier by trailing spend: VIP above ``vip_above``; key from ``key_at_least`` up to and
    including ``vip_above``; normal below ``key_at_least``. Also the flag parameters."""

    vip_above: Decimal = Decimal("500000")
    key_at_least: Decimal = Decimal("100000")
    recent_window_days: int = 365
    new_customer_days: int = 90
    long_term_years: int = 3
    complaint_history_at_least: int = 1
    # Low satisfaction: mean of the last `satisfaction_recent_count` scores (1–5) at most this.
    low_satisfaction_at_most: float = 3.0
    satisfaction_recent_count: int = 3

    def __post_init__(self) -> None:
        _require_money(self.vip_above, "vip_above")
        _require_money(self.key_at_least, "key_at_least")
        if self.key_at_least > self.vip_above:
            raise ClassificationError(
                f"key_at_least (¥{self.key_at_least}) must not exceed vip_above (¥{self.vip_above})"
            )
        for name in (
            "recent_window_days",
            "new_customer_days",
            "long_term_years",
            "complaint_history_at_least",
            "satisfaction_recent_count",
        ):
            _require_positive_int(getattr(self, name), name)
        if not 1 <= self.low_satisfaction_at_most <= 5:
            raise ClassificationError(
                f"low_satisfaction_at_most must be on the 1–5 scale, "
                f"got {self.low_satisfaction_at_most!r}"
            )


DEFAULT_TIER_THRESHOLDS = TierThresholds()


def _within(on: date, today: date, days: int) -> bool:
    return 0 <= (today - on).days < days


def trailing_spend(purchases: Sequence[PurchaseFact], today: date, days: int = 365) -> Decimal:
    """Spend in the last ``days`` days, today included; a purchase exactly ``days`` days
    ago is outside (on 2025-03-10 the default window is 2024-03-11 … 2025-03-10)."""
    _require_positive_int(days, "days")
    return sum((p.amount for p in purchases if _within(p.on, today, days)), Decimal(0))


def spend_windows(
    purchases: Sequence[PurchaseFact], today: date, days: int = 365
) -> tuple[Decimal, Decimal]:
    """(spend in the last ``days`` days, spend in the ``days`` days before that)."""
    current = trailing_spend(purchases, today, days)
    previous = trailing_spend(purchases, today - timedelta(days=days), days)
    return current, previous


def tier_for_spend(spend: Decimal, thresholds: TierThresholds = DEFAULT_TIER_THRESHOLDS) -> Tier:
    _require_money(spend, "spend")
    if spend > thresholds.vip_above:
        return Tier.VIP
    if spend >= thresholds.key_at_least:
        return Tier.KEY
    return Tier.NORMAL


def customer_tier(
    purchases: Sequence[PurchaseFact],
    today: date,
    thresholds: TierThresholds = DEFAULT_TIER_THRESHOLDS,
) -> Tier:
    spend = trailing_spend(purchases, today, thresholds.recent_window_days)
    return tier_for_spend(spend, thresholds)


# --- Flags (C4) ---------------------------------------------------------------------------


class Flag(StrEnum):
    NEW = "new"
    LONG_TERM = "long_term"
    COMPLAINT_HISTORY = "complaint_history"
    LOW_SATISFACTION = "low_satisfaction"


@dataclass(frozen=True)
class CustomerFacts:
    """What classification needs to know about one customer, as plain values."""

    purchases: Sequence[PurchaseFact] = ()
    complaint_count: int = 0
    satisfaction_scores: Sequence[float] = ()  # 1–5, most recent last
    last_contact_at: date | None = None
    open_ticket_count: int = 0

    def __post_init__(self) -> None:
        for name in ("complaint_count", "open_ticket_count"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ClassificationError(f"{name} must be a whole number ≥ 0, got {value!r}")
        for score in self.satisfaction_scores:
            if isinstance(score, bool) or not 1 <= score <= 5:
                raise ClassificationError(f"satisfaction score {score!r} is outside the 1–5 scale")


def _add_years(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 Feb into a common year: the period ends on 28 Feb (art. 202)
        return start.replace(year=start.year + years, day=28)


def _past_purchases(facts: CustomerFacts, today: date) -> list[PurchaseFact]:
    return [p for p in facts.purchases if p.on <= today]


def recent_satisfaction(facts: CustomerFacts, count: int) -> float | None:
    """Mean of the last ``count`` scores; None when the customer never answered."""
    recent = list(facts.satisfaction_scores)[-count:]
    return sum(recent) / len(recent) if recent else None


def customer_flags(
    facts: CustomerFacts,
    today: date,
    thresholds: TierThresholds = DEFAULT_TIER_THRESHOLDS,
) -> frozenset[Flag]:
    """NEW: first purchase within ``new_customer_days``. LONG_TERM: first purchase more
    than ``long_term_years`` whole years ago. COMPLAINT_HISTORY: at least
    ``complaint_history_at_least`` complaints. LOW_SATISFACTION: mean of the recent scores
    at most ``low_satisfaction_at_most``. A customer with no purchase yet is neither new
    nor long-term; one who never answered a survey is not low-satisfaction."""
    flags: set[Flag] = set()
    past = _past_purchases(facts, today)
    if past:
        first = min(p.on for p in past)
        if _within(first, today, thresholds.new_customer_days):
            flags.add(Flag.NEW)
        if today > _add_years(first, thresholds.long_term_years):
            flags.add(Flag.LONG_TERM)
    if facts.complaint_count >= thresholds.complaint_history_at_least:
        flags.add(Flag.COMPLAINT_HISTORY)
    mean = recent_satisfaction(facts, thresholds.satisfaction_recent_count)
    if mean is not None and mean <= thresholds.low_satisfaction_at_most:
        flags.add(Flag.LOW_SATISFACTION)
    return frozenset(flags)


# --- Segments (S001) ----------------------------------------------------------------------


class Segment(StrEnum):
    HIGH_VALUE = "high_value"
    POTENTIAL = "potential"
    CHURN_RISK = "churn_risk"


@dataclass(frozen=True)
class SegmentThresholds:
    high_value_tiers: frozenset[Tier] = field(
        default_factory=lambda: frozenset({Tier.VIP, Tier.KEY})
    )
    # Rising: this window's spend at least (1 + growth) × the previous window's.
    rising_growth_at_least: Decimal = Decimal("0.20")
    repeat_purchases_at_least: int = 2
    # Inactive: previously bought, but nothing within this many days.
    inactive_days: int = 365
    # Falling: this window's spend at most (1 - drop) × the previous window's.
    spend_drop_at_least: Decimal = Decimal("0.50")
    repeated_complaints_at_least: int = 2

    def __post_init__(self) -> None:
        if not self.high_value_tiers <= set(Tier):
            raise ClassificationError(
                f"high_value_tiers must be tiers, got {self.high_value_tiers!r}"
            )
        _require_money(self.rising_growth_at_least, "rising_growth_at_least")
        _require_money(self.spend_drop_at_least, "spend_drop_at_least")
        if not 0 < self.spend_drop_at_least <= 1:
            raise ClassificationError(
                f"spend_drop_at_least must be a share in (0, 1], got {self.spend_drop_at_least}"
            )
        for name in ("repeat_purchases_at_least", "inactive_days", "repeated_complaints_at_least"):
            _require_positive_int(getattr(self, name), name)


DEFAULT_SEGMENT_THRESHOLDS = SegmentThresholds()


def customer_segments(
    facts: CustomerFacts,
    today: date,
    thresholds: TierThresholds = DEFAULT_TIER_THRESHOLDS,
    segments: SegmentThresholds = DEFAULT_SEGMENT_THRESHOLDS,
) -> frozenset[Segment]:
    """Segments overlap on purpose: a VIP can also be a churn risk, and that is exactly
    the customer a supervisor must see first.

    * HIGH_VALUE: the customer's tier is in ``high_value_tiers`` (VIP or key).
    * POTENTIAL: not high value, and either spend is rising (the trailing window is at
      least ``rising_growth_at_least`` above the window before it, which must be non-zero)
      or the customer is NEW with at least ``repeat_purchases_at_least`` purchases.
    * CHURN_RISK: any of — bought before but nothing within ``inactive_days``; spend fell
      by at least ``spend_drop_at_least`` against the previous window; the
      LOW_SATISFACTION flag; at least ``repeated_complaints_at_least`` complaints.
    """
    result: set[Segment] = set()
    past = _past_purchases(facts, today)
    flags = customer_flags(facts, today, thresholds)
    current, previous = spend_windows(past, today, thresholds.recent_window_days)

    high_value = tier_for_spend(current, thresholds) in segments.high_value_tiers
    if high_value:
        result.add(Segment.HIGH_VALUE)

    rising = previous > 0 and current >= previous * (1 + segments.rising_growth_at_least)
    new_and_repeating = Flag.NEW in flags and len(past) >= segments.repeat_purchases_at_least
    if not high_value and (rising or new_and_repeating):
        result.add(Segment.POTENTIAL)

    inactive = bool(past) and not any(_within(p.on, today, segments.inactive_days) for p in past)
    falling = previous > 0 and current <= previous * (1 - segments.spend_drop_at_least)
    if (
        inactive
        or falling
        or Flag.LOW_SATISFACTION in flags
        or facts.complaint_count >= segments.repeated_complaints_at_least
    ):
        result.add(Segment.CHURN_RISK)
    return frozenset(result)
