"""Plan one customer's events into follow-up rows: the bridge from the pure planner to rows.

No writes here; services.py decides when to write and under which lock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import NamedTuple

from huifang.domain.cadence import (
    Action,
    Adjustment,
    CadenceRule,
    Event,
    OffsetUnit,
    PlannedFollowUp,
    Trigger,
    plan_event,
    resolve,
)
from huifang.domain.calendar import WorkingCalendar
from huifang.domain.contact_policy import Channel, Contact
from huifang.followups.context import PlanContext
from huifang.followups.models import FollowUpStatus

TIME_TRIGGERED = frozenset(
    {
        Trigger.RENEWAL_APPROACHING,
        Trigger.REPURCHASE_DUE,
        Trigger.PERIODIC_CARE,
        Trigger.HOLIDAY_CARE,
    }
)
STATUS_FOR_ACTION = {
    Action.KEEP: FollowUpStatus.PLANNED,
    Action.MOVE: FollowUpStatus.PLANNED,
    Action.MERGE: FollowUpStatus.MERGED,
    Action.SUPPRESS: FollowUpStatus.SUPPRESSED,
}


class CustomerRow(NamedTuple):
    """What the planner needs to know about one customer, read in one query per chunk."""

    id: int
    tier: str
    industry: str
    preferred_channel: str
    preferred_window_start: time | None
    preferred_window_end: time | None
    refused_channels: list[str]
    opted_out: bool
    contact_level: int
    last_complaint_at: datetime | None
    owner_id: int | None
    supervisor_id: int | None

    def assignee(self) -> int | None:
        """F8: VIP and key customers go to the team's supervisor, others to their owner."""
        if self.tier in ("vip", "key") and self.supervisor_id is not None:
            return self.supervisor_id
        return self.owner_id


@dataclass(frozen=True)
class ExistingFollowUp:
    followup: PlannedFollowUp
    scheduled_at: datetime | None


@dataclass(frozen=True)
class PlannedRow:
    """One follow-up row to insert, with every field the table needs."""

    adjustment: Adjustment
    status: str
    owner_id: int | None

    @property
    def followup(self) -> PlannedFollowUp:
        return self.adjustment.followup


def wanted_followups(ctx: PlanContext, events: Sequence[Event]) -> list[PlannedFollowUp]:
    """Follow-ups the rules ask for that are still ahead of us (and, for time-triggered
    ones, already inside the planning horizon)."""
    horizon_end = ctx.now + ctx.horizon
    result = []
    for event in events:
        for followup in plan_event(event, ctx.rules, ctx.calendar):
            if followup.due_end <= ctx.now:
                continue  # its whole window is in the past: history, not a plan
            if followup.trigger in TIME_TRIGGERED and followup.due_start > horizon_end:
                continue  # the sweep will plan it when it comes closer
            result.append(followup)
    return result


def plan_customer(
    ctx: PlanContext,
    customer: CustomerRow,
    segments: frozenset[str],
    wanted: Sequence[PlannedFollowUp],
    *,
    existing: Sequence[ExistingFollowUp],
    past_contacts: Sequence[Contact],
    owner_id: int | None,
) -> list[PlannedRow]:
    if not wanted:
        return []
    history = list(past_contacts) + [
        Contact(e.scheduled_at, e.followup.channel, e.followup.routine)
        for e in existing
        if e.scheduled_at is not None
    ]
    adjustments = resolve(
        wanted,
        existing=[e.followup for e in existing],
        history=history,
        prefs=ctx.preferences_of(
            customer.preferred_channel,
            customer.preferred_window_start,
            customer.preferred_window_end,
            customer.refused_channels or [],
            customer.opted_out,
        ),
        calendar=ctx.calendar,
        contact_rules=ctx.contact_rules,
        now=ctx.now,
        recent_complaint_at=customer.last_complaint_at,
        blackouts=ctx.blackouts_for(customer.industry, segments),
        contact_level=customer.contact_level,
        adjustment_rules=ctx.adjustment_rules,
    )
    return [PlannedRow(a, STATUS_FOR_ACTION[a.action], owner_id) for a in adjustments]


def history_since(ctx: PlanContext) -> datetime:
    """How far back contacts matter: the routine gap, the cap and the recent-contact window."""
    rules = ctx.contact_rules
    return ctx.now - max(
        rules.cap_window,
        rules.min_routine_gap,
        ctx.adjustment_rules.recent_interaction_window,
        timedelta(days=1),
    )


def longest_chain(rules: Sequence[CadenceRule]) -> timedelta:
    """How long after its event a rule's last step can still be due: an upper bound, with a
    working day counted as two calendar days (holidays such as Spring Festival)."""
    per_unit = {
        OffsetUnit.MINUTES: timedelta(minutes=1),
        OffsetUnit.HOURS: timedelta(hours=1),
        OffsetUnit.DAYS: timedelta(days=1),
        OffsetUnit.WORKING_HOURS: timedelta(hours=24),
        OffsetUnit.WORKING_DAYS: timedelta(days=2),
    }
    spans = [
        step.offset.amount * per_unit[step.offset.unit]
        + step.window.amount * per_unit[step.window.unit]
        for rule in rules
        for step in rule.steps
    ]
    return max([timedelta(days=1), *spans])


CALENDAR_UNKNOWN = "calendar_unknown"


def reasons_json(adjustment: Adjustment, calendar: WorkingCalendar) -> list[dict[str, str]]:
    reasons = [{"code": str(r.code), "detail": r.detail} for r in adjustment.reasons]
    at = adjustment.at
    if at is not None and at.astimezone(calendar.tz).year not in calendar.covered_years:
        # Planned into a year without official holidays: plain weekends were assumed.
        year = at.astimezone(calendar.tz).year
        detail = f"{year} has no official holiday data yet; plain weekends were assumed"
        reasons.append({"code": CALENDAR_UNKNOWN, "detail": detail})
    return reasons


def channel_of(adjustment: Adjustment) -> Channel:
    return adjustment.channel or adjustment.followup.channel
