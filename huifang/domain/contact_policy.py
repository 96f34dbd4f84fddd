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
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from enum import StrEnum
from functools import lru_cache
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


# tzinfo types whose utcoffset() never returns None: a datetime carrying one is aware.
_ALWAYS_AWARE = (ZoneInfo, timezone)


def _require_aware(value: datetime, name: str) -> None:
    if type(value) is datetime and type(value.tzinfo) in _ALWAYS_AWARE:
        return  # the common case, without calling utcoffset()
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
        if type(self.channel) is not Channel:
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
    """``2026-11-26 09:00`` in ``tz``: every reason names its moments this way."""
    local = at.astimezone(tz)
    if local.year < 1000:  # strftime does not pad such years; keep exactly its output
        return local.strftime("%Y-%m-%d %H:%M")
    # Same text as strftime("%Y-%m-%d %H:%M"), about three times faster; planning writes
    # a few of these per follow-up.
    return "%04d-%02d-%02d %02d:%02d" % (  # noqa: UP031
        local.year,
        local.month,
        local.day,
        local.hour,
        local.minute,
    )


@lru_cache(maxsize=64)  # the rules hold a couple of spans; named in many reasons
def _span(value: timedelta) -> str:
    # "72 h" reads better than "3 days" for the cap; a week or more reads in days.
    if value % ONE_DAY == ZERO and value >= 7 * ONE_DAY:
        return f"{value // ONE_DAY} days"
    if value % timedelta(hours=1) == ZERO:
        return f"{value // timedelta(hours=1)} h"
    return f"{value // timedelta(minutes=1)} min"


def _hours_text(intervals: Sequence[Interval]) -> str:
    return _hours_text_of(tuple(intervals))  # rest_day_hours may come as a list


@lru_cache(maxsize=64)  # a handful of distinct day plans; formatting times is slow
def _hours_text_of(intervals: tuple[Interval, ...]) -> str:
    return ", ".join(f"{s:%H:%M}–{e:%H:%M}" for s, e in intervals) or "none"


# --- the situation one contact is judged in ------------------------------------------


@dataclass(slots=True)
class _Situation:
    """Everything one judgement needs, checked and sorted once per call.

    Private and short-lived, so plain (not frozen) slots: cheaper to build.
    """

    channel: Channel
    routine: bool
    routine_times: tuple[datetime, ...]  # sorted, routine contacts only; () if not needed
    crowded: tuple[tuple[datetime, datetime], ...]  # see _crowded_runs
    prefs: Preferences
    honour_preferred: bool
    calendar: WorkingCalendar
    rules: ContactRules
    blackouts: tuple[tuple[datetime, datetime], ...]
    tz: ZoneInfo  # the calendar's

    def contact_intervals(self, day: date) -> Sequence[tuple[datetime, datetime]]:
        # The calendar's own cached answers, without re-checking ``day`` (always a date
        # here): asked several times for every follow-up planned.
        known = self.calendar._day(day)
        if known.hours:
            return known.local
        if not self.rules.allow_rest_days:
            return ()
        return [_local_span(day, s, e, self.tz) for s, e in self.rules.rest_day_hours]

    def in_contact_hours(self, at: datetime, day: date) -> bool:
        """Is ``at`` (on local ``day``) inside contact hours?"""
        known = self.calendar._day(day)
        if not known.hours:
            return any(a <= at < b for a, b in self.contact_intervals(day))
        # Python compares two datetimes of one zone by their wall clocks, and of two zones
        # as instants, which is slow (four utcoffset() calls). Across zones, compare the
        # calendar's UTC intervals with ``at`` in UTC instead: the same instants, and the
        # same answer, for a fraction of the cost (``now`` comes in UTC).
        if at.tzinfo is self.tz:
            spans = known.local
        else:
            spans, at = known.utc, at.astimezone(UTC)
        for a, b in spans:  # noqa: SIM110 - a plain loop: any() and a generator cost more
            if a <= at < b:
                return True
        return False

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
        at = contact.at
        if type(at) is not datetime or type(at.tzinfo) not in _ALWAYS_AWARE:
            _require_aware(at, "contact time")  # the rare case: check it properly
    # Sorting datetimes of two zones is slow (each comparison converts both), so sort
    # only what the checks for this contact will read.
    routine_times: tuple[datetime, ...] = ()
    if routine and rules.min_routine_gap > ZERO:
        routine_times = _sorted_times([c.at for c in history if c.routine])
    return _Situation(
        channel=channel if type(channel) is Channel else Channel(channel),
        routine=routine,
        routine_times=routine_times,
        crowded=_crowded_runs(history, rules),
        prefs=prefs,
        honour_preferred=prefs.preferred_window is not None,
        calendar=calendar,
        rules=rules,
        blackouts=tuple(blackouts),
        tz=calendar.tz,
    )


def _sorted_times(times: list[datetime]) -> tuple[datetime, ...]:
    # Most histories hold a contact or two: skip sorting where there is nothing to sort.
    return tuple(times) if len(times) < 2 else tuple(sorted(times))


def _crowded_runs(
    history: Sequence[Contact], rules: ContactRules
) -> tuple[tuple[datetime, datetime], ...]:
    """(first, last) of each run of max_contacts consecutive contacts (sorted) that spans
    less than the cap window, in order: only these can crowd a candidate (_cap_block).
    They depend on the history alone, so they are found once, not at every moment tried.
    """
    m, cap = rules.max_contacts, rules.cap_window
    if len(history) < m:
        return ()  # too few contacts to crowd anything
    times = _sorted_times([c.at for c in history])
    # zip pairs times[i] with times[i + m - 1], for every run that fits.
    return tuple(
        [
            (first, last)
            for first, last in zip(times, times[m - 1 :], strict=False)
            if last - first < cap
        ]
    )


