"""Contact policy (spec C5, F4, F5): may we contact this customer now, and if not, when?

Pure standard library; nothing here reads the clock. Every datetime must be time-zone
aware; moments handed back are in the calendar's zone (Asia/Shanghai by default).

A moment is allowed when all of these hold (checked in this order):

1. the customer has not opted out (回访免打扰) and has not refused the channel — no
   later moment fixes either, so the answer is "never" with that reason;
2. contact hours: working time of the calendar (09:00–12:00, 14:00–18:00 on working
   days, 调休 weekends included); rest days only when ``ContactRules.allow_rest_days``,
   then during ``rest_day_hours``;
3. inside the customer's preferred window when one is known. If that window never
   meets contact hours inside the wanted window (say 19:00–21:00), ``earliest_allowed``
   falls back to contact hours and records OUTSIDE_PREFERRED_WINDOW;
4. routine contacts only: not inside a blackout period (e.g. the month before a big
   sales event for e-commerce customers);
5. the frequency cap: counting the candidate, no ``max_contacts + 1`` contacts within
   any span shorter than ``cap_window`` (2 per 72 h; exactly 72 h apart is fine).
   It applies to every contact, routine or not, past or already planned;
6. routine contacts only: at least ``min_routine_gap`` from every other routine contact,
   before or after.

All intervals are half open: 12:00 and 18:00 are outside contact hours, the end of a
blackout is already allowed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from huifang.domain.calendar import DEFAULT_DAY, Interval, WorkingCalendar

__all__ = [
    "TERMINAL",
    "Channel",
    "Contact",
    "ContactPolicyError",
    "ContactRules",
    "Decision",
    "Preferences",
    "Reason",
    "ReasonCode",
    "check",
    "earliest_allowed",
]

ONE_DAY = timedelta(days=1)
ZERO = timedelta(0)
MIDNIGHT = time(0)


class ContactPolicyError(ValueError):
    """Rules, preferences or moments that cannot describe a real contact."""


class Channel(StrEnum):
    PHONE = "phone"
    SMS = "sms"
    EMAIL = "email"
    WECHAT = "wechat"


class ReasonCode(StrEnum):
    """Why a contact is not allowed, or was moved. The UI translates the codes."""

    OPTED_OUT = "opted_out"
    CHANNEL_REFUSED = "channel_refused"
    OUTSIDE_CONTACT_HOURS = "outside_contact_hours"
    REST_DAY = "rest_day"
    OUTSIDE_PREFERRED_WINDOW = "outside_preferred_window"
    BLACKOUT = "blackout"
    FREQUENCY_CAP = "frequency_cap"
    ROUTINE_GAP = "routine_gap"
    NO_SLOT_IN_WINDOW = "no_slot_in_window"
    # Emitted by cadence.resolve when it plans follow-ups; one vocabulary for the UI.
    DUPLICATE = "duplicate"
    MERGED = "merged"
    CONTACT_LEVEL = "contact_level"
    DEFERRED_RECENT_CONTACT = "deferred_recent_contact"
    DEFERRED_RECENT_COMPLAINT = "deferred_recent_complaint"
    CHANNEL_SWITCHED = "channel_switched"
    PAST_DUE = "past_due"
    NOTICE_PERIOD = "notice_period"
    WINDOW_EXTENDED = "window_extended"


# No later moment can fix these: the answer is "never", not "later".
TERMINAL = frozenset({ReasonCode.OPTED_OUT, ReasonCode.CHANNEL_REFUSED})


@dataclass(frozen=True)
class Reason:
    code: ReasonCode
    detail: str  # short English sentence with the concrete times

    def __str__(self) -> str:
        return f"{self.code}: {self.detail}"


def _require_aware(value: datetime, name: str) -> None:
    if not isinstance(value, datetime):
        raise ContactPolicyError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ContactPolicyError(f"{name} must be time-zone aware, got naive {value.isoformat()}")


def _check_local_time(value: time, name: str) -> None:
    if not isinstance(value, time) or value.tzinfo is not None:
        raise ContactPolicyError(f"{name} must be a local wall-clock time without tzinfo")


@dataclass(frozen=True)
class ContactRules:
    """Administrator-set limits (defaults from S002/S004)."""

    max_contacts: int = 2
    cap_window: timedelta = timedelta(hours=72)
    min_routine_gap: timedelta = timedelta(days=7)
    allow_rest_days: bool = False
    rest_day_hours: tuple[Interval, ...] = DEFAULT_DAY

    def __post_init__(self) -> None:
        if isinstance(self.max_contacts, bool) or not isinstance(self.max_contacts, int):
            raise ContactPolicyError(f"max_contacts must be an int, got {self.max_contacts!r}")
        if self.max_contacts < 1:
            raise ContactPolicyError(f"max_contacts must be at least 1, got {self.max_contacts}")
        if self.cap_window < ZERO or self.min_routine_gap < ZERO:
            raise ContactPolicyError("cap_window and min_routine_gap must not be negative")
        previous_end: time | None = None
        for start, end in self.rest_day_hours:
            _check_local_time(start, "rest_day_hours start")
            _check_local_time(end, "rest_day_hours end")
            # end == 00:00 means midnight at the end of the day, as in the calendar.
            if end != MIDNIGHT and end <= start:
                raise ContactPolicyError(f"rest_day_hours {start}–{end} ends before it starts")
            if previous_end is not None and (previous_end == MIDNIGHT or start < previous_end):
                raise ContactPolicyError("rest_day_hours must be sorted and must not overlap")
            previous_end = end


@dataclass(frozen=True)
class Preferences:
    """The customer's own wishes (C5); always honoured.

    ``preferred_window`` is local (start, end), end exclusive; start > end wraps past
    midnight (20:00–08:00).
    """

    preferred_window: tuple[time, time] | None = None
    refused_channels: frozenset[Channel] = frozenset()
    opted_out: bool = False
    preferred_channel: Channel | None = None

    def __post_init__(self) -> None:
        if self.preferred_window is not None:
            start, end = self.preferred_window
            _check_local_time(start, "preferred window start")
            _check_local_time(end, "preferred window end")
            if start == end:
                raise ContactPolicyError(f"preferred window {start}–{end} is empty")
        refused = frozenset(Channel(c) for c in self.refused_channels)
        object.__setattr__(self, "refused_channels", refused)
        if self.preferred_channel is not None:
            preferred = Channel(self.preferred_channel)
            object.__setattr__(self, "preferred_channel", preferred)
            if preferred in refused:
                raise ContactPolicyError(f"{preferred} cannot be both preferred and refused")


@dataclass(frozen=True)
class Contact:
    """A contact that happened or is already planned; both count for the cap and gap."""

    at: datetime
    channel: Channel
    routine: bool = True

    def __post_init__(self) -> None:
        _require_aware(self.at, "contact time")
        object.__setattr__(self, "channel", Channel(self.channel))


@dataclass(frozen=True)
class Decision:
    at: datetime | None
    reasons: tuple[Reason, ...]

    @property
    def allowed(self) -> bool:
        return self.at is not None


# --- formatting --------------------------------------------------------------------


def _fmt(at: datetime, tz: ZoneInfo) -> str:
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _span(value: timedelta) -> str:
    # "72 h" reads better than "3 days" for the cap; a week or more reads in days.
    if value % ONE_DAY == ZERO and value >= 7 * ONE_DAY:
        return f"{value // ONE_DAY} days"
    if value % timedelta(hours=1) == ZERO:
        return f"{value // timedelta(hours=1)} h"
    return f"{value // timedelta(minutes=1)} min"


def _hours_text(intervals: Sequence[Interval]) -> str:
    return ", ".join(f"{s:%H:%M}–{e:%H:%M}" for s, e in intervals) or "none"


# --- the situation one contact is judged in ------------------------------------------


@dataclass(frozen=True)
class _Situation:
    channel: Channel
    routine: bool
    contact_times: tuple[datetime, ...]  # sorted, all contacts
    routine_times: tuple[datetime, ...]  # sorted, routine contacts only
    prefs: Preferences
    honour_preferred: bool
    calendar: WorkingCalendar
    rules: ContactRules
    blackouts: tuple[tuple[datetime, datetime], ...]

    @property
    def tz(self) -> ZoneInfo:
        return self.calendar.tz

    def contact_intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        if self.calendar.is_working_day(day):
            return self.calendar.working_intervals(day)
        if not self.rules.allow_rest_days:
            return []
        return [_local_span(day, s, e, self.tz) for s, e in self.rules.rest_day_hours]

    def next_contact_moment(self, at: datetime, horizon: datetime) -> datetime | None:
        """Earliest moment >= at inside contact hours, or None if none by ``horizon``."""
        day = at.astimezone(self.tz).date()
        last = horizon.astimezone(self.tz).date()
        while day <= last:
            for start, end in self.contact_intervals(day):
                if at < end:
                    return max(start, at)
            day += ONE_DAY
        return None

    def preferred_segments(self, day: date) -> list[tuple[datetime, datetime]]:
        assert self.prefs.preferred_window is not None
        start, end = self.prefs.preferred_window
        if start < end or end == MIDNIGHT:
            return [_local_span(day, start, end, self.tz)]
        # Wraps past midnight: the early-morning part, then the evening part.
        return [
            _local_span(day, MIDNIGHT, end, self.tz),
            _local_span(day, start, MIDNIGHT, self.tz),
        ]

    def next_preferred_moment(self, at: datetime) -> datetime:
        day = at.astimezone(self.tz).date()
        for d in (day, day + ONE_DAY):
            for start, end in self.preferred_segments(d):
                if at < end:
                    return max(start, at)
        raise AssertionError("unreachable: a non-empty daily window recurs every day")

    def preferred_meets_contact_hours(self, start: datetime, end: datetime) -> tuple[bool, bool]:
        """(any contact hours in [start, end], any of them inside the preferred window)."""
        day = start.astimezone(self.tz).date()
        last = end.astimezone(self.tz).date()
        any_contact = False
        while day <= last:
            for a, b in self.contact_intervals(day):
                lo, hi = max(a, start), b
                if not (lo < hi and lo <= end):
                    continue
                any_contact = True
                for c, d in self.preferred_segments(day):
                    lo2, hi2 = max(lo, c), min(hi, d)
                    if lo2 < hi2 and lo2 <= end:
                        return True, True
            day += ONE_DAY
        return any_contact, False


def _local_span(day: date, start: time, end: time, tz: ZoneInfo) -> tuple[datetime, datetime]:
    end_day = day + ONE_DAY if end == MIDNIGHT else day
    return datetime.combine(day, start, tzinfo=tz), datetime.combine(end_day, end, tzinfo=tz)


def _situation(
    *,
    channel: Channel,
    routine: bool,
    history: Sequence[Contact],
    prefs: Preferences,
    calendar: WorkingCalendar,
    rules: ContactRules,
    blackouts: Sequence[tuple[datetime, datetime]],
) -> _Situation:
    for start, end in blackouts:
        _require_aware(start, "blackout start")
        _require_aware(end, "blackout end")
        if end <= start:
            raise ContactPolicyError(f"blackout {start.isoformat()} ends before it starts")
    for contact in history:
        _require_aware(contact.at, "contact time")
    return _Situation(
        channel=Channel(channel),
        routine=routine,
        contact_times=tuple(sorted(c.at for c in history)),
        routine_times=tuple(sorted(c.at for c in history if c.routine)),
        prefs=prefs,
        honour_preferred=prefs.preferred_window is not None,
        calendar=calendar,
        rules=rules,
        blackouts=tuple(blackouts),
    )


# --- the checks ----------------------------------------------------------------------

# (reason, earliest later moment this one constraint could be met; None = never/unknown)
_Block = tuple[Reason, datetime | None]


def _blocks(at: datetime, s: _Situation, horizon: datetime) -> list[_Block]:
    tz = s.tz
    when = _fmt(at, tz)
    found: list[_Block] = []
    if s.prefs.opted_out:
        found.append((Reason(ReasonCode.OPTED_OUT, "the customer opted out of follow-ups"), None))
    if s.channel in s.prefs.refused_channels:
        detail = f"the customer refused contact by {s.channel}"
        found.append((Reason(ReasonCode.CHANNEL_REFUSED, detail), None))
    if found:
        return found

    day = at.astimezone(tz).date()
    if not any(a <= at < b for a, b in s.contact_intervals(day)):
        upcoming = s.next_contact_moment(at, horizon)
        if s.calendar.is_working_day(day):
            hours = _hours_text(s.calendar.hours_on(day))
            reason = Reason(ReasonCode.OUTSIDE_CONTACT_HOURS, f"{when} is outside {hours}")
        elif s.rules.allow_rest_days:
            hours = _hours_text(s.rules.rest_day_hours)
            reason = Reason(ReasonCode.OUTSIDE_CONTACT_HOURS, f"{when} is outside {hours}")
        else:
            reason = Reason(ReasonCode.REST_DAY, f"{day.isoformat()} is a rest day")
        found.append((reason, upcoming))

    window = s.prefs.preferred_window
    in_window = window is None or any(a <= at < b for a, b in s.preferred_segments(day))
    if s.honour_preferred and window is not None and not in_window:
        detail = f"{when} is outside the preferred window {window[0]:%H:%M}–{window[1]:%H:%M}"
        found.append(
            (Reason(ReasonCode.OUTSIDE_PREFERRED_WINDOW, detail), s.next_preferred_moment(at))
        )

    if s.routine:
        ends = [end for start, end in s.blackouts if start <= at < end]
        if ends:
            starts = [start for start, end in s.blackouts if start <= at < end]
            detail = (
                f"routine contact is paused from {_fmt(min(starts), tz)} to {_fmt(max(ends), tz)}"
            )
            found.append((Reason(ReasonCode.BLACKOUT, detail), max(ends)))

    cap = _cap_block(at, s)
    if cap is not None:
        found.append(cap)

    if s.routine and s.rules.min_routine_gap > ZERO:
        gap = s.rules.min_routine_gap
        near = [t for t in s.routine_times if abs(at - t) < gap]
        if near:
            detail = (
                f"routine contact at {_fmt(near[-1], tz)} is less than {_span(gap)} from {when}"
            )
            found.append((Reason(ReasonCode.ROUTINE_GAP, detail), near[-1] + gap))
    return found


def _cap_block(at: datetime, s: _Situation) -> _Block | None:
    """Counting ``at``, do max_contacts + 1 contacts fall within less than cap_window?

    The contacts that would crowd ``at`` are max_contacts consecutive ones (sorted)
    spanning less than the cap window; such a run blocks exactly the open span
    (last - cap, first + cap), and the earliest way out is first + cap.
    """
    m, cap = s.rules.max_contacts, s.rules.cap_window
    times = s.contact_times
    worst: tuple[datetime, datetime] | None = None
    for i in range(len(times) - m + 1):
        first, last = times[i], times[i + m - 1]
        # Runs come in increasing order of ``first``: the last match frees up latest.
        if last - first < cap and last - cap < at < first + cap:
            worst = (first, last)
    if worst is None:
        return None
    first, last = worst
    tz = s.tz
    detail = (
        f"{m} contact{'s' if m > 1 else ''} already between {_fmt(first, tz)} and "
        f"{_fmt(last, tz)}; at most {m} per {_span(cap)} until {_fmt(first + cap, tz)}"
    )
    return Reason(ReasonCode.FREQUENCY_CAP, detail), first + cap


# --- public API ----------------------------------------------------------------------


def check(
    at: datetime,
    *,
    channel: Channel,
    routine: bool,
    history: Sequence[Contact],
    prefs: Preferences,
    calendar: WorkingCalendar,
    rules: ContactRules,
    blackouts: Sequence[tuple[datetime, datetime]] = (),
) -> tuple[Reason, ...]:
    """Why contacting at exactly ``at`` is not allowed; empty means it is allowed.

    ``history`` holds past and already planned contacts, not the candidate itself.
    """
    _require_aware(at, "at")
    s = _situation(
        channel=channel,
        routine=routine,
        history=history,
        prefs=prefs,
        calendar=calendar,
        rules=rules,
        blackouts=blackouts,
    )
    return tuple(reason for reason, _ in _blocks(at, s, horizon=at))


def earliest_allowed(
    *,
    window_start: datetime,
    window_end: datetime,
    channel: Channel,
    routine: bool,
    history: Sequence[Contact],
    prefs: Preferences,
    calendar: WorkingCalendar,
    rules: ContactRules,
    blackouts: Sequence[tuple[datetime, datetime]] = (),
) -> Decision:
    """The earliest allowed moment in ``[window_start, window_end]`` and every move made.

    Jumps from constraint to constraint (next contact hours, end of the blocking cap
    span, end of the routine gap, next preferred-window start...) rather than stepping:
    each constraint names the earliest moment it could be met, and no allowed moment
    lies before the latest of those, so jumping there skips nothing.
    """
    _require_aware(window_start, "window_start")
    _require_aware(window_end, "window_end")
    if window_end < window_start:
        raise ContactPolicyError(
            f"window ends ({window_end.isoformat()}) before it starts ({window_start.isoformat()})"
        )
    s = _situation(
        channel=channel,
        routine=routine,
        history=history,
        prefs=prefs,
        calendar=calendar,
        rules=rules,
        blackouts=blackouts,
    )
    tz = s.tz
    reasons: list[Reason] = []
    window = prefs.preferred_window
    if window is not None:
        any_contact, meets = s.preferred_meets_contact_hours(window_start, window_end)
        # Only fall back when contact hours exist but never inside the preferred window;
        # with no contact hours at all the answer is "no slot" either way.
        if any_contact and not meets:
            s = replace(s, honour_preferred=False)
            detail = (
                f"the preferred window {window[0]:%H:%M}–{window[1]:%H:%M} never meets contact "
                f"hours between {_fmt(window_start, tz)} and {_fmt(window_end, tz)}; "
                "using contact hours"
            )
            reasons.append(Reason(ReasonCode.OUTSIDE_PREFERRED_WINDOW, detail))

    at = window_start
    while True:
        blocks = _blocks(at, s, horizon=window_end)
        if not blocks:
            return Decision(at.astimezone(tz), tuple(reasons))
        if any(reason.code in TERMINAL for reason, _ in blocks):
            return Decision(None, tuple(reason for reason, _ in blocks))
        known = [target for _, target in blocks if target is not None]
        target = max(known) if len(known) == len(blocks) else None
        if target is None or target > window_end:
            reasons.extend(Reason(r.code, f"{r.detail}; nothing later fits") for r, _ in blocks)
            detail = (
                f"no allowed moment between {_fmt(window_start, tz)} and {_fmt(window_end, tz)}"
            )
            reasons.append(Reason(ReasonCode.NO_SLOT_IN_WINDOW, detail))
            return Decision(None, tuple(reasons))
        reasons.extend(
            Reason(r.code, f"{r.detail}; moved to {_fmt(target, tz)}") for r, _ in blocks
        )
        at = target
