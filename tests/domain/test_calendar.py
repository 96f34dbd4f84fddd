"""Working calendar: working days, working hours and arithmetic on working time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from huifang.domain.calendar import (
    DEFAULT_DAY,
    SHANGHAI,
    CalendarError,
    Interval,
    WorkingCalendar,
)
from huifang.domain.china_holidays import mainland_calendar, mainland_calendar_data

NEW_YORK = ZoneInfo("America/New_York")
MAINLAND = mainland_calendar()
PLAIN = WorkingCalendar.standard()  # Mon–Fri 09–12, 14–18, no holidays
ROUND_THE_CLOCK = WorkingCalendar({d: ((time(0), time(0)),) for d in range(7)})
H = timedelta(hours=1)
M = timedelta(minutes=1)


def sh(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    """An aware wall-clock time in Shanghai."""
    return datetime(y, mo, d, h, mi, s, tzinfo=SHANGHAI)


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


class TestConstruction:
    @pytest.mark.parametrize(
        "weekly",
        [
            pytest.param({0: ((time(12), time(9)),)}, id="ends-before-start"),
            pytest.param({0: ((time(9), time(9)),)}, id="empty-interval"),
            pytest.param({0: ((time(14), time(18)), (time(9), time(12)))}, id="unsorted"),
            pytest.param({0: ((time(9), time(13)), (time(12), time(18)))}, id="overlapping"),
            pytest.param({0: ((time(20), time(0)), (time(21), time(22)))}, id="after-midnight-end"),
            pytest.param({7: DEFAULT_DAY}, id="weekday-7"),
            pytest.param({0: ((time(9, tzinfo=UTC), time(12)),)}, id="aware-time"),
        ],
    )
    def test_rejects_malformed_weekly_hours(self, weekly: dict[int, tuple[Interval, ...]]) -> None:
        with pytest.raises(CalendarError):
            WorkingCalendar(weekly)

    def test_rejects_a_day_that_is_both_holiday_and_adjusted_workday(self) -> None:
        with pytest.raises(CalendarError, match="2026-10-01"):
            WorkingCalendar.standard(
                holidays=frozenset({date(2026, 10, 1)}),
                adjusted_workdays=frozenset({date(2026, 10, 1)}),
            )

    def test_adjacent_intervals_are_allowed_and_count_as_one_stretch(self) -> None:
        cal = WorkingCalendar({0: ((time(9), time(12)), (time(12), time(13)))})
        assert cal.add_working_time(sh(2026, 11, 30, 11), 2 * H) == sh(2026, 11, 30, 13)

    def test_later_changes_to_the_callers_dict_do_not_leak_in(self) -> None:
        weekly = dict.fromkeys(range(5), DEFAULT_DAY)
        cal = WorkingCalendar(weekly)
        weekly[5] = DEFAULT_DAY
        assert not cal.is_working_day(date(2026, 11, 28))  # a Saturday

    def test_calendars_are_hashable_and_compare_by_value(self) -> None:
        assert WorkingCalendar.standard() == PLAIN
        assert hash(WorkingCalendar.standard()) == hash(PLAIN)
        assert WorkingCalendar.standard(day=((time(8), time(17)),)) != PLAIN

    def test_a_missing_weekday_is_a_rest_day(self) -> None:
        cal = WorkingCalendar(dict.fromkeys(range(5), DEFAULT_DAY))
        assert cal == WorkingCalendar(dict.fromkeys(range(5), DEFAULT_DAY) | {5: (), 6: ()})
        assert cal.hours_on(date(2026, 11, 29)) == ()

    def test_standard_week_is_monday_to_friday(self) -> None:
        week = [PLAIN.hours_on(date(2026, 11, 23) + timedelta(days=i)) for i in range(7)]
        assert week == [DEFAULT_DAY] * 5 + [(), ()]


class TestHolidays2026:
    @pytest.mark.parametrize(
        ("day", "working"),
        [
            pytest.param(date(2026, 2, 14), True, id="sat-before-spring-festival-is-调休"),
            pytest.param(date(2026, 2, 28), True, id="sat-after-spring-festival-is-调休"),
            pytest.param(date(2026, 2, 17), False, id="spring-festival-tuesday"),
            pytest.param(date(2026, 9, 20), True, id="sun-before-national-day-is-调休"),
            pytest.param(date(2026, 10, 10), True, id="sat-after-national-day-is-调休"),
            *[
                pytest.param(date(2026, 10, d), False, id=f"national-day-oct-{d}")
                for d in range(1, 8)
            ],
            pytest.param(date(2026, 10, 8), True, id="first-day-back-after-national-day"),
            pytest.param(date(2026, 11, 28), False, id="ordinary-saturday"),
            pytest.param(date(2026, 11, 27), True, id="ordinary-friday"),
        ],
    )
    def test_working_days(self, day: date, working: bool) -> None:
        assert MAINLAND.is_working_day(day) is working
        assert bool(MAINLAND.hours_on(day)) is working

    def test_every_day_of_2026_agrees_with_chinesecalendar(self) -> None:
        day = date(2026, 1, 1)
        while day.year == 2026:
            assert MAINLAND.is_working_day(day) == chinese_calendar.is_workday(day), day
            day += timedelta(days=1)

    def test_adjusted_weekend_day_gets_normal_hours(self) -> None:
        assert MAINLAND.hours_on(date(2026, 2, 14)) == DEFAULT_DAY

    @pytest.mark.parametrize(
        ("start", "duration", "due"),
        [
            pytest.param(
                sh(2026, 11, 27, 17, 30), 4 * H, sh(2026, 11, 30, 14, 30), id="fri-to-mon"
            ),
            pytest.param(sh(2026, 9, 30, 16), 4 * H, sh(2026, 10, 8, 11), id="over-national-day"),
            pytest.param(sh(2026, 9, 18, 17), 2 * H, sh(2026, 9, 20, 10), id="into-调休-sunday"),
            pytest.param(sh(2026, 2, 13, 17), 2 * H, sh(2026, 2, 14, 10), id="into-调休-saturday"),
            pytest.param(
                sh(2026, 2, 14, 17), 2 * H, sh(2026, 2, 24, 10), id="over-spring-festival"
            ),
        ],
    )
    def test_add_working_time_over_holidays(
        self, start: datetime, duration: timedelta, due: datetime
    ) -> None:
        assert MAINLAND.add_working_time(start, duration) == due

    @pytest.mark.parametrize(
        ("start", "days", "expected"),
        [
            pytest.param(sh(2026, 2, 13, 10), 1, sh(2026, 2, 14, 10), id="fri+1-is-调休-sat"),
            pytest.param(sh(2026, 2, 13, 10), 2, sh(2026, 2, 24, 10), id="fri+2-skips-festival"),
            pytest.param(sh(2026, 2, 16, 10), 0, sh(2026, 2, 24, 10), id="festival+0-is-reopening"),
            pytest.param(sh(2026, 2, 16, 10), 5, sh(2026, 2, 28, 10), id="festival+5-is-调休-sat"),
            pytest.param(sh(2026, 2, 24, 20), 0, sh(2026, 2, 24, 20), id="working-day+0-unchanged"),
        ],
    )
    def test_add_working_days_over_spring_festival(
        self, start: datetime, days: int, expected: datetime
    ) -> None:
        assert MAINLAND.add_working_days(start, days) == expected

    def test_a_working_year_of_hours_ends_on_the_last_working_day(self) -> None:
        # Independent oracle: the package's own list of 2026 working days.
        workdays = chinese_calendar.get_workdays(date(2026, 1, 5), date(2026, 12, 31))
        due = MAINLAND.add_working_time(sh(2026, 1, 5, 9), 7 * H * len(workdays))
        assert due == datetime.combine(workdays[-1], time(18), tzinfo=SHANGHAI)


class TestHolidayData:
    def test_adjusted_workdays_are_all_weekend_days(self) -> None:
        data = mainland_calendar_data()
        assert data.adjusted_workdays
        assert {d.weekday() for d in data.adjusted_workdays} <= {5, 6}

    def test_covered_years_are_the_years_the_package_knows(self) -> None:
        covered = mainland_calendar_data().covered_years
        assert set(range(2004, 2027)) <= covered
        assert 2003 not in covered
        assert max(covered) == max(d.year for d in chinese_calendar.holidays)

    @pytest.mark.parametrize(
        ("first", "last", "uncovered"),
        [
            pytest.param(date(2026, 1, 1), date(2026, 12, 31), set(), id="2026-known"),
            pytest.param(date(2026, 6, 1), date(2028, 2, 1), {2027, 2028}, id="future-years"),
            pytest.param(date(2003, 12, 1), date(2004, 1, 31), {2003}, id="before-the-data"),
            pytest.param(date(2027, 1, 1), date(2026, 1, 1), set(), id="empty-range"),
        ],
    )
    def test_uncovered_years(self, first: date, last: date, uncovered: set[int]) -> None:
        assert MAINLAND.uncovered_years(first, last) == uncovered

    def test_an_uncovered_year_falls_back_to_plain_weekly_hours(self) -> None:
        # 2100-01-01 is a Friday; without official data it is an ordinary working day.
        assert 2100 in MAINLAND.uncovered_years(date(2100, 1, 1), date(2100, 1, 1))
        assert MAINLAND.is_working_day(date(2100, 1, 1))


class TestWorkingTime:
    @pytest.mark.parametrize(
        ("at", "working"),
        [
            pytest.param(sh(2026, 11, 27, 8, 59, 59), False, id="before-09"),
            pytest.param(sh(2026, 11, 27, 9), True, id="09-start-inclusive"),
            pytest.param(sh(2026, 11, 27, 11, 59, 59), True, id="just-before-lunch"),
            pytest.param(sh(2026, 11, 27, 12), False, id="12-end-exclusive"),
            pytest.param(sh(2026, 11, 27, 13), False, id="lunch"),
            pytest.param(sh(2026, 11, 27, 14), True, id="14-afternoon-starts"),
            pytest.param(sh(2026, 11, 27, 18), False, id="18-end-exclusive"),
            pytest.param(sh(2026, 11, 27, 23), False, id="night"),
            pytest.param(sh(2026, 11, 28, 10), False, id="saturday"),
            pytest.param(sh(2026, 10, 8, 10), True, id="after-national-day"),
            pytest.param(sh(2026, 10, 1, 10), False, id="national-day"),
            pytest.param(utc(2026, 11, 27, 1, 30), True, id="utc-0130-is-0930-shanghai"),
            pytest.param(utc(2026, 11, 27, 4, 30), False, id="utc-0430-is-lunch-shanghai"),
            pytest.param(utc(2026, 11, 27, 20), False, id="utc-fri-2000-is-sat-0400-shanghai"),
            pytest.param(utc(2026, 11, 29, 23, 30), False, id="utc-sun-is-mon-0730-shanghai"),
            pytest.param(utc(2026, 11, 30, 1), True, id="utc-mon-0100-is-mon-0900-shanghai"),
        ],
    )
    def test_is_working_time(self, at: datetime, working: bool) -> None:
        assert MAINLAND.is_working_time(at) is working

    def test_working_intervals_are_aware_shanghai_datetimes(self) -> None:
        assert MAINLAND.working_intervals(date(2026, 2, 14)) == [
            (sh(2026, 2, 14, 9), sh(2026, 2, 14, 12)),
            (sh(2026, 2, 14, 14), sh(2026, 2, 14, 18)),
        ]
        assert all(s.tzinfo is SHANGHAI for s, _ in MAINLAND.working_intervals(date(2026, 3, 2)))
        assert MAINLAND.working_intervals(date(2026, 10, 1)) == []

    @pytest.mark.parametrize(
        ("at", "expected"),
        [
            pytest.param(sh(2026, 11, 27, 10), sh(2026, 11, 27, 10), id="already-working"),
            pytest.param(sh(2026, 11, 27, 7), sh(2026, 11, 27, 9), id="early-morning"),
            pytest.param(sh(2026, 11, 27, 12), sh(2026, 11, 27, 14), id="lunch-starts"),
            pytest.param(sh(2026, 11, 27, 18), sh(2026, 11, 30, 9), id="friday-evening"),
            pytest.param(sh(2026, 9, 30, 18), sh(2026, 10, 8, 9), id="national-day-eve"),
            pytest.param(utc(2026, 11, 27, 10), sh(2026, 11, 30, 9), id="utc-friday-night"),
        ],
    )
    def test_next_working_moment(self, at: datetime, expected: datetime) -> None:
        result = MAINLAND.next_working_moment(at)
        assert result == expected
        assert result.tzinfo is SHANGHAI

    @pytest.mark.parametrize(
        ("start", "end", "expected"),
        [
            pytest.param(sh(2026, 11, 27, 10), sh(2026, 11, 27, 11), H, id="inside-morning"),
            pytest.param(sh(2026, 11, 27, 11), sh(2026, 11, 27, 15), 2 * H, id="over-lunch"),
            pytest.param(sh(2026, 11, 27, 17), sh(2026, 11, 30, 10), 2 * H, id="over-weekend"),
            pytest.param(sh(2026, 9, 30, 9), sh(2026, 10, 9, 9), 14 * H, id="over-national-day"),
            pytest.param(sh(2026, 11, 28), sh(2026, 11, 29), timedelta(0), id="saturday"),
            pytest.param(sh(2026, 11, 27, 15), sh(2026, 11, 27, 10), timedelta(0), id="reversed"),
            pytest.param(utc(2026, 11, 27, 1), utc(2026, 11, 27, 2), H, id="utc-inputs"),
        ],
    )
    def test_working_time_between(
        self, start: datetime, end: datetime, expected: timedelta
    ) -> None:
        assert MAINLAND.working_time_between(start, end) == expected


class TestAddWorkingTime:
    @pytest.mark.parametrize(
        ("start", "duration", "due"),
        [
            pytest.param(
                sh(2026, 11, 24, 10), 30 * M, sh(2026, 11, 24, 10, 30), id="same-interval"
            ),
            pytest.param(sh(2026, 11, 24, 9), 3 * H, sh(2026, 11, 24, 12), id="ends-at-12-not-14"),
            pytest.param(sh(2026, 11, 24, 14), 4 * H, sh(2026, 11, 24, 18), id="ends-at-18-not-09"),
            pytest.param(sh(2026, 11, 24, 11), 2 * H, sh(2026, 11, 24, 15), id="urgent-over-lunch"),
            pytest.param(sh(2026, 11, 24, 12, 30), 2 * H, sh(2026, 11, 24, 16), id="from-lunch"),
            pytest.param(sh(2026, 11, 24, 20), H, sh(2026, 11, 25, 10), id="from-night"),
            pytest.param(sh(2026, 11, 27, 18), M, sh(2026, 11, 30, 9, 1), id="fri-18-to-monday"),
            pytest.param(sh(2026, 11, 28, 10), 4 * H, sh(2026, 11, 30, 15), id="from-saturday"),
            pytest.param(sh(2026, 11, 24, 12, 30), timedelta(0), sh(2026, 11, 24, 14), id="zero"),
            pytest.param(sh(2026, 11, 24, 10), timedelta(0), sh(2026, 11, 24, 10), id="zero-in"),
            pytest.param(utc(2026, 11, 27, 9, 30), 4 * H, sh(2026, 11, 30, 14, 30), id="utc-start"),
            pytest.param(sh(2026, 11, 27, 10), 24 * H, sh(2026, 12, 2, 15), id="general-24h"),
        ],
    )
    def test_due_times(self, start: datetime, duration: timedelta, due: datetime) -> None:
        result = MAINLAND.add_working_time(start, duration)
        assert result == due
        assert result.tzinfo is SHANGHAI

    def test_round_the_clock_calendar_counts_nights_and_weekends(self) -> None:
        assert ROUND_THE_CLOCK.add_working_time(sh(2026, 11, 28, 10), 24 * H) == sh(
            2026, 11, 29, 10
        )
        assert ROUND_THE_CLOCK.is_working_time(sh(2026, 11, 29, 0))

    def test_years_of_working_time_are_computed(self) -> None:
        # Oracle: the package's 2026 working days, then plain Mon–Fri (years it lacks).
        days_left = 2000 - len(chinese_calendar.get_workdays(date(2026, 1, 5), date(2026, 12, 31)))
        day = date(2027, 1, 1)
        while days_left:
            days_left -= day.weekday() < 5
            day += timedelta(days=1)
        last_day = day - timedelta(days=1)
        start = sh(2026, 1, 5, 9)
        due = MAINLAND.add_working_time(start, 7 * H * 2000)
        assert due == datetime.combine(last_day, time(18), tzinfo=SHANGHAI)
        assert MAINLAND.working_time_between(start, due) == 7 * H * 2000

    @pytest.mark.parametrize(
        "calendar",
        [
            pytest.param(WorkingCalendar({}), id="no-hours-at-all"),
            pytest.param(WorkingCalendar({}, adjusted_workday_hours=DEFAULT_DAY), id="no-days"),
            pytest.param(
                WorkingCalendar({}, adjusted_workdays=frozenset({date(2026, 2, 14)})),
                id="only-one-adjusted-day",
            ),
        ],
    )
    def test_a_calendar_without_working_time_ahead_fails_instead_of_hanging(
        self, calendar: WorkingCalendar
    ) -> None:
        start = sh(2026, 3, 1)
        with pytest.raises(CalendarError, match="no working"):
            calendar.add_working_time(start, 8 * H)
        with pytest.raises(CalendarError, match="no working"):
            calendar.next_working_moment(start)
        with pytest.raises(CalendarError, match="no working"):
            calendar.add_working_days(start, 1)
        assert calendar.working_time_between(start, start + timedelta(days=400)) == timedelta(0)

    def test_only_adjusted_days_are_still_usable_until_they_run_out(self) -> None:
        cal = WorkingCalendar({}, adjusted_workdays=frozenset({date(2026, 2, 14)}))
        assert cal.add_working_time(sh(2026, 1, 1), 7 * H) == sh(2026, 2, 14, 18)


class TestAddWorkingDays:
    @pytest.mark.parametrize(
        ("start", "days", "expected"),
        [
            pytest.param(sh(2026, 11, 24, 10), 1, sh(2026, 11, 25, 10), id="next-day"),
            pytest.param(sh(2026, 11, 27, 10), 1, sh(2026, 11, 30, 10), id="friday+1-monday"),
            pytest.param(sh(2026, 11, 24, 10), 3, sh(2026, 11, 27, 10), id="3-working-days"),
            pytest.param(sh(2026, 11, 28, 10), 0, sh(2026, 11, 30, 10), id="saturday+0"),
            # From a rest day, +0 and +1 both land on the first working day after it.
            pytest.param(sh(2026, 11, 28, 10), 1, sh(2026, 11, 30, 10), id="saturday+1"),
            pytest.param(sh(2026, 11, 28, 10), 2, sh(2026, 12, 1, 10), id="saturday+2"),
            pytest.param(sh(2026, 11, 24, 20), 1, sh(2026, 11, 25, 20), id="not-clamped-night"),
            pytest.param(sh(2026, 9, 30, 10), 1, sh(2026, 10, 8, 10), id="over-national-day"),
            # 2026-11-26 20:00 UTC is already Friday 04:00 in Shanghai.
            pytest.param(utc(2026, 11, 26, 20), 1, sh(2026, 11, 30, 4), id="utc-date-differs"),
        ],
    )
    def test_add_working_days(self, start: datetime, days: int, expected: datetime) -> None:
        result = MAINLAND.add_working_days(start, days)
        assert result == expected
        assert result.tzinfo is SHANGHAI


class TestInvalidArguments:
    NAIVE = datetime(2026, 11, 24, 10)

    @pytest.mark.parametrize(
        "call",
        [
            pytest.param(lambda: MAINLAND.is_working_time(TestInvalidArguments.NAIVE), id="is"),
            pytest.param(
                lambda: MAINLAND.next_working_moment(TestInvalidArguments.NAIVE), id="next"
            ),
            pytest.param(
                lambda: MAINLAND.add_working_time(TestInvalidArguments.NAIVE, H), id="add"
            ),
            pytest.param(
                lambda: MAINLAND.add_working_days(TestInvalidArguments.NAIVE, 1), id="days"
            ),
            pytest.param(
                lambda: MAINLAND.working_time_between(sh(2026, 1, 5), TestInvalidArguments.NAIVE),
                id="between",
            ),
        ],
    )
    def test_naive_datetimes_are_refused(self, call: object) -> None:
        assert callable(call)
        with pytest.raises(CalendarError, match="aware"):
            call()

    def test_negative_duration_and_days_are_refused(self) -> None:
        with pytest.raises(CalendarError, match="negative"):
            MAINLAND.add_working_time(sh(2026, 11, 24, 10), -M)
        with pytest.raises(CalendarError, match="negative"):
            MAINLAND.add_working_days(sh(2026, 11, 24, 10), -1)

    def test_a_datetime_is_not_accepted_as_a_day(self) -> None:
        # Its date depends on the zone: 2026-10-07 20:00 UTC is already 10-08 in Shanghai.
        with pytest.raises(CalendarError, match="date"):
            MAINLAND.is_working_day(utc(2026, 10, 7, 20))


class TestDaylightSaving:
    def test_working_time_is_real_elapsed_time_across_a_dst_change(self) -> None:
        # New York springs forward on 2026-03-08: that local day lasts 23 hours.
        cal = WorkingCalendar({d: ((time(0), time(0)),) for d in range(7)}, tz=NEW_YORK)
        start = datetime(2026, 3, 8, tzinfo=NEW_YORK)
        end = datetime(2026, 3, 9, tzinfo=NEW_YORK)
        assert cal.working_time_between(start, end) == 23 * H
        assert cal.add_working_time(start, 23 * H) == end

    def test_office_hours_keep_their_wall_clock_after_the_change(self) -> None:
        cal = WorkingCalendar.standard(tz=NEW_YORK)
        # Friday 17:00 EST + 2 h -> Monday 10:00 EDT, though the offset changed on Sunday.
        due = cal.add_working_time(datetime(2026, 3, 6, 17, tzinfo=NEW_YORK), 2 * H)
        assert (due.date(), due.time(), due.utcoffset()) == (
            date(2026, 3, 9),
            time(10),
            timedelta(hours=-4),
        )


# -- laws ------------------------------------------------------------------------------


@st.composite
def day_hours(draw: st.DrawFn) -> tuple[Interval, ...]:
    """Sorted, non-overlapping intervals on a 10-minute grid; maybe ending at midnight."""
    marks = sorted(draw(st.sets(st.integers(0, 144), max_size=6)))
    if len(marks) % 2:
        marks = marks[:-1]
    intervals = []
    for a, b in zip(marks[::2], marks[1::2], strict=True):
        end = time(0) if b == 144 else time(b // 6, b % 6 * 10)
        intervals.append((time(a // 6, a % 6 * 10), end))
    return tuple(intervals)


@st.composite
def calendars(draw: st.DrawFn) -> WorkingCalendar:
    kind = draw(st.sampled_from(["mainland", "random"]))
    if kind == "mainland":
        return MAINLAND
    weekly = {d: draw(day_hours()) for d in range(7)}
    assume(any(weekly.values()))
    some_days = st.frozensets(st.dates(date(2025, 12, 1), date(2027, 2, 1)), max_size=20)
    holidays = draw(some_days)
    adjusted = draw(some_days) - holidays
    tz = draw(st.sampled_from([SHANGHAI, ZoneInfo("UTC"), NEW_YORK]))
    return WorkingCalendar(weekly, holidays, adjusted, draw(day_hours()), tz=tz)


def weekly_working_time(cal: WorkingCalendar) -> timedelta:
    total = timedelta(0)
    for intervals in cal.weekly_hours.values():
        for s, e in intervals:
            end = timedelta(days=1) if e == time(0) else timedelta(hours=e.hour, minutes=e.minute)
            total += end - timedelta(hours=s.hour, minutes=s.minute)
    return total


moments = st.datetimes(
    min_value=datetime(2026, 1, 1),
    max_value=datetime(2026, 12, 31),
    timezones=st.sampled_from([UTC, SHANGHAI, NEW_YORK]),
    allow_imaginary=False,
)


@st.composite
def durations(draw: st.DrawFn, cal: WorkingCalendar) -> timedelta:
    """Up to ~10 weeks of this calendar's working time, to the microsecond."""
    limit = int(weekly_working_time(cal) / timedelta(microseconds=1)) * 10
    return timedelta(microseconds=draw(st.integers(0, limit)))


