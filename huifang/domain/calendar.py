"""Working calendar: which moments count as working time, and arithmetic on it.

Pure standard library; nothing here reads the clock. Every datetime taken in must be
time-zone aware (any zone; UTC is typical) and every datetime handed back is aware and
expressed in the calendar's zone (``Asia/Shanghai`` by default).

A calendar is a week of local wall-clock intervals, overridden day by day:

* ``holidays`` — statutory rest days: no working time at all, whatever the weekday;
* ``adjusted_workdays`` — 调休, weekend days that are worked: ``adjusted_workday_hours``.

Durations are real elapsed time. Arithmetic is done on UTC instants because subtracting
two datetimes that share a ``tzinfo`` compares wall clocks, which is wrong across a DST
change (mainland China has none, but a calendar may be built for any zone).

Planning asks about the same few hundred days millions of times, so each calendar keeps
what it worked out about each day it was asked about (``WorkingCalendar._day``). A
calendar is immutable, so the cache never goes stale; it is per instance, so two calendars
never share answers; and it is not a field, so equality, hashing and ``repr`` ignore it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from typing import NamedTuple
from zoneinfo import ZoneInfo

__all__ = [
    "DEFAULT_DAY",
    "SHANGHAI",
    "CalendarError",
    "Interval",
    "WorkingCalendar",
]


class CalendarError(ValueError):
    """A calendar or an argument given to it makes no sense."""


Interval = tuple[time, time]
"""Local wall-clock ``(start, end)``, end exclusive. ``end == time(0)`` means midnight at
the end of that day, so a round-the-clock day is ``(time(0), time(0))``."""

DEFAULT_DAY: tuple[Interval, ...] = ((time(9), time(12)), (time(14), time(18)))
SHANGHAI = ZoneInfo("Asia/Shanghai")

ONE_DAY = timedelta(days=1)
ZERO = timedelta(0)
MIDNIGHT = time(0)

# One calendar caches at most this many days (~27 years) and then starts afresh, so a
# long-running process that sweeps decades cannot grow without bound.
MAX_CACHED_DAYS = 10_000

_Span = tuple[datetime, datetime]


def _require_aware(value: datetime, name: str) -> None:
    if not isinstance(value, datetime):
        raise CalendarError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise CalendarError(f"{name} must be time-zone aware, got naive {value.isoformat()}")


def _require_date(value: date, name: str) -> None:
    # A datetime is a date too, but its calendar day depends on the zone: a UTC 20:00 is
    # already tomorrow in Shanghai. Make the caller choose the local date explicitly.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise CalendarError(f"{name} must be a date (not a datetime), got {value!r}")


def _validate_intervals(intervals: tuple[Interval, ...], where: str) -> tuple[Interval, ...]:
    intervals = tuple(intervals)
    previous_end: time | None = None
    for interval in intervals:
        if len(interval) != 2 or not all(isinstance(t, time) for t in interval):
            raise CalendarError(f"{where}: {interval!r} is not a (start, end) pair of times")
        start, end = interval
        if start.tzinfo is not None or end.tzinfo is not None:
            raise CalendarError(f"{where}: interval times are local wall-clock, drop tzinfo")
        if end != MIDNIGHT and end <= start:
            raise CalendarError(f"{where}: interval {start}–{end} ends before it starts")
        if previous_end is not None and (previous_end == MIDNIGHT or start < previous_end):
            raise CalendarError(f"{where}: intervals must be sorted and must not overlap")
        previous_end = end
    return intervals


class _Day(NamedTuple):
    """What a calendar knows about one day, worked out once (``WorkingCalendar._day``)."""

    hours: tuple[Interval, ...]  # local wall-clock hours; () on a rest day
    utc: tuple[_Span, ...]  # the working intervals as increasing UTC instants
    local: tuple[_Span, ...]  # the same intervals in the calendar's zone


@dataclass(frozen=True, repr=False)
class WorkingCalendar:
    """Working hours per weekday, with statutory holidays and adjusted working days."""

    # weekday 0=Mon..6=Sun -> sorted non-overlapping intervals; () or missing = rest day.
    # Excluded from the hash (a mapping is unhashable); equality still compares it.
    weekly_hours: Mapping[int, tuple[Interval, ...]] = field(hash=False)
    holidays: frozenset[date] = frozenset()
    adjusted_workdays: frozenset[date] = frozenset()
    adjusted_workday_hours: tuple[Interval, ...] = DEFAULT_DAY
    covered_years: frozenset[int] = frozenset()
    tz: ZoneInfo = SHANGHAI

    def __post_init__(self) -> None:
        # Every weekday present, so equal weeks compare equal however they were spelled.
        weekly: dict[int, tuple[Interval, ...]] = dict.fromkeys(range(7), ())
        for weekday, intervals in dict(self.weekly_hours).items():
            if weekday not in range(7):
                raise CalendarError(f"weekday must be 0 (Monday) to 6 (Sunday), got {weekday!r}")
            weekly[weekday] = _validate_intervals(intervals, f"weekday {weekday}")
        adjusted_hours = _validate_intervals(self.adjusted_workday_hours, "adjusted_workday_hours")
        holidays = frozenset(self.holidays)
        adjusted = frozenset(self.adjusted_workdays)
        for day in holidays | adjusted:
            _require_date(day, "holiday / adjusted workday")
        clash = holidays & adjusted
        if clash:
            first = min(clash).isoformat()
            raise CalendarError(f"{first} is both a holiday and an adjusted working day")
        if not isinstance(self.tz, ZoneInfo):
            raise CalendarError(f"tz must be a zoneinfo.ZoneInfo, got {self.tz!r}")
        # Defensive copies: a caller mutating its dict or set later must not change us.
        object.__setattr__(self, "weekly_hours", weekly)
        object.__setattr__(self, "adjusted_workday_hours", adjusted_hours)
        object.__setattr__(self, "holidays", holidays)
        object.__setattr__(self, "adjusted_workdays", adjusted)
        object.__setattr__(self, "covered_years", frozenset(self.covered_years))

    def __repr__(self) -> str:
        # The mainland data holds hundreds of dates; summarise them instead of listing.
        def days(values: frozenset[date]) -> str:
            if not values:
                return "frozenset()"
            return f"<{len(values)} days {min(values)}..{max(values)}>"

        years = sorted(self.covered_years)
        covered = f"<{years[0]}..{years[-1]}, {len(years)} years>" if years else "frozenset()"
        return (
            f"WorkingCalendar(weekly_hours={self.weekly_hours!r}, "
            f"holidays={days(self.holidays)}, adjusted_workdays={days(self.adjusted_workdays)}, "
            f"adjusted_workday_hours={self.adjusted_workday_hours!r}, "
            f"covered_years={covered}, tz={self.tz!r})"
        )

    @classmethod
    def standard(
        cls,
        *,
        holidays: frozenset[date] = frozenset(),
        adjusted_workdays: frozenset[date] = frozenset(),
        covered_years: frozenset[int] = frozenset(),
        day: tuple[Interval, ...] = DEFAULT_DAY,
        tz: ZoneInfo = SHANGHAI,
    ) -> WorkingCalendar:
        """Monday to Friday ``day`` (09–12, 14–18 by default); Saturday and Sunday rest."""
        weekly = {weekday: (day if weekday < 5 else ()) for weekday in range(7)}
        return cls(
            weekly_hours=weekly,
            holidays=holidays,
            adjusted_workdays=adjusted_workdays,
            adjusted_workday_hours=day,
            covered_years=covered_years,
            tz=tz,
        )

    # -- days ------------------------------------------------------------------------

    def hours_on(self, day: date) -> tuple[Interval, ...]:
        """Local working intervals on ``day``; ``()`` on a rest day."""
        _require_date(day, "day")
        return self._day(day).hours

    def is_working_day(self, day: date) -> bool:
        _require_date(day, "day")
        return bool(self._day(day).hours)

    def working_intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """The working intervals of ``day`` as aware datetimes in the calendar's zone."""
        _require_date(day, "day")
        return list(self._day(day).local)

    def uncovered_years(self, first: date, last: date) -> frozenset[int]:
        """Years in ``[first, last]`` without official holiday data (plain weekly hours)."""
        _require_date(first, "first")
        _require_date(last, "last")
        return frozenset(range(first.year, last.year + 1)) - self.covered_years

    # -- moments ---------------------------------------------------------------------

    def is_working_time(self, at: datetime) -> bool:
        """Start of an interval is working time, its end is not."""
        _require_aware(at, "at")
        instant = at.astimezone(UTC)
        local_day = at.astimezone(self.tz).date()
        return any(s <= instant < e for s, e in self._day(local_day).utc)

    def next_working_moment(self, at: datetime) -> datetime:
        """``at`` itself when it is working time, else the start of the next interval."""
        _require_aware(at, "at")
        instant = at.astimezone(UTC)
        start, _ = next(self._intervals_from(instant))
        return max(start, instant).astimezone(self.tz)

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        """The moment at which ``duration`` of working time has elapsed since ``start``.

        Used up exactly at the end of an interval, the answer is that end (12:00, 18:00):
        a due time of "today 18:00" rather than "tomorrow 09:00".
        """
        _require_aware(start, "start")
        if duration < ZERO:
            raise CalendarError(f"duration must not be negative, got {duration}")
        instant = start.astimezone(UTC)
        remaining = duration
        for s, e in self._intervals_from(instant):
            begin = max(s, instant)
            if remaining <= e - begin:
                return (begin + remaining).astimezone(self.tz)
            remaining -= e - begin
        raise AssertionError("unreachable: _intervals_from never ends quietly")

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time inside ``[start, end)``; zero when ``end <= start``."""
        _require_aware(start, "start")
        _require_aware(end, "end")
        begin, finish = start.astimezone(UTC), end.astimezone(UTC)
        total = ZERO
        if finish <= begin:
            return total
        for s, e in self._intervals_from(begin, stop=finish):
            if s >= finish:
                break
            total += min(e, finish) - max(s, begin)
        return total

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """Same local wall-clock time on the ``days``-th working day after start's date.

        ``days == 0`` keeps start's local date when it is a working day, else moves to the
        next one. The time is not clamped into working hours.
        """
        _require_aware(start, "start")
        if days < 0:
            raise CalendarError(f"days must not be negative, got {days}")
        local = start.astimezone(self.tz)
        day = local.date()
        if days > 0:
            for _ in range(days):
                day = self._next_working_day(day + ONE_DAY)
        else:
            day = self._next_working_day(day)
        # Through UTC and back so a wall time that does not exist (DST gap) is normalised.
        wall = datetime.combine(day, local.time(), tzinfo=self.tz)
        return wall.astimezone(UTC).astimezone(self.tz)

    # -- internals -------------------------------------------------------------------

    @cached_property
    def _days(self) -> dict[date, _Day]:
        # cached_property writes the instance __dict__ directly, which a frozen dataclass
        # allows; dataclasses.replace() builds a new calendar and so a new, empty cache.
        return {}

    def _day(self, day: date) -> _Day:
        """Everything about ``day``, from the cache (callers pass a real date: unchecked).

        The contact policy reads this too, several times for every follow-up planned.
        """
        days = self._days
        found = days.get(day)
        if found is None:
            if len(days) >= MAX_CACHED_DAYS:
                days.clear()
            found = days[day] = self._work_out(day)
        return found

    def _work_out(self, day: date) -> _Day:
        if day in self.holidays:
            hours: tuple[Interval, ...] = ()
        elif day in self.adjusted_workdays:
            hours = self.adjusted_workday_hours
        else:
            hours = self.weekly_hours.get(day.weekday(), ())
        utc = self._utc_intervals(day, hours)
        tz = self.tz
        return _Day(hours, utc, tuple((s.astimezone(tz), e.astimezone(tz)) for s, e in utc))

    def _utc_intervals(self, day: date, hours: tuple[Interval, ...]) -> tuple[_Span, ...]:
        """Working intervals of ``day`` as increasing, non-empty UTC instant pairs."""
        result: list[_Span] = []
        for start, end in hours:
            s = datetime.combine(day, start, tzinfo=self.tz).astimezone(UTC)
            end_day = day + ONE_DAY if end == MIDNIGHT else day
            e = datetime.combine(end_day, end, tzinfo=self.tz).astimezone(UTC)
            # DST gaps can map a later wall time to an earlier instant; keep order.
            if result:
                s = max(s, result[-1][1])
            if e > s:
                result.append((s, e))
        return tuple(result)

    @cached_property  # depends on the (immutable) fields only: worked out once
    def _last_working_day(self) -> date | None:
        """None when working days never run out; else the last day that could be one."""
        if any(self.weekly_hours.values()):
            return None  # holidays are finite, so some weekday will come round again
        if self.adjusted_workday_hours and self.adjusted_workdays:
            return max(self.adjusted_workdays)
        return date.min  # no working time at all

    def _next_working_day(self, day: date) -> date:
        """``day`` itself or the first working day after it."""
        last = self._last_working_day
        while not self._day(day).hours:
            if last is not None and day >= last:
                raise CalendarError(f"the calendar has no working day after {day.isoformat()}")
            day = self._step(day)
        return day

    def _intervals_from(
        self, instant: datetime, stop: datetime | None = None
    ) -> Iterator[tuple[datetime, datetime]]:
        """UTC working intervals that end after ``instant``, in order, day after day.

        Rest days are skipped with a set lookup each. Without working time ahead (and
        without a ``stop`` instant) raises CalendarError instead of looping forever.
        """
        last = self._last_working_day
        stop_day = None if stop is None else stop.astimezone(self.tz).date()
        day = instant.astimezone(self.tz).date()
        while True:
            for s, e in self._day(day).utc:
                if e > instant:
                    yield s, e
            # A day's intervals lie within that local day, so later days start after stop.
            if stop_day is not None:
                if day >= stop_day:
                    return
            elif last is not None and day >= last:
                raise CalendarError(f"the calendar has no working time after {day.isoformat()}")
            day = self._step(day)

    @staticmethod
    def _step(day: date) -> date:
        try:
            return day + ONE_DAY
        except OverflowError:
            raise CalendarError("ran past the last representable date") from None
