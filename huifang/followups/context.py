"""Everything the pure planner needs, read from the database once per planning run."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from huifang.domain.cadence import (
    AdjustmentRules,
    CadenceRule,
    Conditions,
    Offset,
    OffsetUnit,
    Step,
    Trigger,
)
from huifang.domain.calendar import WorkingCalendar
from huifang.domain.contact_policy import Channel, ContactRules, Preferences
from huifang.followups.events import HOLIDAY_GREETING_LEAD, care_rule, holiday_starts
from huifang.followups.models import Blackout, ContactPolicy
from huifang.followups.models import CadenceRule as RuleRow
from huifang.workdays.selectors import working_calendar


def domain_rule_from_data(rule: dict[str, Any], steps: Sequence[dict[str, Any]]) -> CadenceRule:
    """A domain rule from a rule's fields and its steps' fields (rows or a form's data)."""
    return CadenceRule(
        code=rule["code"],
        name=rule["name"],
        trigger=Trigger(rule["trigger"]),
        conditions=Conditions(
            tiers=frozenset(rule["tiers"]),
            product_classes=frozenset(rule["product_classes"]),
            problem_natures=frozenset(rule["problem_natures"]),
            severities=frozenset(rule["severities"]),
            industries=frozenset(rule["industries"]),
            segments=frozenset(rule["segments"]),
        ),
        steps=tuple(
            Step(
                offset=Offset(s["offset_amount"], OffsetUnit(s["offset_unit"])),
                window=Offset(s["window_amount"], OffsetUnit(s["window_unit"])),
                channel=Channel(s["channel"]),
                purpose=s["purpose"],
                script=s["script"],
                questionnaire=s["questionnaire"],
                importance=s["importance"],
                routine=s["routine"],
                announce_day_before=s["announce_day_before"],
            )
            for s in steps
        ),
        priority=rule["priority"],
        active=rule["active"],
        repeat_every=Offset(rule["repeat_every_days"], OffsetUnit.DAYS)
        if rule["repeat_every_days"]
        else None,
    )


RULE_FIELDS = (
    "code", "name", "trigger", "tiers", "product_classes", "problem_natures", "severities",
    "industries", "segments", "priority", "repeat_every_days", "active",
)  # fmt: skip
STEP_FIELDS = (
    "offset_amount", "offset_unit", "window_amount", "window_unit", "channel", "purpose",
    "script", "questionnaire", "importance", "routine", "announce_day_before",
)  # fmt: skip


def domain_rule(row: RuleRow) -> CadenceRule:
    steps = sorted(row.steps.all(), key=lambda s: s.position)
    return domain_rule_from_data(
        {f: getattr(row, f) for f in RULE_FIELDS},
        [{f: getattr(s, f) for f in STEP_FIELDS} for s in steps],
    )


def active_rules() -> tuple[CadenceRule, ...]:
    rows = RuleRow.objects.filter(active=True).prefetch_related("steps")
    return tuple(domain_rule(row) for row in rows if row.steps.all())


@dataclass(frozen=True)
class BlackoutPeriod:
    industries: frozenset[str]
    segments: frozenset[str]
    start: datetime
    end: datetime

    def applies_to(self, industry: str, segments: frozenset[str]) -> bool:
        if not self.industries and not self.segments:
            return True
        return industry in self.industries or bool(self.segments & segments)


@dataclass(frozen=True)
class PlanContext:
    now: datetime
    calendar: WorkingCalendar
    rules: tuple[CadenceRule, ...]
    contact_rules: ContactRules
    adjustment_rules: AdjustmentRules
    horizon: timedelta
    blackouts: tuple[BlackoutPeriod, ...]
    # First days of the holiday breaks a greeting may be planned for now (holiday care).
    holiday_starts: tuple[date, ...] = ()
    _care_rules: dict[tuple[str, str, frozenset[str]], CadenceRule | None] = field(
        default_factory=dict, compare=False, repr=False
    )
    _preferences: dict[tuple[object, ...], Preferences] = field(
        default_factory=dict, compare=False, repr=False
    )

    def preferences_of(
        self,
        preferred_channel: str,
        window_start: time | None,
        window_end: time | None,
        refused_channels: Sequence[str],
        opted_out: bool,
    ) -> Preferences:
        """The customer's wishes as the contact policy reads them; most customers share a
        few, and one shared object also makes the planner's remembered placements match
        at once (an identical key object compares without looking inside)."""
        key = (preferred_channel, window_start, window_end, tuple(refused_channels), opted_out)
        found = self._preferences.get(key)
        if found is None:
            found = preferences(
                preferred_channel=preferred_channel,
                preferred_window_start=window_start,
                preferred_window_end=window_end,
                refused_channels=refused_channels,
                opted_out=opted_out,
            )
            self._preferences[key] = found
        return found

    def care_rule_for(
        self, tier: str, industry: str, segments: frozenset[str]
    ) -> CadenceRule | None:
        """The periodic-care rule for customers like this one (a million customers share a
        handful of answers, so each is looked up once per run)."""
        key = (tier, industry, segments)
        if key not in self._care_rules:
            self._care_rules[key] = care_rule(self.rules, tier, industry, segments)
        return self._care_rules[key]

    @property
    def today(self) -> date:
        return self.now.astimezone(self.calendar.tz).date()

    def local(self, day: date, at: time = time(9)) -> datetime:
        """A date-only fact (delivered on, contract ends on) as a moment: 09:00 local."""
        return datetime.combine(day, at, tzinfo=self.calendar.tz)

    def blackouts_for(
        self, industry: str, segments: frozenset[str]
    ) -> Sequence[tuple[datetime, datetime]]:
        return [(b.start, b.end) for b in self.blackouts if b.applies_to(industry, segments)]


def load_context(now: datetime, *, rules: Iterable[CadenceRule] | None = None) -> PlanContext:
    policy = ContactPolicy.objects.get_or_create(pk=1)[0]
    calendar = working_calendar()
    tz = calendar.tz
    blackouts = tuple(
        BlackoutPeriod(
            industries=frozenset(b.industries),
            segments=frozenset(b.segments),
            start=datetime.combine(b.starts_on, time(0), tzinfo=tz),
            end=datetime.combine(b.ends_on + timedelta(days=1), time(0), tzinfo=tz),
        )
        for b in Blackout.objects.all()
    )
    today = now.astimezone(tz).date()
    horizon = timedelta(days=policy.planning_horizon_days)
    return PlanContext(
        now=now,
        calendar=calendar,
        rules=tuple(rules) if rules is not None else active_rules(),
        contact_rules=ContactRules(
            max_contacts=policy.max_contacts,
            cap_window=timedelta(hours=policy.cap_window_hours),
            min_routine_gap=timedelta(days=policy.min_routine_gap_days),
            allow_rest_days=policy.allow_rest_days,
        ),
        adjustment_rules=AdjustmentRules(
            recent_interaction_window=timedelta(days=policy.recent_interaction_days)
        ),
        horizon=horizon,
        blackouts=blackouts,
        holiday_starts=holiday_starts(
            calendar.holidays, today, today + horizon + HOLIDAY_GREETING_LEAD
        ),
    )


CHANNELS = frozenset(str(c) for c in Channel)


def preferences(
    *,
    preferred_channel: str,
    preferred_window_start: time | None,
    preferred_window_end: time | None,
    refused_channels: Sequence[str],
    opted_out: bool,
) -> Preferences:
    window = None
    if preferred_window_start and preferred_window_end:
        window = (preferred_window_start, preferred_window_end)
    return Preferences(
        preferred_window=window,
        refused_channels=frozenset(Channel(c) for c in refused_channels if c in CHANNELS),
        opted_out=opted_out,
        preferred_channel=Channel(preferred_channel) if preferred_channel else None,
    )
