"""A ticket's two SLA clocks, read from its stored pauses through the pure domain code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from huifang.domain.calendar import WorkingCalendar
from huifang.domain.sla import Pause, SlaClock, SlaState, due_at, evaluate
from huifang.tickets.models import SlaMark, Ticket


def pauses_of(ticket: Ticket) -> list[Pause]:
    return [Pause(p.started_at, p.ended_at) for p in ticket.pauses.all()]


@dataclass(frozen=True)
class Thresholds:
    response_risk_at: datetime
    response_due_at: datetime
    solution_risk_at: datetime | None
    solution_due_at: datetime | None


def thresholds(
    calendar: WorkingCalendar,
    *,
    opened_at: datetime,
    response_target: timedelta,
    solution_target: timedelta | None,
    pauses: list[Pause],
    ratio: float,
    now: datetime,
) -> Thresholds:
    """When each clock turns at risk and when it is due, assuming it runs from ``now`` on."""

    def at(target: timedelta) -> datetime:
        return due_at(calendar, opened_at, target, pauses, now=now)

    return Thresholds(
        response_risk_at=at(response_target * ratio),
        response_due_at=at(response_target),
        solution_risk_at=at(solution_target * ratio) if solution_target else None,
        solution_due_at=at(solution_target) if solution_target else None,
    )


def apply_thresholds(
    ticket: Ticket, calendar: WorkingCalendar, *, ratio: float, now: datetime, pauses: list[Pause]
) -> None:
    found = thresholds(
        calendar,
        opened_at=ticket.opened_at,
        response_target=ticket.response_target,
        solution_target=ticket.solution_target,
        pauses=pauses,
        ratio=ratio,
        now=now,
    )
    ticket.response_risk_at = found.response_risk_at
    ticket.response_due_at = found.response_due_at
    ticket.solution_risk_at = found.solution_risk_at
    ticket.solution_due_at = found.solution_due_at


def response_clock(
    ticket: Ticket, calendar: WorkingCalendar, *, now: datetime, ratio: float
) -> SlaClock:
    return evaluate(
        calendar,
        opened_at=ticket.opened_at,
        target=ticket.response_target,
        now=max(now, ticket.opened_at),
        fulfilled_at=ticket.first_response_at,
        pauses=pauses_of(ticket),
        at_risk_ratio=ratio,
    )


def solution_clock(
    ticket: Ticket, calendar: WorkingCalendar, *, now: datetime, ratio: float
) -> SlaClock | None:
    if ticket.solution_target is None:
        return None
    # Solved and then reopened: the earlier solve did not count.
    fulfilled = ticket.solved_at if ticket.status in ("solved", "closed") else None
    return evaluate(
        calendar,
        opened_at=ticket.opened_at,
        target=ticket.solution_target,
        now=max(now, ticket.opened_at),
        fulfilled_at=fulfilled,
        pauses=pauses_of(ticket),
        at_risk_ratio=ratio,
    )


MARKS = {
    SlaState.ON_TRACK: SlaMark.ON_TRACK,
    SlaState.PAUSED: SlaMark.ON_TRACK,
    SlaState.AT_RISK: SlaMark.AT_RISK,
    SlaState.BREACHED: SlaMark.BREACHED,
    SlaState.MET: SlaMark.MET,
    SlaState.MISSED: SlaMark.MISSED,
}


def mark_of(clock: SlaClock | None) -> str:
    return SlaMark.NONE if clock is None else MARKS[clock.state]
