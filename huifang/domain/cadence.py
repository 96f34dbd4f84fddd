"""Follow-up cadence (spec F1–F3, F6): rules as data, events planned into follow-ups,
and a plan resolved against the contact policy (F4, F5).

Pure standard library; nothing here reads the clock (``resolve`` takes ``now``). Every
datetime must be time-zone aware; datetimes handed back are in the calendar's zone.

Three steps, each a plain function:

1. ``select_rule`` — the most specific active rule for the event (tier × product class ×
   problem nature × …, F3); ties go to the higher ``priority``, then the smaller code.
2. ``plan_event`` — one ``PlannedFollowUp`` per step of that rule: a due window computed
   from the event with calendar or working-time offsets, and a deterministic dedupe key.
3. ``resolve`` — the day-to-day judgement: merge duplicates, apply the customer's
   dynamic adjustments (F6), and place each follow-up at the earliest moment the
   contact policy allows, keeping the reason for every merge, move and suppression.

Choices worth knowing:

* ``routine`` means care that can wait (satisfaction checks, periodic care, renewal,
  holiday greetings). Service contacts — confirming a delivery, an installation or a
  fix — are not routine: no routine gap, no deferral, no blackout; they still obey the
  opt-out, refused channels, contact hours and the frequency cap.
* Offsets of a step count from ``Event.reference_at`` when the event names a date it is
  about (contract end, expected repurchase date, the holiday), else from
  ``occurred_at``. Negative offsets ("60 days before the contract ends") are allowed in
  calendar units. A window that would open before the event itself (the event arrived
  late) starts at the event instead, keeping its length: the customer still gets the
  follow-up, as soon as possible.
* A step's ``window`` is an ``Offset`` too, so "within 2 working hours" stays short on a
  weekday and still spans the weekend when the fix lands on Friday evening.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import cached_property
from zoneinfo import ZoneInfo

from huifang.domain.calendar import WorkingCalendar
from huifang.domain.classification import Flag, ProductClass, Tier
from huifang.domain.contact_policy import (
    TERMINAL,
    Channel,
    Contact,
    ContactRules,
    Decision,
    Preferences,
    Reason,
    ReasonCode,
    _fmt,  # private to the domain package: one formatter for every moment a reason names
    earliest_allowed,
)

__all__ = [
    "DEFAULT_ADJUSTMENT_RULES",
    "DEFAULT_RULES",
    "Action",
    "Adjustment",
    "AdjustmentRules",
    "CadenceError",
    "CadenceRule",
    "Conditions",
    "Event",
    "Offset",
    "OffsetUnit",
    "PlannedFollowUp",
    "ProblemNature",
    "Step",
    "Trigger",
    "make_dedupe_key",
    "plan_event",
    "resolve",
    "select_rule",
]

ZERO = timedelta(0)


class CadenceError(ValueError):
    """A rule, event or plan that cannot describe real follow-ups."""


class Trigger(StrEnum):
    # Event-triggered (F1)
    DELIVERY = "delivery"
    FIRST_USE = "first_use"
    PURCHASE = "purchase"
    TICKET_SOLVED = "ticket_solved"
    FEATURE_RELEASE = "feature_release"
    # Time-triggered (F2): raised by a scheduler
    RENEWAL_APPROACHING = "renewal_approaching"
    REPURCHASE_DUE = "repurchase_due"
    PERIODIC_CARE = "periodic_care"
    HOLIDAY_CARE = "holiday_care"


class ProblemNature(StrEnum):
    URGENT_FAULT = "urgent_fault"  # 紧急故障: stops normal use
    NORMAL_PROBLEM = "normal_problem"
    CONSULTATION = "consultation"  # 一般咨询: how-to questions


class OffsetUnit(StrEnum):
    MINUTES = "minutes"
    HOURS = "hours"
    DAYS = "days"  # same local clock time, n calendar days later
    WORKING_HOURS = "working_hours"
    WORKING_DAYS = "working_days"  # same local clock time on the n-th working day after


WORKING_UNITS = frozenset({OffsetUnit.WORKING_HOURS, OffsetUnit.WORKING_DAYS})
# Plain names for the members: looking a member up on its enum class is slow.
_MINUTES, _HOURS, _DAYS, _WORKING_HOURS, _WORKING_DAYS = OffsetUnit


def _require_aware(value: datetime, name: str) -> None:
    if not isinstance(value, datetime):
        raise CadenceError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise CadenceError(f"{name} must be time-zone aware, got naive {value.isoformat()}")


@dataclass(frozen=True)
class Offset:
    amount: int
    unit: OffsetUnit

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise CadenceError(f"offset amount must be an int, got {self.amount!r}")
        object.__setattr__(self, "unit", OffsetUnit(self.unit))
        # Working time only runs forwards in the calendar; "before" uses calendar units.
        if self.unit in WORKING_UNITS and self.amount < 0:
            raise CadenceError(f"{self.unit} offsets cannot be negative, got {self.amount}")

    def apply(self, start: datetime, calendar: WorkingCalendar) -> datetime:
        _require_aware(start, "offset start")
        return self._apply(start, calendar)

    def _apply(self, start: datetime, calendar: WorkingCalendar) -> datetime:
        """``apply`` for a ``start`` already known to be aware (plan_event's own)."""
        unit = self.unit
        if unit is _WORKING_DAYS:
            return calendar.add_working_days(start, self.amount)
        if unit is _WORKING_HOURS:
            return calendar.add_working_time(start, self._delta)
        tz = calendar.tz
        if unit is _DAYS:
            # Wall-clock days (keeps 10:00 at 10:00), normalised through UTC for DST zones.
            wall = start.astimezone(tz) + self._delta
            return wall.astimezone(UTC).astimezone(tz)
        return (start.astimezone(UTC) + self._delta).astimezone(tz)

    @cached_property
    def _delta(self) -> timedelta:
        """The offset as a timedelta (not used for working days), built once per offset."""
        if self.unit is _WORKING_HOURS:
            return timedelta(hours=self.amount)
        if self.unit is _DAYS:
            return timedelta(days=self.amount)
        step = timedelta(hours=1) if self.unit is _HOURS else timedelta(minutes=1)
        return self.amount * step


def _h(amount: int) -> Offset:
    return Offset(amount, OffsetUnit.HOURS)


def _d(amount: int) -> Offset:
    return Offset(amount, OffsetUnit.DAYS)


def _wh(amount: int) -> Offset:
    return Offset(amount, OffsetUnit.WORKING_HOURS)


def _wd(amount: int) -> Offset:
    return Offset(amount, OffsetUnit.WORKING_DAYS)


# --- events and conditions -------------------------------------------------------------


def _strings(value: Iterable[str], name: str) -> frozenset[str]:
    # frozenset("vip") would be {"v", "i", "p"}: refuse a bare string.
    if isinstance(value, str):
        raise CadenceError(f"{name} must be a set of strings, not the string {value!r}")
    return frozenset(str(v) for v in value)


@dataclass(frozen=True)
class Event:
    """Something that happened to a customer and may call for follow-ups."""

    trigger: Trigger
    customer_id: int
    occurred_at: datetime
    source_ref: str  # "purchase:42", "ticket:7": ties follow-ups to their origin
    tier: str
    product_class: str | None = None
    problem_nature: str | None = None
    severity: str | None = None
    industry: str | None = None
    segments: frozenset[str] = frozenset()  # segments and flags: high_value, long_term, …
    reference_at: datetime | None = None  # contract end, repurchase date, holiday

    def __post_init__(self) -> None:
        # The sweep builds one per purchase and customer: convert only what needs it.
        if type(self.trigger) is not Trigger:
            object.__setattr__(self, "trigger", Trigger(self.trigger))
        _require_aware(self.occurred_at, "occurred_at")
        if self.reference_at is not None:
            _require_aware(self.reference_at, "reference_at")
        if not self.source_ref:
            raise CadenceError("source_ref must name where the event came from")
        segments = self.segments
        if type(segments) is not frozenset or not all(type(s) is str for s in segments):
            object.__setattr__(self, "segments", _strings(segments, "segments"))


_CONDITION_FIELDS = (
    "tiers",
    "product_classes",
    "problem_natures",
    "severities",
    "industries",
    "segments",
)


def _allows(allowed: frozenset[str], value: str | None) -> bool:
    return not allowed or (value is not None and value in allowed)


@dataclass(frozen=True)
class Conditions:
    """Which events a rule is for; an empty set means "any". Segments match on any one."""

    tiers: frozenset[str] = frozenset()
    product_classes: frozenset[str] = frozenset()
    problem_natures: frozenset[str] = frozenset()
    severities: frozenset[str] = frozenset()
    industries: frozenset[str] = frozenset()
    segments: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for name in _CONDITION_FIELDS:
            object.__setattr__(self, name, _strings(getattr(self, name), name))

    def matches(self, event: Event) -> bool:
        return (
            _allows(self.tiers, event.tier)
            and _allows(self.product_classes, event.product_class)
            and _allows(self.problem_natures, event.problem_nature)
            and _allows(self.severities, event.severity)
            and _allows(self.industries, event.industry)
            and (not self.segments or bool(self.segments & event.segments))
        )

    @cached_property  # asked for every event; the conditions never change
    def specificity(self) -> int:
        """How many dimensions the rule pins down; the most specific matching rule wins."""
        return sum(1 for name in _CONDITION_FIELDS if getattr(self, name))


# --- rules --------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    offset: Offset  # from the event (or its reference date) to the opening of the window
    window: Offset  # from the opening to the close of the window; must be positive
    channel: Channel
    purpose: str  # Chinese, shown to agents; same purpose + overlapping window = duplicate
    script: str  # code of the 话术 script
    questionnaire: str  # code of the questionnaire; "" for none
    importance: int  # higher wins collisions and is placed first
    routine: bool = True
    announce_day_before: bool = False  # S002: announce the call a day ahead by SMS

    def __post_init__(self) -> None:
        object.__setattr__(self, "channel", Channel(self.channel))
        if self.window.amount <= 0:
            raise CadenceError(f"step window must be positive, got {self.window}")
        if not self.purpose:
            raise CadenceError("a step needs a purpose")


@dataclass(frozen=True)
class CadenceRule:
    code: str
    name: str
    trigger: Trigger
    conditions: Conditions
    steps: tuple[Step, ...]
    priority: int = 0
    active: bool = True
    # Time-triggered rules only: how often the scheduler raises the trigger again
    # (quarterly deep care vs monthly calls). plan_event does not read it.
    repeat_every: Offset | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "trigger", Trigger(self.trigger))
        object.__setattr__(self, "steps", tuple(self.steps))
        if not self.code:
            raise CadenceError("a rule needs a code")
        if not self.steps:
            raise CadenceError(f"rule {self.code} has no steps")
        if self.repeat_every is not None and self.repeat_every.amount <= 0:
            raise CadenceError(f"rule {self.code}: repeat_every must be positive")

    def _step_windows(self, anchor: datetime, calendar: WorkingCalendar) -> tuple[_Window, ...]:
        """(opening, close, opening in UTC) of every step counted from ``anchor`` (in the
        calendar's zone; so are opening and close).

        Thousands of events share an anchor (09:00 on a delivery date, "now") and this
        calendar arithmetic is most of plan_event's work, so each rule remembers it.
        """
        windows = self._memo.windows_for(calendar)
        key = (anchor, anchor.fold)  # fold too: equal wall clocks can be two instants
        found = windows.get(key)
        if found is None:
            found = tuple(self._compute_step_windows(anchor, calendar))
            if len(windows) >= MAX_REMEMBERED_ANCHORS:
                windows.clear()
            windows[key] = found
        return found

    def _compute_step_windows(
        self, anchor: datetime, calendar: WorkingCalendar
    ) -> Iterable[_Window]:
        for step in self.steps:
            # anchor is aware (Event checked it) and so is every moment an offset returns.
            start = step.offset._apply(anchor, calendar)
            yield start, step.window._apply(start, calendar), start.astimezone(UTC)

    @cached_property
    def _memo(self) -> _WindowMemo:
        # Not a field: equality, hashing and repr ignore it; replace() starts afresh.
        return _WindowMemo()