def is_interval_end(cal: WorkingCalendar, at: datetime) -> bool:
    local = at.astimezone(cal.tz).date()
    days = (local - timedelta(days=1), local)  # an interval ending at midnight is yesterday's
    return any(at == e for d in days for _, e in cal.working_intervals(d))


class TestLaws:
    @given(data=st.data(), cal=calendars(), start=moments)
    def test_working_time_between_undoes_add_working_time(
        self, data: st.DataObject, cal: WorkingCalendar, start: datetime
    ) -> None:
        duration = data.draw(durations(cal))
        assert cal.working_time_between(start, cal.add_working_time(start, duration)) == duration

    @given(data=st.data(), cal=calendars(), start=moments)
    def test_add_working_time_is_monotonic(
        self, data: st.DataObject, cal: WorkingCalendar, start: datetime
    ) -> None:
        a, b = sorted([data.draw(durations(cal)), data.draw(durations(cal))])
        assert cal.add_working_time(start, a) <= cal.add_working_time(start, b)

    @given(data=st.data(), cal=calendars(), start=moments)
    def test_a_due_time_is_working_time_or_an_interval_end(
        self, data: st.DataObject, cal: WorkingCalendar, start: datetime
    ) -> None:
        duration = data.draw(durations(cal))
        due = cal.add_working_time(start, duration)
        assert due >= start
        assert due.tzinfo is cal.tz
        if duration:
            assert cal.is_working_time(due) or is_interval_end(cal, due)
        else:
            assert cal.is_working_time(due)

    @given(cal=calendars(), at=moments)
    def test_next_working_moment_is_working_time_not_earlier(
        self, cal: WorkingCalendar, at: datetime
    ) -> None:
        moment = cal.next_working_moment(at)
        assert moment >= at
        assert cal.is_working_time(moment)
        assert cal.working_time_between(at, moment) == timedelta(0)
        assert (moment == at) is cal.is_working_time(at)

    @given(cal=calendars(), a=moments, b=moments, c=moments)
    def test_working_time_between_is_additive(
        self, cal: WorkingCalendar, a: datetime, b: datetime, c: datetime
    ) -> None:
        a, b, c = sorted([a, b, c])
        between = cal.working_time_between
        assert between(a, b) + between(b, c) == between(a, c)
        assert timedelta(0) <= between(a, b) <= b - a

    @given(cal=calendars(), start=moments, days=st.integers(0, 40))
    def test_add_working_days_lands_on_a_working_day_at_the_same_wall_clock(
        self, cal: WorkingCalendar, start: datetime, days: int
    ) -> None:
        result = cal.add_working_days(start, days)
        local = start.astimezone(cal.tz)
        assert cal.is_working_day(result.date())
        skipped = [
            local.date() + timedelta(days=i) for i in range((result.date() - local.date()).days)
        ]
        if days == 0:  # the start's own date when it is a working day, else the next one
            assert not any(cal.is_working_day(d) for d in skipped)
        else:  # exactly `days` working days after the start's date, the last one the result
            assert sum(cal.is_working_day(d) for d in skipped[1:]) == days - 1
        if cal.tz is not NEW_YORK:  # a DST gap may move the wall clock by an hour
            assert result.time() == local.time()
