"""Service-level clocks for tickets, measured in working time, with pauses.

A ticket's SLA clock runs only during working time on a :class:`WorkingCalendar` and
stops while the ticket waits on the customer (a :class:`Pause`). The target is "how much
active working time may pass"; the due time is the first moment it has passed.

Decisions worth knowing:

* ``SlaClock.due_at`` is never None. While a ticket is paused it is the due time *if the
  clock restarted now*, so it moves later for as long as the pause lasts.
* ``evaluate(now=...)`` looks at history as it stood at ``now``: pauses that start after
  ``now`` are ignored, a pause still running at ``now`` counts as ending at ``now``, and a
  ``fulfilled_at`` after ``now`` is not fulfilled yet. Evaluating at a past moment with
  today's data therefore gives what the dashboard showed back then.
* The due instant itself belongs to the breach (``now >= due`` is breached), while a
  ticket fulfilled exactly at the due instant has met its target (``fulfilled_at <= due``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from huifang.domain.calendar import WorkingCalendar

__all__ = ["Pause", "SlaClock", "SlaError", "SlaState", "due_at", "evaluate"]

ZERO = timedelta(0)


class SlaError(ValueError):
    """Inputs to an SLA computation that cannot describe a real ticket."""


class SlaState(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"  # most of the allowed working time is used up
    BREACHED = "breached"  # due time passed, not fulfilled yet
    MET = "met"  # fulfilled at or before the due time
    MISSED = "missed"  # fulfilled after the due time
    PAUSED = "paused"  # waiting on the customer; the clock is stopped


def _require_aware(value: datetime, name: str) -> None:
    if not isinstance(value, datetime):
        raise SlaError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise SlaError(f"{name} must be time-zone aware, got naive {value.isoformat()}")


@dataclass(frozen=True)
class Pause:
    """The clock is stopped in ``[start, end)``; ``end=None`` means still paused."""

    start: datetime
    end: datetime | None = None

    def __post_init__(self) -> None:
        _require_aware(self.start, "pause start")
        if self.end is not None:
            _require_aware(self.end, "pause end")
            if self.end < self.start:
                raise SlaError(
                    f"a pause cannot end ({self.end.isoformat()}) "
                    f"before it starts ({self.start.isoformat()})"
                )


@dataclass(frozen=True)
class SlaClock:
    state: SlaState
    due_at: datetime  # never None; while paused: the due time if the clock restarted now
    elapsed: timedelta  # working time counted against the target, pauses excluded
    remaining: timedelta  # target - elapsed; zero or negative once due
    paused: timedelta  # working time spent paused


def _check_target(target: timedelta) -> None:
    if not isinstance(target, timedelta) or target <= ZERO:
        raise SlaError(f"the SLA target must be a positive duration, got {target!r}")


def _check_pauses(opened_at: datetime, pauses: Sequence[Pause]) -> tuple[Pause, ...]:
    pauses = tuple(pauses)
    for index, pause in enumerate(pauses):
        if not isinstance(pause, Pause):
            raise SlaError(f"pauses must be Pause objects, got {pause!r}")
        if pause.start < opened_at:
            raise SlaError(
                f"a pause starts ({pause.start.isoformat()}) before the ticket was opened "
                f"({opened_at.isoformat()})"
            )
        if index == 0:
            continue
        previous = pauses[index - 1]
        if previous.end is None:
            raise SlaError("only the last pause may still be open (without an end)")
        if pause.start < previous.start:
            raise SlaError("pauses must be given in time order")
        if pause.start < previous.end:
            raise SlaError(
                f"pauses overlap: one runs until {previous.end.isoformat()}, "
                f"the next starts at {pause.start.isoformat()}"
            )
    return pauses


def _due(
    calendar: WorkingCalendar, opened_at: datetime, target: timedelta, pauses: Sequence[Pause]
) -> datetime | None:
    """Due time over validated pauses; None when an open pause starts before it."""
    cursor, remaining = opened_at, target
    for pause in pauses:
        candidate = calendar.add_working_time(cursor, remaining)
        if candidate <= pause.start:
            return candidate  # due before this pause (and all later ones) begins
        if pause.end is None:
            return None
        # Work done before the pause counts; the clock restarts when the pause ends.
        remaining -= calendar.working_time_between(cursor, pause.start)
        cursor = pause.end
    return calendar.add_working_time(cursor, remaining)


def due_at(
    calendar: WorkingCalendar,
    opened_at: datetime,
    target: timedelta,
    pauses: Sequence[Pause] = (),
    *,
    now: datetime | None = None,
) -> datetime:
    """When ``target`` of active working time has passed since ``opened_at``.

    Each pause before that moment pushes it later by the working time the pause covers;
    a pause over a night or a weekend changes nothing. An open pause that begins before the
    due time makes it unknown: pass ``now`` to assume the ticket resumes at ``now``,
    otherwise SlaError.
    """
    _require_aware(opened_at, "opened_at")
    _check_target(target)
    checked = _check_pauses(opened_at, pauses)
    if now is not None:
        _require_aware(now, "now")
        checked = _clip(checked, now)
    due = _due(calendar, opened_at, target, checked)
    if due is None:
        raise SlaError(
            "the ticket is paused with no end yet, so its due time is unknown; "
            "pass now= to assume the clock restarts now"
        )
    return due


def _clip(pauses: tuple[Pause, ...], until: datetime) -> tuple[Pause, ...]:
    """The pauses as they stood at ``until``: later ones dropped, running ones closed."""
    return tuple(
        Pause(p.start, until if p.end is None or p.end > until else p.end)
        for p in pauses
        if p.start <= until
    )


def evaluate(
    calendar: WorkingCalendar,
    *,
    opened_at: datetime,
    target: timedelta,
    now: datetime,
    fulfilled_at: datetime | None = None,
    pauses: Sequence[Pause] = (),
    at_risk_ratio: float = 0.75,
) -> SlaClock:
    """The SLA clock of one ticket target (response or solution) as it stands at ``now``."""
    _require_aware(opened_at, "opened_at")
    _require_aware(now, "now")
    _check_target(target)
    if not 0 < at_risk_ratio <= 1:
        raise SlaError(f"at_risk_ratio must be above 0 and at most 1, got {at_risk_ratio!r}")
    if now < opened_at:
        raise SlaError(
            f"cannot evaluate at {now.isoformat()}, before the ticket was opened "
            f"({opened_at.isoformat()})"
        )
    if fulfilled_at is not None:
        _require_aware(fulfilled_at, "fulfilled_at")
        if fulfilled_at < opened_at:
            raise SlaError(
                f"fulfilled at {fulfilled_at.isoformat()}, before the ticket was opened "
                f"({opened_at.isoformat()})"
            )
    checked = _check_pauses(opened_at, pauses)

    fulfilled = fulfilled_at is not None and fulfilled_at <= now
    until = fulfilled_at if fulfilled_at is not None and fulfilled else now
    paused_now = not fulfilled and any(
        p.start <= now and (p.end is None or now < p.end) for p in checked
    )
    clipped = _clip(checked, until)
    due = _due(calendar, opened_at, target, clipped)
    assert due is not None  # every clipped pause is closed
    paused = sum((calendar.working_time_between(p.start, p.end or until) for p in clipped), ZERO)
    elapsed = calendar.working_time_between(opened_at, until) - paused
    remaining = target - elapsed

    if fulfilled:
        state = SlaState.MET if until <= due else SlaState.MISSED
    elif now >= due:
        state = SlaState.BREACHED  # stays breached even if paused after the breach
    elif paused_now:
        state = SlaState.PAUSED
    elif elapsed >= target * at_risk_ratio:
        state = SlaState.AT_RISK
    else:
        state = SlaState.ON_TRACK
    return SlaClock(state=state, due_at=due, elapsed=elapsed, remaining=remaining, paused=paused)