_Window = tuple[datetime, datetime, datetime]
# Per rule; a planning run meets a few hundred anchors (dates, "now"), but solved tickets
# bring a new one each, so a long-lived process must not keep them all.
MAX_REMEMBERED_ANCHORS = 4096


class _WindowMemo:
    """A rule's step windows by anchor, for the one calendar they were worked out in."""

    __slots__ = ("_slot",)

    def __init__(self) -> None:
        self._slot: tuple[WorkingCalendar | None, dict[tuple[datetime, int], tuple[_Window, ...]]]
        self._slot = (None, {})

    def windows_for(
        self, calendar: WorkingCalendar
    ) -> dict[tuple[datetime, int], tuple[_Window, ...]]:
        # One tuple read and one tuple write: threads planning with two calendars at once
        # (one just reloaded) never mix their windows; at worst they forget each other's.
        remembered_for, windows = self._slot
        if remembered_for is not calendar:
            windows = {}
            self._slot = (calendar, windows)
        return windows


@dataclass(frozen=True)
class PlannedFollowUp:
    customer_id: int
    rule_code: str
    step_index: int
    purpose: str
    channel: Channel
    due_start: datetime
    due_end: datetime
    importance: int
    routine: bool
    announce_day_before: bool
    source_ref: str
    script: str
    questionnaire: str
    dedupe_key: str
    trigger: Trigger
    anchor: datetime  # the moment the offsets counted from (for contact-level scaling)

    def __post_init__(self) -> None:
        # plan_event builds millions of these from parts already converted: skip the
        # enum calls when there is nothing to convert.
        if type(self.channel) is not Channel:
            object.__setattr__(self, "channel", Channel(self.channel))
        if type(self.trigger) is not Trigger:
            object.__setattr__(self, "trigger", Trigger(self.trigger))
        _require_aware(self.due_start, "due_start")
        _require_aware(self.due_end, "due_end")
        _require_aware(self.anchor, "anchor")
        if self.due_end < self.due_start:
            raise CadenceError(f"follow-up {self.dedupe_key} is due to end before it starts")


