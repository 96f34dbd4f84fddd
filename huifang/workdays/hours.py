"""Parse and format business hours written as "09:00-12:00,14:00-18:00"."""

from __future__ import annotations

from datetime import time

from huifang.domain.calendar import CalendarError, Interval, WorkingCalendar


class HoursError(ValueError):
    pass


def parse_hours(text: str) -> tuple[Interval, ...]:
    intervals: list[Interval] = []
    for part in text.replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            start_text, end_text = (p.strip() for p in part.replace("–", "-").split("-"))
            interval = (time.fromisoformat(start_text), time.fromisoformat(end_text))
        except ValueError:
            raise HoursError(part) from None
        intervals.append(interval)
    try:  # let the calendar's own validation judge order and overlap
        WorkingCalendar(weekly_hours={0: tuple(intervals)})
    except CalendarError:
        raise HoursError(text) from None
    return tuple(intervals)


def format_hours(intervals: tuple[Interval, ...]) -> str:
    return ",".join(f"{s:%H:%M}-{e:%H:%M}" for s, e in intervals)
