"""KPI arithmetic over plain values (spec A1, T6; benchmarks from S003).

Rates are shares in [0, 1] (the UI shows them as percentages). A rate with nothing to
measure is ``None``, never 0: "no surveys this week" must not read as "nobody was
satisfied". NPS alone is on its customary -100 … 100 scale.

A repeat complaint follows the classification convention for windows: an earlier
complaint counts when it is fewer than ``window_days`` days before the later one.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence, Set
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Generic, NamedTuple, TypeVar


class KpiError(ValueError):
    """Input that no KPI can be computed from (a score off its scale, a negative count)."""


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _require_count(value: int, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise KpiError(f"{what} must be a whole number ≥ 0, got {value!r}")


def _require_scores(scores: Iterable[float], low: int, high: int, what: str) -> list[int]:
    # Ratings are whole points; 4.0 from a float column is fine, 4.5 or True is a bug upstream.
    checked = []
    for score in scores:
        if (
            isinstance(score, bool)
            or not isinstance(score, int | float)
            or not math.isfinite(score)
            or score != int(score)
            or not low <= score <= high
        ):
            raise KpiError(
                f"{what} score {score!r} is not a whole number on the {low}–{high} scale"
            )
        checked.append(int(score))
    return checked


# --- Satisfaction -------------------------------------------------------------------------


@dataclass(frozen=True)
class Csat:
    share_satisfied: float  # share of answers 4 or 5
    mean: float
    count: int


def csat(scores: Iterable[float]) -> Csat | None:
    """CSAT from 1–5 ratings; None when nobody answered."""
    checked = _require_scores(scores, 1, 5, "CSAT")
    if not checked:
        return None
    satisfied = sum(1 for s in checked if s >= 4)
    return Csat(satisfied / len(checked), sum(checked) / len(checked), len(checked))


@dataclass(frozen=True)
class Nps:
    score: float  # % promoters minus % detractors, -100 … 100
    promoters: int  # 9–10
    passives: int  # 7–8
    detractors: int  # 0–6
    count: int


def nps(scores: Iterable[float]) -> Nps | None:
    """Net Promoter Score from 0–10 answers; None when nobody answered."""
    checked = _require_scores(scores, 0, 10, "NPS")
    if not checked:
        return None
    promoters = sum(1 for s in checked if s >= 9)
    detractors = sum(1 for s in checked if s <= 6)
    passives = len(checked) - promoters - detractors
    score = 100 * (promoters - detractors) / len(checked)
    return Nps(score, promoters, passives, detractors, len(checked))


# --- Resolution and SLA -------------------------------------------------------------------


def first_contact_resolution(resolved_on_first_contact: Iterable[bool]) -> float | None:
    """Share of tickets solved on the first contact; one flag per ticket."""
    flags = list(resolved_on_first_contact)
    return _share(sum(1 for f in flags if f), len(flags))


def resolution_rate(resolved: int, total: int) -> float | None:
    _require_count(resolved, "resolved")
    _require_count(total, "total")
    if resolved > total:
        raise KpiError(f"resolved ({resolved}) cannot exceed total ({total})")
    return _share(resolved, total)


def sla_compliance(met: int, missed: int) -> float | None:
    _require_count(met, "met")
    _require_count(missed, "missed")
    return _share(met, met + missed)


@dataclass(frozen=True)
class DurationStats:
    mean: timedelta
    median: timedelta
    p90: timedelta  # nearest rank: 90% of cases took at most this long
    count: int


def duration_stats(durations: Iterable[timedelta]) -> DurationStats | None:
    """For first-response and handling times; None when there is nothing to measure."""
    ordered = sorted(durations)
    if not ordered:
        return None
    if ordered[0] < timedelta(0):
        raise KpiError(f"duration {ordered[0]} is negative (finished before it started?)")
    n = len(ordered)
    mid = n // 2
    median = ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2
    # Nearest rank reports a time that really happened, which is what an SLA reader expects.
    # Integer ceil(0.9 n): float 0.9 * n can land a hair above a whole number.
    p90 = ordered[(9 * n + 9) // 10 - 1]
    mean = sum(ordered, timedelta(0)) / n
    return DurationStats(mean=mean, median=median, p90=p90, count=n)


# --- Repeat complaints (T6) ---------------------------------------------------------------


class Complaint(NamedTuple):
    customer_id: Hashable
    category: str
    on: date


def repeat_complaints(
    complaints: Sequence[tuple[Hashable, str, date]], window_days: int = 30
) -> list[Complaint]:
    """The complaints, in input order, that repeat an earlier complaint by the same
    customer in the same category fewer than ``window_days`` days before. The first of
    a run is not a repeat; complaints on the same day are ordered as given."""
    _require_count(window_days, "window_days")
    if window_days == 0:
        raise KpiError("window_days must be at least 1")
    order = sorted(range(len(complaints)), key=lambda i: complaints[i][2])
    last_seen: dict[tuple[Hashable, str], date] = {}
    repeats: set[int] = set()
    for i in order:
        customer_id, category, on = complaints[i]
        previous = last_seen.get((customer_id, category))
        if previous is not None and (on - previous).days < window_days:
            repeats.add(i)
        last_seen[(customer_id, category)] = on
    return [Complaint(*complaints[i]) for i in sorted(repeats)]


def repeat_complaint_rate(
    complaints: Sequence[tuple[Hashable, str, date]], window_days: int = 30
) -> float | None:
    return _share(len(repeat_complaints(complaints, window_days)), len(complaints))


# --- Follow-up work -----------------------------------------------------------------------


def coverage(customers_due: Set[Hashable], customers_reached: Set[Hashable]) -> float | None:
    """Share of the customers due a follow-up who were reached. Reaching someone who was
    not due does not raise coverage."""
    return _share(len(customers_due & customers_reached), len(customers_due))


def on_time_rate(
    completed_at_and_due: Iterable[tuple[datetime | None, datetime]], now: datetime
) -> float | None:
    """Share of follow-ups done by their due time (exactly on the due time is on time).
    An open follow-up counts as late once its due time has passed, and is left out while
    it can still be done on time."""
    _require_aware(now)
    on_time = decided = 0
    for completed_at, due_at in completed_at_and_due:
        _require_aware(due_at)
        if completed_at is None:
            if due_at >= now:
                continue
        else:
            _require_aware(completed_at)
            on_time += completed_at <= due_at
        decided += 1
    return _share(on_time, decided)


def _require_aware(moment: datetime) -> None:
    # Comparing naive and aware datetimes is a TypeError at best and 8 hours off at worst.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise KpiError(f"datetime {moment.isoformat()} has no time zone")


def contact_rate(attempts: int, reached: int) -> float | None:
    """Share of contact attempts that reached the customer."""
    _require_count(attempts, "attempts")
    _require_count(reached, "reached")
    if reached > attempts:
        raise KpiError(f"reached ({reached}) cannot exceed attempts ({attempts})")
    return _share(reached, attempts)


def churn_risk_count(at_risk: Iterable[bool]) -> int:
    return sum(1 for flag in at_risk if flag)


# --- Benchmarks (S003) --------------------------------------------------------------------

T = TypeVar("T", float, timedelta)


@dataclass(frozen=True)
class Benchmark(Generic[T]):
    target: T
    higher_is_better: bool


class Verdict(StrEnum):
    MET = "met"
    MISSED = "missed"
    NO_DATA = "no_data"


@dataclass(frozen=True)
class Benchmarks:
    """S003 targets: first response ≤ 2 h (non-urgent work), FCR ≥ 85%, CSAT mean ≥ 4.2."""

    first_response: Benchmark[timedelta] = Benchmark(timedelta(hours=2), higher_is_better=False)
    first_contact_resolution: Benchmark[float] = Benchmark(0.85, higher_is_better=True)
    csat_mean: Benchmark[float] = Benchmark(4.2, higher_is_better=True)


def compare(value: T | None, benchmark: Benchmark[T]) -> Verdict:
    """Reaching the target exactly counts as met."""
    if value is None:
        return Verdict.NO_DATA
    if benchmark.higher_is_better:
        return Verdict.MET if value >= benchmark.target else Verdict.MISSED
    return Verdict.MET if value <= benchmark.target else Verdict.MISSED
