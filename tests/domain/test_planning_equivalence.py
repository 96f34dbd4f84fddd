"""Laws the planner's speed tricks must keep (calendar day caches, remembered rule choices
and step windows, follow-ups built without their constructor, fast reason formatting).

Each law compares the planner with itself under conditions a cache could tell apart: a
fresh object against a warm one, one calendar against another, one order against
another. Results are compared by ``repr`` as well as ``==``: equal aware datetimes can
still differ in zone, and the zone is part of what the planner hands back.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from huifang.domain import calendar as calendar_module
from huifang.domain.cadence import (
    DEFAULT_RULES,
    Adjustment,
    CadenceRule,
    Event,
    PlannedFollowUp,
    ProblemNature,
    Trigger,
    plan_event,
    resolve,
    select_rule,
)
from huifang.domain.calendar import SHANGHAI, Interval, WorkingCalendar
from huifang.domain.china_holidays import mainland_calendar
from huifang.domain.classification import Flag, ProductClass, Tier
from huifang.domain.contact_policy import (
    Channel,
    Contact,
    ContactRules,
    Preferences,
    _fmt,
    check,
    earliest_allowed,
)

NEW_YORK = ZoneInfo("America/New_York")  # has DST: folds and gaps
ZONES = [UTC, SHANGHAI, NEW_YORK, timezone(timedelta(hours=8))]
NOW = datetime(2026, 11, 26, 10, 17, tzinfo=SHANGHAI)

# -- strategies ---------------------------------------------------------------------------

days_around_now = st.dates(date(2026, 6, 1), date(2027, 6, 30))


@st.composite
def day_hours(draw: st.DrawFn) -> tuple[Interval, ...]:
    """Sorted, non-overlapping intervals on a 30-minute grid; maybe ending at midnight."""
    marks = sorted(draw(st.sets(st.integers(0, 48), min_size=2, max_size=4)))
    if len(marks) % 2:
        marks = marks[:-1]
    return tuple(
        (time(a // 2, a % 2 * 30), time(0) if b == 48 else time(b // 2, b % 2 * 30))
        for a, b in zip(marks[::2], marks[1::2], strict=True)
    )


@st.composite
def calendar_specs(draw: st.DrawFn) -> dict[str, Any]:
    """The fields of a calendar, so a test can build it again, fresh."""
    holidays = draw(st.frozensets(days_around_now, max_size=15))
    return {
        "weekly_hours": {d: draw(day_hours()) if d < 5 else () for d in range(7)},
        "holidays": holidays,
        "adjusted_workdays": draw(st.frozensets(days_around_now, max_size=5)) - holidays,
        "adjusted_workday_hours": draw(day_hours()),
        "tz": draw(st.sampled_from([SHANGHAI, NEW_YORK])),
    }


moments = st.datetimes(
    min_value=datetime(2026, 6, 1),
    max_value=datetime(2027, 6, 30),
    timezones=st.sampled_from(ZONES),
)


def calendar_answers(cal: WorkingCalendar, days: Sequence[date], at: Sequence[datetime]) -> str:
    answers: list[object] = []
    for day in days:
        answers += [cal.hours_on(day), cal.is_working_day(day), cal.working_intervals(day)]
    for moment in at:
        answers += [
            cal.is_working_time(moment),
            cal.next_working_moment(moment),
            cal.add_working_time(moment, timedelta(hours=13)),
            cal.add_working_days(moment, 3),
            cal.working_time_between(moment, moment + timedelta(days=9)),
        ]
    return repr(answers)


@st.composite
def events(draw: st.DrawFn, customer_id: int = 1) -> Event:
    trigger = draw(st.sampled_from(list(Trigger)))
    occurred = draw(moments)
    reference = draw(st.none() | moments)
    return Event(
        trigger=trigger,
        customer_id=customer_id,
        occurred_at=occurred,
        source_ref=f"ref:{draw(st.integers(0, 3))}",
        tier=draw(st.sampled_from(list(Tier))),
        product_class=draw(st.none() | st.sampled_from(list(ProductClass))),
        problem_nature=draw(st.none() | st.sampled_from(list(ProblemNature))),
        severity=draw(st.sampled_from([None, "minor", "major"])),
        segments=draw(st.sampled_from([frozenset(), frozenset({Flag.LONG_TERM})])),
        reference_at=reference,
    )


@st.composite
def customers(draw: st.DrawFn, customer_id: int) -> dict[str, Any]:
    """What resolve needs for one customer, but the plan (made from ``events``)."""
    contacts = draw(
        st.lists(
            st.builds(Contact, moments, st.sampled_from(list(Channel)), st.booleans()),
            max_size=4,
        )
    )
    window = draw(
        st.sampled_from([None, (time(10), time(11, 30)), (time(19), time(21)), (time(20), time(8))])
    )
    blackout_start = draw(moments)
    return {
        "events": draw(st.lists(events(customer_id), min_size=1, max_size=3)),
        "history": contacts,
        "prefs": Preferences(preferred_window=window),
        "blackouts": draw(
            st.sampled_from([[], [(blackout_start, blackout_start + timedelta(days=12))]])
        ),
        "contact_level": draw(st.sampled_from([-1, 0, 0, 1])),
    }


def fresh_rules(rules: Sequence[CadenceRule]) -> tuple[CadenceRule, ...]:
    """Equal rules that have remembered nothing yet."""
    return tuple(dataclasses.replace(rule) for rule in rules)


def plan_and_resolve(
    customer: dict[str, Any], rules: tuple[CadenceRule, ...], cal: WorkingCalendar
) -> str:
    planned = [f for event in customer["events"] for f in plan_event(event, rules, cal)]
    adjustments: list[Adjustment] = resolve(
        planned,
        existing=[],
        history=customer["history"],
        prefs=customer["prefs"],
        calendar=cal,
        contact_rules=ContactRules(),
        now=NOW,
        blackouts=customer["blackouts"],
        contact_level=customer["contact_level"],
    )
    return repr((planned, adjustments))


# -- calendar -----------------------------------------------------------------------------


def intervals_worked_out(cal: WorkingCalendar, day: date) -> list[tuple[datetime, datetime]]:
    """working_intervals(day) from the calendar's fields alone, as the uncached planner
    computed it: the oracle no cache can fool."""
    result: list[tuple[datetime, datetime]] = []
    for start, end in cal.hours_on(day):  # hours_on reads the fields; nothing cached
        s = datetime.combine(day, start, tzinfo=cal.tz).astimezone(UTC)
        end_day = day + timedelta(days=1) if end == time(0) else day
        e = datetime.combine(end_day, end, tzinfo=cal.tz).astimezone(UTC)
        if result:
            s = max(s, result[-1][1])
        if e > s:
            result.append((s, e))
    return [(s.astimezone(cal.tz), e.astimezone(cal.tz)) for s, e in result]


@given(
    spec=calendar_specs(),
    other_holidays=st.frozensets(days_around_now, max_size=15),
    other_zone=st.sampled_from([SHANGHAI, NEW_YORK]),
    days=st.lists(days_around_now, min_size=1, max_size=8),
    at=st.lists(moments, min_size=1, max_size=4),
)
def test_calendar_caches_never_leak_between_calendars(
    spec: dict[str, Any],
    other_holidays: frozenset[date],
    other_zone: ZoneInfo,
    days: list[date],
    at: list[datetime],
) -> None:
    other_spec = {
        **spec,
        "holidays": other_holidays,
        "adjusted_workdays": spec["adjusted_workdays"] - other_holidays,
        "tz": other_zone,
    }
    one, other = WorkingCalendar(**spec), WorkingCalendar(**other_spec)
    for cal in (other, one, other):  # each warmed, then asked again after the other
        calendar_answers(cal, days, at)
        for day in days:
            assert repr(cal.working_intervals(day)) == repr(intervals_worked_out(cal, day))
            for moment in at:
                local = moment.astimezone(cal.tz)
                if local.date() == day:
                    expected = any(s <= moment < e for s, e in intervals_worked_out(cal, day))
                    assert cal.is_working_time(moment) == expected


@given(
    spec=calendar_specs(),
    days=st.lists(days_around_now, min_size=1, max_size=8),
    at=st.lists(moments, min_size=1, max_size=4),
)
def test_a_warm_calendar_answers_like_a_fresh_one(
    spec: dict[str, Any], days: list[date], at: list[datetime]
) -> None:
    warm = WorkingCalendar(**spec)
    calendar_answers(warm, days[::-1], at[::-1])  # other order, so later answers are cached
    fresh = [calendar_answers(WorkingCalendar(**spec), [d], []) for d in days]
    fresh += [calendar_answers(WorkingCalendar(**spec), [], [m]) for m in at]
    assert [calendar_answers(warm, [d], []) for d in days] + [
        calendar_answers(warm, [], [m]) for m in at
    ] == fresh


@given(spec=calendar_specs(), days=st.lists(days_around_now, min_size=1, max_size=8))
def test_caches_are_invisible_to_equality_hashing_repr_and_replace(
    spec: dict[str, Any], days: list[date]
) -> None:
    warm, cold = WorkingCalendar(**spec), WorkingCalendar(**spec)
    calendar_answers(warm, days, [NOW])
    assert warm == cold
    assert hash(warm) == hash(cold)
    assert repr(warm) == repr(cold)
    assert [f.name for f in dataclasses.fields(warm)] == [
        "weekly_hours",
        "holidays",
        "adjusted_workdays",
        "adjusted_workday_hours",
        "covered_years",
        "tz",
    ]
    # replace() builds a calendar with its own answers, not the warm one's.
    everything_off = dataclasses.replace(
        warm, holidays=frozenset(days), adjusted_workdays=frozenset()
    )
    assert all(everything_off.hours_on(day) == () for day in days)


def test_a_calendar_caches_a_bounded_number_of_days() -> None:
    cal = WorkingCalendar.standard()
    start = datetime(2000, 1, 3, 9, tzinfo=SHANGHAI)
    cal.working_time_between(start, start + timedelta(days=calendar_module.MAX_CACHED_DAYS * 2))
    assert len(cal._days) <= calendar_module.MAX_CACHED_DAYS


# -- cadence ------------------------------------------------------------------------------


@given(
    spec=calendar_specs(),
    plan=st.lists(events(), min_size=1, max_size=6),
)
def test_plans_are_the_same_with_fresh_or_warm_rules_and_calendars(
    spec: dict[str, Any], plan: list[Event]
) -> None:
    mainland = mainland_calendar()
    mine = WorkingCalendar(**spec)
    warm_rules = DEFAULT_RULES
    # Warm rules and calendars, alternating calendars so the rules must tell them apart.
    for event in plan:
        plan_event(event, warm_rules, mainland)
        plan_event(event, warm_rules, mine)
    for cal, spec_again in ((mainland, None), (mine, spec)):
        for event in plan:
            fresh_cal = mainland_calendar() if spec_again is None else WorkingCalendar(**spec)
            fresh = plan_event(event, fresh_rules(DEFAULT_RULES), fresh_cal)
            warm = plan_event(event, warm_rules, cal)
            assert warm == fresh
            assert repr(warm) == repr(fresh)


@given(plan=st.lists(events(), min_size=1, max_size=6))
def test_planned_follow_ups_equal_ones_built_by_their_constructor(plan: list[Event]) -> None:
    field_names = [f.name for f in dataclasses.fields(PlannedFollowUp)]
    for event in plan:
        for followup in plan_event(event, DEFAULT_RULES, mainland_calendar()):
            rebuilt = PlannedFollowUp(**{name: getattr(followup, name) for name in field_names})
            assert rebuilt == followup
            assert hash(rebuilt) == hash(followup)
            assert repr(rebuilt) == repr(followup)
            assert list(vars(followup)) == field_names


@given(plan=st.lists(events(), min_size=1, max_size=8), data=st.data())
def test_the_rule_chosen_follows_the_rules_given(plan: list[Event], data: st.DataObject) -> None:
    some_rules = tuple(data.draw(st.lists(st.sampled_from(DEFAULT_RULES), unique=True)))
    for event in plan:
        # Alternate two rule sets: a remembered choice must belong to the set asked about.
        for rules in (DEFAULT_RULES, some_rules, DEFAULT_RULES):
            assert select_rule(event, rules) is select_rule(event, list(rules))


# -- contact policy and resolve -------------------------------------------------------------


@given(st.lists(st.tuples(customers(1), customers(2)), min_size=1, max_size=2))
def test_results_do_not_depend_on_what_was_planned_before(
    pairs: list[tuple[dict[str, Any], dict[str, Any]]],
) -> None:
    cal, rules = mainland_calendar(), DEFAULT_RULES
    first_order = [plan_and_resolve(c, rules, cal) for pair in pairs for c in pair]
    second_order = [plan_and_resolve(c, rules, cal) for pair in pairs[::-1] for c in pair[::-1]]
    assert first_order == second_order[::-1]
    # ...and not on anything remembered at all.
    assert first_order == [
        plan_and_resolve(c, fresh_rules(DEFAULT_RULES), mainland_calendar())
        for pair in pairs
        for c in pair
    ]


@given(
    customer=customers(1),
    start=moments,
    length=st.integers(0, 20 * 24 * 60).map(lambda m: timedelta(minutes=m)),
    routine=st.booleans(),
)
def test_the_contact_policy_answers_alike_on_fresh_and_warm_calendars(
    customer: dict[str, Any], start: datetime, length: timedelta, routine: bool
) -> None:
    warm = mainland_calendar()

    def ask(cal: WorkingCalendar) -> str:
        rules = ContactRules(max_contacts=1, allow_rest_days=routine)
        common = {
            "channel": Channel.PHONE,
            "routine": routine,
            "history": customer["history"],
            "prefs": customer["prefs"],
            "calendar": cal,
            "rules": rules,
            "blackouts": customer["blackouts"],
        }
        decision = earliest_allowed(window_start=start, window_end=start + length, **common)
        return repr((decision, check(start, **common)))

    ask(warm)
    assert ask(warm) == ask(mainland_calendar())


@given(
    st.datetimes(
        min_value=datetime(2, 1, 1),
        max_value=datetime(9998, 12, 31),
        timezones=st.sampled_from(ZONES),
    )
)
def test_moments_are_formatted_as_strftime_does(at: datetime) -> None:
    for tz in (SHANGHAI, NEW_YORK, ZoneInfo("UTC")):
        assert _fmt(at, tz) == at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