def _followup_from_checked_parts(**values: object) -> PlannedFollowUp:
    """A PlannedFollowUp built without its frozen ``__init__`` and ``__post_init__``.

    For plan_event only, whose parts are normalised and checked already: Step and Event
    converted channel and trigger, and every moment is aware. Building the instance
    directly is three times cheaper, and plan_event builds one per step of every event.
    The one check its parts do not imply by themselves (end before start) stays.
    """
    followup = object.__new__(PlannedFollowUp)
    followup.__dict__.update(values)
    if followup.due_end < followup.due_start:
        raise CadenceError(f"follow-up {followup.dedupe_key} is due to end before it starts")
    return followup


def make_dedupe_key(
    customer_id: int, trigger: Trigger, source_ref: str, purpose: str, step_index: int
) -> str:
    """Same customer, event, purpose and step → same key, however often it is planned.

    The trigger is part of the event's identity: delivery and first use of one purchase
    share ``purchase:42`` but are two events (their overlapping first contacts still
    merge, by purpose and window).
    """
    return _dedupe_prefix(customer_id, trigger, source_ref) + f"{purpose}|{step_index}"


def _dedupe_prefix(customer_id: int, trigger: Trigger, source_ref: str) -> str:
    # The event's part of the key: plan_event formats it once for all the steps.
    return f"{customer_id}|{trigger}|{source_ref}|"


def select_rule(event: Event, rules: Sequence[CadenceRule]) -> CadenceRule | None:
    """The most specific active rule for the event; ties: higher priority, then code."""
    if type(rules) is tuple:  # frozen rules in a tuple never change: safe to remember
        return _RULE_CHOICES.choose(event, rules)
    return _choose_rule(event, rules)


def _choose_rule(event: Event, rules: Sequence[CadenceRule]) -> CadenceRule | None:
    matching = [
        r for r in rules if r.active and r.trigger == event.trigger and r.conditions.matches(event)
    ]
    if not matching:
        return None
    return min(matching, key=lambda r: (-r.conditions.specificity, -r.priority, r.code))


# Distinct kinds of event a rule set is asked about before its choices start afresh.
MAX_REMEMBERED_CHOICES = 4096
_NOT_CHOSEN_YET = object()