# --- the checks ----------------------------------------------------------------------

# (code, detail, earliest later moment this one constraint could be met; None =
# never/unknown). Plain tuples: the caller makes the Reason, with its own ending.
_Block = tuple[ReasonCode, str, datetime | None]


def _blocks(at: datetime, s: _Situation, horizon: datetime) -> list[_Block]:
    tz = s.tz
    prefs = s.prefs
    found: list[_Block] = []
    if prefs.opted_out:
        found.append((ReasonCode.OPTED_OUT, "the customer opted out of follow-ups", None))
    if s.channel in prefs.refused_channels:
        detail = f"the customer refused contact by {s.channel}"
        found.append((ReasonCode.CHANNEL_REFUSED, detail, None))
    if found:
        return found

    day = at.astimezone(tz).date()
    if not s.in_contact_hours(at, day):
        upcoming = s.next_contact_moment(at, horizon)
        hours_today = s.calendar._day(day).hours
        if hours_today:
            hours = _hours_text(hours_today)
            found.append(
                (ReasonCode.OUTSIDE_CONTACT_HOURS, f"{_fmt(at, tz)} is outside {hours}", upcoming)
            )
        elif s.rules.allow_rest_days:
            hours = _hours_text(s.rules.rest_day_hours)
            found.append(
                (ReasonCode.OUTSIDE_CONTACT_HOURS, f"{_fmt(at, tz)} is outside {hours}", upcoming)
            )
        else:
            found.append((ReasonCode.REST_DAY, f"{day.isoformat()} is a rest day", upcoming))

    window = prefs.preferred_window
    in_window = window is None or any(a <= at < b for a, b in s.preferred_segments(day))
    if s.honour_preferred and window is not None and not in_window:
        span = f"{window[0]:%H:%M}–{window[1]:%H:%M}"
        detail = f"{_fmt(at, tz)} is outside the preferred window {span}"
        found.append((ReasonCode.OUTSIDE_PREFERRED_WINDOW, detail, s.next_preferred_moment(at)))

    if s.routine and s.blackouts:
        ends = [end for start, end in s.blackouts if start <= at < end]
        if ends:
            starts = [start for start, end in s.blackouts if start <= at < end]
            detail = (
                f"routine contact is paused from {_fmt(min(starts), tz)} to {_fmt(max(ends), tz)}"
            )
            found.append((ReasonCode.BLACKOUT, detail, max(ends)))

    if s.crowded:
        cap = _cap_block(at, s)
        if cap is not None:
            found.append(cap)

    if s.routine and s.routine_times and s.rules.min_routine_gap > ZERO:
        gap = s.rules.min_routine_gap
        # As in_contact_hours: across zones, UTC instants give Python's answer faster.
        zone, at_utc = at.tzinfo, at.astimezone(UTC)
        near = [t for t in s.routine_times if abs(at - t if t.tzinfo is zone else at_utc - t) < gap]
        if near:
            detail = (
                f"routine contact at {_fmt(near[-1], tz)} is less than {_span(gap)} "
                f"from {_fmt(at, tz)}"
            )
            found.append((ReasonCode.ROUTINE_GAP, detail, near[-1] + gap))
    return found


def _cap_block(at: datetime, s: _Situation) -> _Block | None:
    """Counting ``at``, do max_contacts + 1 contacts fall within less than cap_window?

    The contacts that would crowd ``at`` are max_contacts consecutive ones (sorted)
    spanning less than the cap window; such a run blocks exactly the open span
    (last - cap, first + cap), and the earliest way out is first + cap.
    """
    m, cap = s.rules.max_contacts, s.rules.cap_window
    worst: tuple[datetime, datetime] | None = None
    for first, last in s.crowded:
        # Runs come in increasing order of ``first``: the last match frees up latest.
        if last - cap < at < first + cap:
            worst = (first, last)
    if worst is None:
        return None
    first, last = worst
    tz = s.tz
    detail = (
        f"{m} contact{'s' if m > 1 else ''} already between {_fmt(first, tz)} and "
        f"{_fmt(last, tz)}; at most {m} per {_span(cap)} until {_fmt(first + cap, tz)}"
    )
    return ReasonCode.FREQUENCY_CAP, detail, first + cap


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
    return tuple(Reason(code, detail) for code, detail, _ in _blocks(at, s, horizon=at))


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
            s.honour_preferred = False
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
        if any(code in TERMINAL for code, _, _ in blocks):
            return Decision(None, tuple(Reason(code, detail) for code, detail, _ in blocks))
        known = [target for _, _, target in blocks if target is not None]
        target = max(known) if len(known) == len(blocks) else None
        if target is None or target > window_end:
            reasons.extend(
                Reason(code, f"{detail}; nothing later fits") for code, detail, _ in blocks
            )
            detail = (
                f"no allowed moment between {_fmt(window_start, tz)} and {_fmt(window_end, tz)}"
            )
            reasons.append(Reason(ReasonCode.NO_SLOT_IN_WINDOW, detail))
            return Decision(None, tuple(reasons))
        moved = f"; moved to {_fmt(target, tz)}"
        reasons.extend(Reason(code, detail + moved) for code, detail, _ in blocks)
        at = target
