"""Customer health score 0–100 (spec A5; source S003).

The score is a weighted sum of five components, each in [0, 1] where 1 is healthy:

* ``recency`` — how recently we spoke to the customer: 1 up to ``recency_full_days``
  days after the last contact, falling in a straight line to 0 at ``recency_zero_days``.
  Never contacted scores 0; a contact dated after ``today`` (a time-zone edge) counts as
  today.
* ``satisfaction`` — mean of the last ``satisfaction_recent_count`` scores on the 1–5
  scale, mapped so that 1 → 0 and 5 → 1. No answers yet scores ``unknown_satisfaction``.
* ``open_tickets`` — 1 with nothing open, losing an equal step per open ticket, 0 from
  ``open_tickets_zero_at`` tickets on.
* ``repeat_complaints`` — the same shape, 0 from ``repeat_complaints_zero_at`` repeats.
* ``spend_trend`` — spend in the last 12 months against the 12 before:
  ``(1 + (current - previous) / max(current, previous)) / 2``. Spend that doubled gives
  0.75, unchanged 0.5, stopped 0, a first purchase 1; no spend in either year is 0.5.

Nothing here reads the clock; callers pass ``today``. Weights and shapes are parameters
with defaults an administrator can change.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal


class HealthError(ValueError):
    """Bad health inputs, weights or parameters."""


def _require_count(value: int, what: str, minimum: int = 0) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise HealthError(f"{what} must be a whole number ≥ {minimum}, got {value!r}")


@dataclass(frozen=True)
class HealthWeights:
    """How much each component counts; non-negative and summing to 1."""

    recency: float = 0.15
    satisfaction: float = 0.30
    open_tickets: float = 0.20
    repeat_complaints: float = 0.15
    spend_trend: float = 0.20

    def __post_init__(self) -> None:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        for name, value in values.items():
            if isinstance(value, bool) or not math.isfinite(value) or value < 0:
                raise HealthError(f"weight {name} must be a number ≥ 0, got {value!r}")
        total = sum(values.values())
        if not math.isclose(total, 1.0, abs_tol=1e-9):
            raise HealthError(f"health weights must add up to 1, they add up to {total:g}")

    def as_dict(self) -> dict[str, float]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class HealthParameters:
    recency_full_days: int = 30
    recency_zero_days: int = 180
    satisfaction_recent_count: int = 3
    unknown_satisfaction: float = 0.5
    open_tickets_zero_at: int = 3
    repeat_complaints_zero_at: int = 2
    churn_risk_below: int = 40

    def __post_init__(self) -> None:
        _require_count(self.recency_full_days, "recency_full_days")
        _require_count(self.recency_zero_days, "recency_zero_days", self.recency_full_days + 1)
        for name in (
            "satisfaction_recent_count",
            "open_tickets_zero_at",
            "repeat_complaints_zero_at",
        ):
            _require_count(getattr(self, name), name, 1)
        if not 0 <= self.unknown_satisfaction <= 1:
            raise HealthError(
                f"unknown_satisfaction must be in [0, 1], got {self.unknown_satisfaction!r}"
            )
        _require_count(self.churn_risk_below, "churn_risk_below")
        if self.churn_risk_below > 100:
            raise HealthError(f"churn_risk_below must be 0–100, got {self.churn_risk_below}")


@dataclass(frozen=True)
class HealthInputs:
    """Plain facts about one customer. Spends are CNY totals for the last 12 months and
    the 12 before (see ``classification.spend_windows``)."""

    last_contact_at: date | None = None
    satisfaction_scores: Sequence[float] = ()  # 1–5, most recent last
    open_ticket_count: int = 0
    repeat_complaint_count: int = 0
    spend_last_12_months: Decimal = Decimal(0)
    spend_previous_12_months: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        _require_count(self.open_ticket_count, "open_ticket_count")
        _require_count(self.repeat_complaint_count, "repeat_complaint_count")
        for score in self.satisfaction_scores:
            if isinstance(score, bool) or not 1 <= score <= 5:
                raise HealthError(f"satisfaction score {score!r} is outside the 1–5 scale")
        for name in ("spend_last_12_months", "spend_previous_12_months"):
            spend = getattr(self, name)
            if not isinstance(spend, Decimal) or not spend.is_finite() or spend < 0:
                raise HealthError(f"{name} must be a Decimal amount ≥ 0, got {spend!r}")


@dataclass(frozen=True)
class HealthScore:
    score: int  # 0–100
    components: dict[str, float]  # each in [0, 1], keyed like HealthWeights' fields
    churn_risk: bool


DEFAULT_WEIGHTS = HealthWeights()
DEFAULT_PARAMETERS = HealthParameters()


def _recency(last_contact_at: date | None, today: date, p: HealthParameters) -> float:
    if last_contact_at is None:
        return 0.0
    age = max(0, (today - last_contact_at).days)
    if age <= p.recency_full_days:
        return 1.0
    if age >= p.recency_zero_days:
        return 0.0
    return (p.recency_zero_days - age) / (p.recency_zero_days - p.recency_full_days)


def _satisfaction(scores: Sequence[float], p: HealthParameters) -> float:
    recent = list(scores)[-p.satisfaction_recent_count :]
    if not recent:
        return p.unknown_satisfaction
    return (sum(recent) / len(recent) - 1) / 4


def _countdown(count: int, zero_at: int) -> float:
    return max(0.0, 1 - count / zero_at)


def _spend_trend(current: Decimal, previous: Decimal) -> float:
    larger = max(current, previous)
    if larger == 0:
        return 0.5
    return float((1 + (current - previous) / larger) / 2)


def health_score(
    inputs: HealthInputs,
    today: date,
    weights: HealthWeights = DEFAULT_WEIGHTS,
    params: HealthParameters = DEFAULT_PARAMETERS,
) -> HealthScore:
    components = {
        "recency": _recency(inputs.last_contact_at, today, params),
        "satisfaction": _satisfaction(inputs.satisfaction_scores, params),
        "open_tickets": _countdown(inputs.open_ticket_count, params.open_tickets_zero_at),
        "repeat_complaints": _countdown(
            inputs.repeat_complaint_count, params.repeat_complaints_zero_at
        ),
        "spend_trend": _spend_trend(inputs.spend_last_12_months, inputs.spend_previous_12_months),
    }
    total = sum(weight * components[name] for name, weight in weights.as_dict().items())
    # Round half up, then clamp: float sums like 0.9999999999 must still read as 100.
    score = min(100, max(0, math.floor(100 * total + 0.5)))
    return HealthScore(score, components, churn_risk=score < params.churn_risk_below)