class _RuleChoices:
    """The rule chosen for each kind of event, for the one rules tuple last asked about.

    Every event of a planning run is matched against the same rules, and events differ
    in far fewer ways than there are events. The key holds every attribute
    ``Conditions.matches`` reads, and equal values match alike (same hash and equality
    in the sets), so a remembered choice is the one ``_choose_rule`` would make.
    """

    __slots__ = ("_slot",)

    def __init__(self) -> None:
        self._slot: tuple[tuple[CadenceRule, ...], dict[tuple[object, ...], CadenceRule | None]]
        self._slot = ((), {})

    def choose(self, event: Event, rules: tuple[CadenceRule, ...]) -> CadenceRule | None:
        # One tuple read and one write, so concurrent planners never mix two rule sets.
        remembered_for, choices = self._slot
        if remembered_for is not rules:
            choices = {}
            self._slot = (rules, choices)
        key = (
            event.trigger,
            event.tier,
            event.product_class,
            event.problem_nature,
            event.severity,
            event.industry,
            event.segments,
        )
        try:
            choice = choices.get(key, _NOT_CHOSEN_YET)
        except TypeError:  # an unhashable attribute: choose without remembering
            return _choose_rule(event, rules)
        if choice is _NOT_CHOSEN_YET:
            choice = _choose_rule(event, rules)
            if len(choices) >= MAX_REMEMBERED_CHOICES:
                choices.clear()
            choices[key] = choice
        return choice  # type: ignore[return-value]


_RULE_CHOICES = _RuleChoices()


def plan_event(
    event: Event, rules: Sequence[CadenceRule], calendar: WorkingCalendar
) -> list[PlannedFollowUp]:
    """The follow-ups the selected rule asks for; [] when no rule applies."""
    rule = select_rule(event, rules)
    if rule is None:
        return []
    tz = calendar.tz
    occurred = event.occurred_at
    anchor = (event.reference_at or occurred).astimezone(tz)
    # Openings are in tz: compared with an occurred_at in tz by wall clock, as Python
    # does, else as instants, which UTC on both sides gives without converting each one.
    same_zone = occurred.tzinfo is tz
    occurred_utc = occurred.astimezone(UTC)
    key_prefix = _dedupe_prefix(event.customer_id, event.trigger, event.source_ref)
    planned: list[PlannedFollowUp] = []
    windows = rule._step_windows(anchor, calendar)
    for index, (step, (start, end, start_utc)) in enumerate(zip(rule.steps, windows, strict=True)):
        late = start < occurred if same_zone else start_utc < occurred_utc
        if late:  # the event came late: start now, keep the length
            start, end = occurred.astimezone(tz), occurred + (end - start)
        planned.append(
            _followup_from_checked_parts(
                customer_id=event.customer_id,
                rule_code=rule.code,
                step_index=index,
                purpose=step.purpose,
                channel=step.channel,
                due_start=start,
                due_end=end.astimezone(tz),
                importance=step.importance,
                routine=step.routine,
                announce_day_before=step.announce_day_before,
                source_ref=event.source_ref,
                script=step.script,
                questionnaire=step.questionnaire,
                dedupe_key=f"{key_prefix}{step.purpose}|{index}",  # as make_dedupe_key
                trigger=event.trigger,
                anchor=anchor,
            )
        )
    return planned


# --- resolving a plan ------------------------------------------------------------------


class Action(StrEnum):
    KEEP = "keep"  # placed at its due_start
    MOVE = "move"  # placed later than its due_start; reasons say why
    MERGE = "merge"  # folded into ``merged_into``; not contacted separately
    SUPPRESS = "suppress"  # not contacted at all; reasons say why


@dataclass(frozen=True)
class Adjustment:
    followup: PlannedFollowUp  # as planned, unchanged
    action: Action
    at: datetime | None  # the contact moment for keep/move
    reasons: tuple[Reason, ...]
    merged_into: str | None = None  # dedupe_key of the follow-up that absorbs this one
    channel: Channel | None = None  # the channel to use for keep/move


@dataclass(frozen=True)
class AdjustmentRules:
    """F6 dynamic adjustment parameters (defaults from S004)."""

    # Routine care waits until this long after the last contact or complaint.
    recent_interaction_window: timedelta = timedelta(days=30)
    # Which routine follow-ups count as "care" that a recent interaction defers. Holiday
    # greetings are not deferred: a month late they miss the holiday.
    deferrable_triggers: frozenset[Trigger] = frozenset({Trigger.PERIODIC_CARE})
    # contact_level -1 (less contact) / +1 (more): factor on a routine follow-up's delay
    # after its anchor; windows keep their length. Negative offsets ("before the
    # contract ends") are reminders tied to a date and are never scaled.
    less_contact_factor: float = 2.0
    more_contact_factor: float = 0.5
    # announce_day_before: the call is not placed sooner than this after now.
    notice_lead: timedelta = timedelta(days=1)

    def __post_init__(self) -> None:
        if self.recent_interaction_window < ZERO or self.notice_lead < ZERO:
            raise CadenceError("recent_interaction_window and notice_lead must not be negative")
        if self.less_contact_factor < 1 or not 0 < self.more_contact_factor <= 1:
            raise CadenceError("less_contact_factor must be ≥ 1, more_contact_factor in (0, 1]")
        object.__setattr__(
            self, "deferrable_triggers", frozenset(Trigger(t) for t in self.deferrable_triggers)
        )


DEFAULT_ADJUSTMENT_RULES = AdjustmentRules()


