"""Read the working calendar from the database into the pure domain calendar."""

from __future__ import annotations

import threading
import time as monotonic_clock
from datetime import date, timedelta

from huifang.domain.calendar import WorkingCalendar
from huifang.workdays.hours import parse_hours
from huifang.workdays.models import CalendarDay, CalendarYear, DayKind, WeeklyHours

# Other processes see an administrator's edit within this long; this one at once.
CACHE_SECONDS = 60.0

_lock = threading.Lock()
_cached: tuple[float, WorkingCalendar] | None = None


def load_calendar() -> WorkingCalendar:
    weekly = {row.weekday: parse_hours(row.intervals) for row in WeeklyHours.objects.all()}
    holidays: set[date] = set()
    workdays: set[date] = set()
    for day, kind in CalendarDay.objects.values_list("day", "kind"):
        (holidays if kind == DayKind.HOLIDAY else workdays).add(day)
    years = frozenset(CalendarYear.objects.values_list("year", flat=True))
    monday = weekly.get(0, ())
    return WorkingCalendar(
        weekly_hours={d: weekly.get(d, ()) for d in range(7)},
        holidays=frozenset(holidays),
        adjusted_workdays=frozenset(workdays),
        adjusted_workday_hours=monday or next((h for h in weekly.values() if h), ()),
        covered_years=years,
    )


def working_calendar() -> WorkingCalendar:
    """The calendar in force, cached briefly: planners and SLA sweeps call this often."""
    global _cached
    with _lock:
        now = monotonic_clock.monotonic()
        if _cached is None or now - _cached[0] > CACHE_SECONDS:
            _cached = (now, load_calendar())
        return _cached[1]


def forget_cached_calendar() -> None:
    global _cached
    with _lock:
        _cached = None


def uncovered_years(today: date, lookahead: timedelta = timedelta(days=120)) -> list[int]:
    """Years we will plan into soon whose official holidays nobody has entered yet."""
    covered = set(CalendarYear.objects.values_list("year", flat=True))
    return [y for y in range(today.year, (today + lookahead).year + 1) if y not in covered]
