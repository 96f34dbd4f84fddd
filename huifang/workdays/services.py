"""Writes to the working calendar. Every write drops the cached calendar of this process."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from huifang.domain.china_holidays import mainland_calendar_data
from huifang.workdays.hours import format_hours, parse_hours
from huifang.workdays.models import CalendarDay, CalendarYear, DayKind, Source, WeeklyHours
from huifang.workdays.selectors import forget_cached_calendar


@transaction.atomic
def calendar_load_package(*, years: set[int] | None = None) -> int:
    """Copy the chinesecalendar package's official days into the table.

    Days an administrator entered by hand are left as they are. Returns the number of
    days written.
    """
    data = mainland_calendar_data()
    wanted = data.covered_years if years is None else data.covered_years & years
    manual = set(CalendarDay.objects.filter(source=Source.MANUAL).values_list("day", flat=True))
    rows = [
        CalendarDay(day=day, kind=kind, source=Source.PACKAGE)
        for days, kind in (
            (data.holidays, DayKind.HOLIDAY),
            (data.adjusted_workdays, DayKind.WORKDAY),
        )
        for day in days
        if day.year in wanted and day not in manual
    ]
    CalendarDay.objects.filter(source=Source.PACKAGE, day__year__in=wanted).delete()
    CalendarDay.objects.bulk_create(rows, batch_size=1000)
    for year in wanted:
        CalendarYear.objects.update_or_create(year=year, defaults={"source": Source.PACKAGE})
    forget_cached_calendar()
    return len(rows)


@transaction.atomic
def calendar_day_set(*, day: date, kind: str, name: str = "") -> CalendarDay:
    entry, _ = CalendarDay.objects.update_or_create(
        day=day, defaults={"kind": kind, "name": name, "source": Source.MANUAL}
    )
    forget_cached_calendar()
    return entry


@transaction.atomic
def calendar_day_delete(*, day: date) -> None:
    CalendarDay.objects.filter(day=day).delete()
    forget_cached_calendar()


@transaction.atomic
def calendar_year_confirm(*, year: int) -> CalendarYear:
    """An administrator entered that year's official notice: stop warning about it."""
    entry, _ = CalendarYear.objects.update_or_create(year=year, defaults={"source": Source.MANUAL})
    forget_cached_calendar()
    return entry


@transaction.atomic
def weekly_hours_set(*, weekday: int, text: str) -> WeeklyHours:
    intervals = parse_hours(text)  # raises HoursError for text a calendar cannot use
    entry, _ = WeeklyHours.objects.update_or_create(
        weekday=weekday, defaults={"intervals": format_hours(intervals)}
    )
    forget_cached_calendar()
    return entry