def resolve(
    planned: Sequence[PlannedFollowUp],
    *,
    existing: Sequence[PlannedFollowUp],
    history: Sequence[Contact],
    prefs: Preferences,
    calendar: WorkingCalendar,
    contact_rules: ContactRules,
    now: datetime,
    recent_complaint_at: datetime | None = None,
    blackouts: Sequence[tuple[datetime, datetime]] = (),
    contact_level: int = 0,
    adjustment_rules: AdjustmentRules = DEFAULT_ADJUSTMENT_RULES,
) -> list[Adjustment]:
    """Decide, for one customer, what happens to each newly planned follow-up.

    ``existing`` are the customer's follow-ups already scheduled (for duplicates and
    merging only); ``history`` holds every contact already made *or already scheduled*
    — including those of ``existing`` — for the cap and the routine gap.

    Most important first (then earliest due, then key). A follow-up whose key is already
    planned, or whose purpose matches an existing or already kept one with an
    overlapping due window, is merged into it: kept ones are at least as important, and
    existing ones keep their slot because they may already be assigned or announced.
    Every other one is placed at the earliest allowed moment of its window (searching
    one more window length if the window has none) or suppressed, and then counts as a
    contact for the ones after it. Returned in that order of decision.
    """
    _require_aware(now, "now")
    if recent_complaint_at is not None:
        _require_aware(recent_complaint_at, "recent_complaint_at")
    if contact_level not in (-1, 0, 1):
        raise CadenceError(f"contact_level must be -1, 0 or 1, got {contact_level!r}")
    customers = {f.customer_id for f in planned}
    if len(customers) > 1:
        raise CadenceError(f"resolve one customer at a time, got {sorted(customers)}")

    order = sorted(planned, key=lambda f: (-f.importance, f.due_start, f.dedupe_key))
    if prefs.opted_out:  # C5: no merging or moving changes this
        reason = Reason(ReasonCode.OPTED_OUT, "the customer opted out of follow-ups")
        return [Adjustment(f, Action.SUPPRESS, None, (reason,)) for f in order]

    placer = _Placer(
        contacts=list(history),
        prefs=prefs,
        calendar=calendar,
        contact_rules=contact_rules,
        now=now,
        recent_complaint_at=recent_complaint_at,
        blackouts=tuple(blackouts),
        contact_level=contact_level,
        rules=adjustment_rules,
        tz=calendar.tz,
    )
    mine = [e for e in existing if e.customer_id in customers]
    taken = {e.dedupe_key for e in mine}
    kept: list[PlannedFollowUp] = []
    result: list[Adjustment] = []
    placements = _PLACEMENTS.for_run(calendar, contact_rules, now, adjustment_rules)
    for followup in order:
        adjustment = _merge(followup, mine, kept, taken, calendar.tz)
        if adjustment is None:
            adjustment = placer.place_remembered(followup, placements)
            if adjustment.at is not None and adjustment.channel is not None:
                placer.contacts.append(Contact(adjustment.at, adjustment.channel, followup.routine))
                kept.append(followup)
        taken.add(followup.dedupe_key)
        result.append(adjustment)
    return result


def _merge(
    followup: PlannedFollowUp,
    existing: Sequence[PlannedFollowUp],
    kept: Sequence[PlannedFollowUp],
    taken: set[str],
    tz: ZoneInfo,
) -> Adjustment | None:
    key = followup.dedupe_key
    if key in taken:
        reason = Reason(ReasonCode.DUPLICATE, f"{key} is already planned")
        return Adjustment(followup, Action.MERGE, None, (reason,), merged_into=key)
    if not existing and not kept:
        return None  # nothing to merge into
    overlapping = [
        other
        for other in (*existing, *kept)
        if other.purpose == followup.purpose
        and other.due_start < followup.due_end
        and followup.due_start < other.due_end
    ]
    if not overlapping:
        return None
    # max() keeps the first of equals: existing ones before kept ones.
    target = max(overlapping, key=lambda other: other.importance)
    detail = (
        f"same purpose ({followup.purpose}) as {target.dedupe_key} "
        f"(importance {target.importance} vs {followup.importance}), due "
        f"{_fmt(target.due_start, tz)}–{_fmt(target.due_end, tz)}, overlapping "
        f"{_fmt(followup.due_start, tz)}–{_fmt(followup.due_end, tz)}"
    )
    return Adjustment(
        followup,
        Action.MERGE,
        None,
        (Reason(ReasonCode.MERGED, detail),),
        merged_into=target.dedupe_key,
    )


# Distinct placements remembered before the memory starts afresh.
MAX_REMEMBERED_PLACEMENTS = 65536
_PlacementKey = tuple[object, ...]
_Placement = tuple["Action", datetime | None, tuple[Reason, ...], Channel | None]


class _Placements:
    """Placements already decided in this planning run, by everything a placement reads.

    A re-plan places a million customers' follow-ups, and customers delivered on the same
    day with the same wishes and no other contacts get the same answer: the earliest
    allowed moment depends only on the follow-up's timing and channel, the contacts so
    far, the customer's preferences and the run's calendar, rules and now. The key holds
    all of these (compared by value; the calendar by identity), so a remembered placement
    is the one ``_Placer.place`` would return.
    """

    __slots__ = ("_slot",)

    def __init__(self) -> None:
        self._slot: tuple[tuple[object, ...], dict[_PlacementKey, _Placement]] = ((), {})

    def for_run(
        self,
        calendar: WorkingCalendar,
        contact_rules: ContactRules,
        now: datetime,
        adjustment_rules: AdjustmentRules,
    ) -> dict[_PlacementKey, _Placement]:
        run, placements = self._slot
        if (
            not run
            or run[0] is not calendar
            or run[1] != contact_rules
            or run[2] != now
            or run[3] != adjustment_rules
        ):
            placements = {}
            self._slot = ((calendar, contact_rules, now, adjustment_rules), placements)
        elif len(placements) >= MAX_REMEMBERED_PLACEMENTS:
            placements.clear()
        return placements


_PLACEMENTS = _Placements()


