"""Mainland China statutory holidays and adjusted working days (调休).

The data comes from the ``chinesecalendar`` package (import name ``chinese_calendar``),
which the State Council's yearly notice updates; a year it does not know yet simply has
no holidays here, and :meth:`WorkingCalendar.uncovered_years` lets callers warn about it.
The Django side seeds an editable table from :func:`mainland_calendar_data`, so an
administrator can add next year's notice before the package catches up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

import chinese_calendar

from huifang.domain.calendar import DEFAULT_DAY, SHANGHAI, Interval, WorkingCalendar

__all__ = ["HolidayData", "mainland_calendar", "mainland_calendar_data"]

SATURDAY, SUNDAY = 5, 6


@dataclass(frozen=True)
class HolidayData:
    holidays: frozenset[date]  # statutory rest days, weekend days inside a holiday included
    adjusted_workdays: frozenset[date]  # 调休: Saturdays/Sundays that are worked
    covered_years: frozenset[int]  # years the package has official data for


def mainland_calendar_data() -> HolidayData:
    """Holidays and adjusted working days for every year ``chinesecalendar`` covers."""
    holidays = frozenset(chinese_calendar.holidays)
    # The package lists only weekend make-up days as workdays; filter anyway so a plain
    # weekday can never be mistaken for 调休.
    adjusted = frozenset(
        day for day in chinese_calendar.workdays if day.weekday() in (SATURDAY, SUNDAY)
    )
    # Every covered year has at least New Year's Day, so the holiday years are the
    # covered years; a year with workdays but no holidays would be half-known data.
    covered = frozenset(day.year for day in holidays)
    return HolidayData(holidays=holidays, adjusted_workdays=adjusted, covered_years=covered)


def mainland_calendar(
    *, day: tuple[Interval, ...] = DEFAULT_DAY, tz: ZoneInfo = SHANGHAI
) -> WorkingCalendar:
    """Monday–Friday working hours (09–12, 14–18) with the mainland statutory calendar."""
    data = mainland_calendar_data()
    return WorkingCalendar.standard(
        holidays=data.holidays,
        adjusted_workdays=data.adjusted_workdays,
        covered_years=data.covered_years,
        day=day,
        tz=tz,
    )