@dataclass(slots=True)
class _Placer:
    contacts: list[Contact]  # history plus the follow-ups kept so far
    prefs: Preferences
    calendar: WorkingCalendar
    contact_rules: ContactRules
    now: datetime
    recent_complaint_at: datetime | None
    blackouts: tuple[tuple[datetime, datetime], ...]
    contact_level: int
    rules: AdjustmentRules
    tz: ZoneInfo  # the calendar's

    def place_remembered(
        self, followup: PlannedFollowUp, placements: dict[_PlacementKey, _Placement]
    ) -> Adjustment:
        f = followup
        key = (
            f.channel, f.routine, f.due_start, f.due_end, f.anchor, f.trigger,
            f.announce_day_before, tuple(self.contacts), self.prefs, self.recent_complaint_at,
            self.blackouts, self.contact_level,
        )  # fmt: skip
        try:
            remembered = placements.get(key)
        except TypeError:  # an unhashable value: place without remembering
            return self.place(followup)
        if remembered is None:
            adjustment = self.place(followup)
            placements[key] = (adjustment.action, adjustment.at, adjustment.reasons,
                               adjustment.channel)  # fmt: skip
            return adjustment
        action, at, reasons, channel = remembered
        return Adjustment(followup, action, at, reasons, channel=channel)

    def place(self, followup: PlannedFollowUp) -> Adjustment:
        channel, reasons = self._channel(followup)
        start = followup.due_start
        length = followup.due_end - followup.due_start
        if followup.routine:
            start = self._scale(followup, start, reasons)
            start = self._defer(followup, start, reasons)
        end = start + length

        search_from = start
        if self.now > search_from:
            opened, now = _fmt(start, self.tz), _fmt(self.now, self.tz)
            detail = f"the window opened at {opened}, before now ({now})"
            reasons.append(Reason(ReasonCode.PAST_DUE, detail))
            search_from = self.now
        if followup.announce_day_before and self.now + self.rules.notice_lead > search_from:
            search_from = self.now + self.rules.notice_lead
            detail = f"the call is announced in advance, so not before {_fmt(search_from, self.tz)}"
            reasons.append(Reason(ReasonCode.NOTICE_PERIOD, detail))

        if search_from <= end:
            decision = self._search(followup, channel, search_from, end)
            if decision.allowed or any(r.code in TERMINAL for r in decision.reasons):
                return self._outcome(followup, channel, reasons, decision)
        # No slot in the window: look one more window length further before giving up.
        extended = max(end, search_from) + length
        detail = (
            f"no allowed moment by {_fmt(end, self.tz)}; searching up to {_fmt(extended, self.tz)}"
        )
        reasons.append(Reason(ReasonCode.WINDOW_EXTENDED, detail))
        decision = self._search(followup, channel, search_from, extended)
        return self._outcome(followup, channel, reasons, decision)

    def _search(
        self, followup: PlannedFollowUp, channel: Channel, start: datetime, end: datetime
    ) -> Decision:
        return earliest_allowed(
            window_start=start,
            window_end=end,
            channel=channel,
            routine=followup.routine,
            history=self.contacts,
            prefs=self.prefs,
            calendar=self.calendar,
            rules=self.contact_rules,
            blackouts=self.blackouts,
        )

    def _outcome(
        self,
        followup: PlannedFollowUp,
        channel: Channel,
        reasons: list[Reason],
        decision: Decision,
    ) -> Adjustment:
        all_reasons = (*reasons, *decision.reasons)
        if decision.at is None:
            return Adjustment(followup, Action.SUPPRESS, None, all_reasons)
        action = Action.KEEP if decision.at == followup.due_start else Action.MOVE
        return Adjustment(followup, action, decision.at, all_reasons, channel=channel)

    def _channel(self, followup: PlannedFollowUp) -> tuple[Channel, list[Reason]]:
        """The customer's preferred channel wins (C5); a refused one is replaced."""
        planned, preferred = followup.channel, self.prefs.preferred_channel
        refused = self.prefs.refused_channels
        if preferred is not None and preferred != planned:
            detail = f"the customer prefers {preferred} to {planned}"
            return preferred, [Reason(ReasonCode.CHANNEL_SWITCHED, detail)]
        if planned in refused:
            for alternative in Channel:
                if alternative not in refused:
                    detail = f"the customer refused {planned}; using {alternative}"
                    return alternative, [Reason(ReasonCode.CHANNEL_SWITCHED, detail)]
        return planned, []  # every channel refused: the policy says so and suppresses

    def _scale(self, followup: PlannedFollowUp, start: datetime, reasons: list[Reason]) -> datetime:
        """contact_level: stretch (-1) or shrink (+1) the delay after the anchor."""
        if self.contact_level == 0:
            return start
        delay = start - followup.anchor
        if delay <= ZERO:
            return start
        if self.contact_level < 0:
            factor, wish = self.rules.less_contact_factor, "less"
        else:
            factor, wish = self.rules.more_contact_factor, "more"
        scaled = (followup.anchor + delay * factor).astimezone(self.tz)
        if scaled != start:
            detail = (
                f"the customer asked for {wish} contact: due {_fmt(scaled, self.tz)} "
                f"instead of {_fmt(start, self.tz)}"
            )
            reasons.append(Reason(ReasonCode.CONTACT_LEVEL, detail))
        return scaled

    def _defer(self, followup: PlannedFollowUp, start: datetime, reasons: list[Reason]) -> datetime:
        """F6: recent contact or complaint defers care; blackouts push routine past them.

        Repeats until nothing moves the start any more: a deferral can land inside a
        blackout and a blackout's end can fall within 30 days of a planned contact.
        Each round moves strictly later and each cause can only fire once per moment.
        """
        window = self.rules.recent_interaction_window
        tz = self.tz
        deferrable = followup.trigger in self.rules.deferrable_triggers and window > ZERO
        if not deferrable and not self.blackouts:
            return start.astimezone(tz)  # nothing could move it
        while True:
            new = start
            if deferrable:
                # Contacts after an overdue window opened still count, up to now.
                horizon, since = max(start, self.now), start - window
                recent = [c.at for c in self.contacts if since < c.at <= horizon]
                if recent:
                    new = max(new, max(recent) + window)
                    detail = (
                        f"contacted at {_fmt(max(recent), tz)}; routine care waits until "
                        f"{_fmt(max(recent) + window, tz)}"
                    )
                    reasons.append(Reason(ReasonCode.DEFERRED_RECENT_CONTACT, detail))
                complaint = self.recent_complaint_at
                if complaint is not None and start - window < complaint <= horizon:
                    new = max(new, complaint + window)
                    detail = (
                        f"complained at {_fmt(complaint, tz)}; routine care waits until "
                        f"{_fmt(complaint + window, tz)}"
                    )
                    reasons.append(Reason(ReasonCode.DEFERRED_RECENT_COMPLAINT, detail))
            covering = [(s, e) for s, e in self.blackouts if s <= new < e]
            if covering:
                blackout_end = max(e for _, e in covering)
                detail = (
                    f"routine contact is paused until {_fmt(blackout_end, tz)}; "
                    f"due {_fmt(new, tz)} moves past it"
                )
                reasons.append(Reason(ReasonCode.BLACKOUT, detail))
                new = blackout_end
            if new == start:
                return start.astimezone(tz)
            start = new


# --- default rules (F1–F3) ---------------------------------------------------------------

_HV = ProductClass.HIGH_VALUE_DURABLE
_LOW = ProductClass.LOW_PRICE_FAST_MOVING
_CONSUMABLES = frozenset({ProductClass.MID_PRICE_CONSUMABLE, _LOW})

# Shared purposes: the same purpose from two rules in overlapping windows is a duplicate.
P_FIRST_CONTACT = "首次回访"  # after delivery or first use, whichever comes first
P_RUNNING = "确认设备运行状态"
P_EARLY_SATISFACTION = "使用初期满意度回访"
P_STABLE_SATISFACTION = "稳定期满意度回访"
P_LONG_TERM = "长期使用体验回访"
P_TRAINING = "操作培训需求回访"
P_PERFORMANCE = "性能评估回访"
P_CONFIRM_FIX = "确认修复效果"
P_USAGE_CHECK = "跟进使用感受"
P_SATISFACTION = "满意度调查"
P_SOLUTION_CHECK = "问题处理效果确认"
P_ANSWER_CHECK = "咨询答复确认"
P_LIGHT_CHECK = "咨询后简单跟进"
P_REPURCHASE = "复购提醒"
P_RENEWAL = "续约沟通"
P_DEEP_CARE = "季度深度关怀"
P_MONTHLY = "月度例行回访"
P_FEATURE = "产品升级告知"
P_HOLIDAY = "节日问候"


# fmt: off
def _urgent_steps(importance: int, survey_channel: Channel) -> tuple[Step, ...]:
    """S004 "2小时-24小时-72小时": confirm within 2 working hours, check use the next
    working day, survey 3 working days later (SLAs are measured in working time, T2).

    The first call is due *within* 2 h rather than at +2 h on purpose: contacts at +2 h,
    +24 h and +72 h would be three within 70 h and break the 72-hour cap of two (F4); from
    +0 h the survey lands exactly 72 h after the first call, which the cap allows."""
    return (
        Step(_wh(0), _wh(2), Channel.PHONE, P_CONFIRM_FIX, "post_solution",
             "fix_confirmation", importance, routine=False),
        Step(_wd(1), _wh(4), Channel.PHONE, P_USAGE_CHECK, "post_solution",
             "usage_check", importance - 20, routine=False),
        Step(_wd(3), _wd(1), survey_channel, P_SATISFACTION, "post_solution",
             "csat", importance - 30, routine=False),
    )


def _consultation_steps(light_check: Step) -> tuple[Step, ...]:
    same_day = Step(_wh(0), _wh(4), Channel.PHONE, P_ANSWER_CHECK, "post_solution",
                    "post_solution", 40, routine=False)
    return (same_day, light_check)


DEFAULT_RULES: tuple[CadenceRule, ...] = (
    # F1 delivery / first use (S002, S004): within 48 h (24 h preferred), 7–15 d, 30 d, 90 d.
    CadenceRule(
        "delivery_standard", "交付后标准回访（24小时-7至15天-30天-90天）", Trigger.DELIVERY,
        Conditions(),
        (
            Step(_h(24), _wd(1), Channel.PHONE, P_FIRST_CONTACT, "first_use",
                 "delivery_check", 50, routine=False),
            Step(_d(7), _d(8), Channel.PHONE, P_EARLY_SATISFACTION, "routine_care", "csat", 40),
            Step(_d(30), _d(7), Channel.SMS, P_STABLE_SATISFACTION, "routine_care", "csat", 30),
            Step(_d(90), _d(14), Channel.PHONE, P_LONG_TERM, "routine_care", "nps", 30),
        ),
    ),
    # S004: high-value durables — runs within 3 days, training at 1 month, review at 3.
    CadenceRule(
        "delivery_high_value", "高单价耐用品交付回访（3天-1个月-3个月）", Trigger.DELIVERY,
        Conditions(product_classes=frozenset({_HV})),
        (
            Step(_h(24), _wd(2), Channel.PHONE, P_RUNNING, "first_use", "delivery_check", 60,
                 routine=False),
            Step(_d(30), _d(7), Channel.PHONE, P_TRAINING, "training_needs", "training_needs",
                 45, announce_day_before=True),
            Step(_d(90), _d(14), Channel.PHONE, P_PERFORMANCE, "performance_review", "nps", 50,
                 announce_day_before=True),
        ),
    ),
    CadenceRule(
        "first_use", "首次使用回访（48小时内）", Trigger.FIRST_USE, Conditions(),
        (Step(_h(24), _wd(1), Channel.PHONE, P_FIRST_CONTACT, "first_use", "first_use", 50,
              routine=False),),
    ),
    # F1 after a ticket is solved (S002, S004).
    CadenceRule(
        "ticket_solved", "问题解决后回访（24小时内，最迟3个工作日）", Trigger.TICKET_SOLVED,
        Conditions(),
        (Step(_wh(0), _wd(3), Channel.PHONE, P_SOLUTION_CHECK, "post_solution",
              "post_solution", 60, routine=False),),
    ),
    CadenceRule(
        "ticket_urgent_fault", "紧急故障解决后回访（2小时-24小时-72小时）", Trigger.TICKET_SOLVED,
        Conditions(problem_natures=frozenset({ProblemNature.URGENT_FAULT})),
        _urgent_steps(90, Channel.SMS),
    ),
    # S002 grading: major (stops use) and urgent (safety, strong complaint) tickets get the
    # urgent-fault cadence even when nobody classified the problem's nature.
    CadenceRule(
        "ticket_severe", "重大/紧急问题解决后回访（2小时-24小时-72小时）", Trigger.TICKET_SOLVED,
        Conditions(severities=frozenset({"major", "urgent"})),
        _urgent_steps(90, Channel.SMS),
    ),
    # F3 example: VIP + high-value + urgent fault — a supervisor calls for every step.
    CadenceRule(
        "ticket_vip_high_value_urgent", "VIP高单价紧急故障回访（2小时-24小时-72小时）",
        Trigger.TICKET_SOLVED,
        Conditions(
            tiers=frozenset({Tier.VIP}),
            product_classes=frozenset({_HV}),
            problem_natures=frozenset({ProblemNature.URGENT_FAULT}),
        ),
        _urgent_steps(100, Channel.PHONE),
    ),
    CadenceRule(
        "ticket_consultation", "咨询问题回访（当天-3至5天）", Trigger.TICKET_SOLVED,
        Conditions(problem_natures=frozenset({ProblemNature.CONSULTATION})),
        _consultation_steps(
            Step(_d(3), _d(2), Channel.WECHAT, P_LIGHT_CHECK, "light_check", "csat", 30,
                 routine=False)
        ),
    ),
    # F3 example: normal + low-price + consultation — same day, then +3 days.
    CadenceRule(
        "ticket_consultation_normal_low_price", "普通客户低单价咨询回访（当天-3天后）",
        Trigger.TICKET_SOLVED,
        Conditions(
            tiers=frozenset({Tier.NORMAL}),
            product_classes=frozenset({_LOW}),
            problem_natures=frozenset({ProblemNature.CONSULTATION}),
        ),
        _consultation_steps(
            Step(_d(3), _wd(1), Channel.SMS, P_LIGHT_CHECK, "light_check", "csat", 30,
                 routine=False)
        ),
    ),
    # S004: consumables — a reminder 3 days before the expected repurchase date.
    CadenceRule(
        "consumable_repurchase", "消耗品复购提醒（复购日前3天）", Trigger.REPURCHASE_DUE,
        Conditions(product_classes=_CONSUMABLES),
        (Step(_d(-3), _wd(2), Channel.PHONE, P_REPURCHASE, "repurchase", "", 40),),
    ),
    # F2: renewal 1–2 months before the contract ends (S000).
    CadenceRule(
        "renewal", "续约提醒回访（合同到期前60天）", Trigger.RENEWAL_APPROACHING, Conditions(),
        (Step(_d(-60), _d(30), Channel.PHONE, P_RENEWAL, "renewal", "renewal", 70,
              announce_day_before=True),),
    ),
    # F2 periodic care (S004): VIP and long-term customers get quarterly deep care, which
    # beats monthly calls (priority) for a key customer who is also long-term.
    CadenceRule(
        "care_vip_quarterly", "VIP客户季度深度关怀", Trigger.PERIODIC_CARE,
        Conditions(tiers=frozenset({Tier.VIP})),
        (Step(_d(0), _d(14), Channel.PHONE, P_DEEP_CARE, "deep_care", "nps", 35,
              announce_day_before=True),),
        priority=10, repeat_every=_d(91),
    ),
    CadenceRule(
        "care_long_term_quarterly", "长期客户季度深度关怀", Trigger.PERIODIC_CARE,
        Conditions(segments=frozenset({Flag.LONG_TERM})),
        (Step(_d(0), _d(14), Channel.PHONE, P_DEEP_CARE, "deep_care", "nps", 35,
              announce_day_before=True),),
        priority=10, repeat_every=_d(91),
    ),
    CadenceRule(
        "care_key_monthly", "重点客户月度例行回访", Trigger.PERIODIC_CARE,
        Conditions(tiers=frozenset({Tier.KEY})),
        (Step(_d(0), _d(7), Channel.PHONE, P_MONTHLY, "routine_care", "csat", 25),),
        repeat_every=_d(30),
    ),
    # F1 product upgrade / feature release relevant to the customer (S000).
    CadenceRule(
        "feature_release", "产品升级告知回访", Trigger.FEATURE_RELEASE, Conditions(),
        (Step(_wd(1), _wd(5), Channel.WECHAT, P_FEATURE, "feature_release", "", 15),),
    ),
    # F2 holiday care (S002): a greeting in the 3 days before the holiday.
    CadenceRule(
        "holiday_care", "节日关怀", Trigger.HOLIDAY_CARE, Conditions(),
        (Step(_d(-3), _d(2), Channel.SMS, P_HOLIDAY, "holiday_greeting", "", 10),),
    ),
)
# fmt: on
