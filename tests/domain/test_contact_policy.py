"""Contact policy: when a customer may be contacted, and why not otherwise (C5, F4, F5).

Dates are on the real 2026 mainland calendar: 2026-10-01…07 National Day, Saturday
2026-10-10 a 调休 working day, 2026-11-27 a Friday.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huifang.domain.calendar import SHANGHAI, WorkingCalendar
from huifang.domain.china_holidays import mainland_calendar
from huifang.domain.contact_policy import (
    Channel,
    Contact,
    ContactPolicyError,
    ContactRules,
    Decision,
    Preferences,
    ReasonCode,
    check,
    earliest_allowed,
)

MAINLAND = mainland_calendar()
RULES = ContactRules()
H = timedelta(hours=1)
R = ReasonCode


def sh(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SHANGHAI)


def seek(start: datetime, end: datetime, **overrides: Any) -> Decision:
    args: dict[str, Any] = {
        "channel": Channel.PHONE,
        "routine": True,
        "history": (),
        "prefs": Preferences(),
        "calendar": MAINLAND,
        "rules": RULES,
    }
    args.update(overrides)
    return earliest_allowed(window_start=start, window_end=end, **args)


def codes_at(at: datetime, **overrides: Any) -> tuple[ReasonCode, ...]:
    args: dict[str, Any] = {
        "channel": Channel.PHONE,
        "routine": True,
        "history": (),
        "prefs": Preferences(),
        "calendar": MAINLAND,
        "rules": RULES,
    }
    args.update(overrides)
    return tuple(r.code for r in check(at, **args))


def window(start: int, end: int) -> Preferences:
    return Preferences(preferred_window=(time(start), time(end)))


def refusing(*channels: Channel) -> Preferences:
    return Preferences(refused_channels=frozenset(channels))


def service(*moments: datetime) -> tuple[Contact, ...]:
    """Non-routine contacts: they count for the cap but not for the routine gap."""
    return tuple(Contact(m, Channel.PHONE, routine=False) for m in moments)


# --- contact hours on the real calendar -------------------------------------------------


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        pytest.param(sh(2026, 11, 27, 9), (), id="09:00-opens"),
        pytest.param(sh(2026, 11, 27, 8, 59), (R.OUTSIDE_CONTACT_HOURS,), id="08:59-too-early"),
        pytest.param(sh(2026, 11, 27, 11, 59), (), id="11:59-before-lunch"),
        pytest.param(sh(2026, 11, 27, 12), (R.OUTSIDE_CONTACT_HOURS,), id="12:00-lunch"),
        pytest.param(sh(2026, 11, 27, 13, 59), (R.OUTSIDE_CONTACT_HOURS,), id="13:59-lunch"),
        pytest.param(sh(2026, 11, 27, 14), (), id="14:00-afternoon"),
        pytest.param(sh(2026, 11, 27, 17, 59), (), id="17:59-last-minute"),
        pytest.param(sh(2026, 11, 27, 18), (R.OUTSIDE_CONTACT_HOURS,), id="18:00-evening"),
        pytest.param(sh(2026, 11, 28, 10), (R.REST_DAY,), id="saturday"),
        pytest.param(sh(2026, 10, 1, 10), (R.REST_DAY,), id="national-day-thursday"),
        pytest.param(sh(2026, 10, 10, 10), (), id="tiaoxiu-saturday-oct-10"),
        pytest.param(sh(2026, 9, 20, 10), (), id="tiaoxiu-sunday-sep-20"),
        pytest.param(sh(2026, 2, 14, 15), (), id="tiaoxiu-saturday-feb-14"),
        pytest.param(datetime(2026, 11, 27, 2, tzinfo=UTC), (), id="utc-02:00-is-10:00-local"),
    ],
)
def test_check_contact_hours(at: datetime, expected: tuple[ReasonCode, ...]) -> None:
    assert codes_at(at) == expected


@pytest.mark.parametrize(
    ("start", "end", "overrides", "expected_at", "expected_codes"),
    [
        pytest.param(
            sh(2026, 11, 27, 10), sh(2026, 11, 30, 18), {}, sh(2026, 11, 27, 10), (),
            id="working-time-stays",
        ),
        pytest.param(
            sh(2026, 11, 27, 12, 30), sh(2026, 11, 30, 18), {}, sh(2026, 11, 27, 14),
            (R.OUTSIDE_CONTACT_HOURS,), id="lunch-to-14:00",
        ),
        pytest.param(
            sh(2026, 11, 26, 18), sh(2026, 11, 30, 18), {}, sh(2026, 11, 27, 9),
            (R.OUTSIDE_CONTACT_HOURS,), id="evening-to-next-morning",
        ),
        pytest.param(
            sh(2026, 11, 27, 2), sh(2026, 11, 30, 18), {}, sh(2026, 11, 27, 9),
            (R.OUTSIDE_CONTACT_HOURS,), id="night-to-09:00",
        ),
        pytest.param(
            sh(2026, 11, 27, 18, 30), sh(2026, 12, 4), {}, sh(2026, 11, 30, 9),
            (R.OUTSIDE_CONTACT_HOURS,), id="friday-evening-to-monday",
        ),
        pytest.param(
            sh(2026, 11, 28, 10), sh(2026, 12, 4), {}, sh(2026, 11, 30, 9),
            (R.REST_DAY,), id="weekend-to-monday",
        ),
        pytest.param(
            sh(2026, 9, 30, 18, 30), sh(2026, 10, 20), {}, sh(2026, 10, 8, 9),
            (R.OUTSIDE_CONTACT_HOURS,), id="eve-of-national-day-to-oct-8",
        ),
        pytest.param(
            sh(2026, 10, 3, 10), sh(2026, 10, 20), {}, sh(2026, 10, 8, 9),
            (R.REST_DAY,), id="inside-national-day-to-oct-8",
        ),
        pytest.param(
            sh(2026, 10, 9, 18, 30), sh(2026, 10, 20), {}, sh(2026, 10, 10, 9),
            (R.OUTSIDE_CONTACT_HOURS,), id="friday-evening-to-tiaoxiu-saturday",
        ),
        pytest.param(
            sh(2026, 11, 28, 10), sh(2026, 12, 4),
            {"rules": replace(RULES, allow_rest_days=True)}, sh(2026, 11, 28, 10), (),
            id="rest-days-allowed",
        ),
        pytest.param(
            sh(2026, 11, 28, 9), sh(2026, 12, 4),
            {"rules": replace(RULES, allow_rest_days=True, rest_day_hours=((time(10), time(16)),))},
            sh(2026, 11, 28, 10), (R.OUTSIDE_CONTACT_HOURS,), id="rest-day-hours-apply",
        ),
        pytest.param(
            sh(2026, 11, 28, 10), sh(2026, 11, 29, 20), {}, None,
            (R.REST_DAY, R.NO_SLOT_IN_WINDOW), id="weekend-only-window-has-no-slot",
        ),
    ],
)  # fmt: skip
def test_earliest_allowed_respects_contact_hours(
    start: datetime,
    end: datetime,
    overrides: dict[str, Any],
    expected_at: datetime | None,
    expected_codes: tuple[ReasonCode, ...],
) -> None:
    decision = seek(start, end, **overrides)
    assert decision.at == expected_at
    assert decision.allowed is (expected_at is not None)
    assert tuple(r.code for r in decision.reasons) == expected_codes


def test_a_move_names_both_moments() -> None:
    decision = seek(sh(2026, 9, 30, 18, 30), sh(2026, 10, 20))
    (reason,) = decision.reasons
    assert "2026-09-30 18:30" in reason.detail
    assert "2026-10-08 09:00" in reason.detail


def test_answer_is_in_the_calendar_zone() -> None:
    decision = seek(datetime(2026, 11, 27, 2, tzinfo=UTC), sh(2026, 11, 30))
    assert decision.at is not None
    assert decision.at.tzinfo == SHANGHAI
    assert decision.at == sh(2026, 11, 27, 10)


# --- the 72 h cap and the routine gap ------------------------------------------------


@pytest.mark.parametrize(
    ("start", "history", "routine", "expected_at", "expected_codes"),
    [
        pytest.param(
            sh(2026, 11, 27, 10), service(sh(2026, 11, 26, 10), sh(2026, 11, 26, 15)), False,
            sh(2026, 11, 30, 9), (R.FREQUENCY_CAP, R.REST_DAY),
            id="two-contacts-yesterday-third-waits-past-the-weekend",
        ),
        pytest.param(
            sh(2026, 11, 27, 10), service(sh(2026, 11, 24, 10), sh(2026, 11, 25, 10)), False,
            sh(2026, 11, 27, 10), (), id="exactly-72h-after-the-first-is-fine",
        ),
        pytest.param(
            sh(2026, 11, 27, 9, 59), service(sh(2026, 11, 24, 10), sh(2026, 11, 25, 10)), False,
            sh(2026, 11, 27, 10), (R.FREQUENCY_CAP,), id="one-minute-short-of-72h-waits",
        ),
        pytest.param(
            sh(2026, 11, 27, 10), service(sh(2026, 11, 25, 10)), False,
            sh(2026, 11, 27, 10), (), id="one-prior-contact-is-fine",
        ),
        pytest.param(
            sh(2026, 11, 27, 16), service(sh(2026, 11, 30, 10), sh(2026, 11, 30, 15)), False,
            sh(2026, 12, 3, 10), (R.FREQUENCY_CAP,), id="already-planned-contacts-count",
        ),
        pytest.param(
            sh(2026, 11, 27, 14), service(sh(2026, 11, 30, 10), sh(2026, 11, 30, 15)), False,
            sh(2026, 11, 27, 14), (), id="73h-before-two-planned-ones-is-fine",
        ),
        pytest.param(
            sh(2026, 11, 27, 10), (Contact(sh(2026, 11, 23, 10), Channel.SMS),), True,
            sh(2026, 11, 30, 10), (R.ROUTINE_GAP,), id="routine-gap-7-days",
        ),
        pytest.param(
            sh(2026, 11, 27, 10), (Contact(sh(2026, 11, 23, 10), Channel.SMS),), False,
            sh(2026, 11, 27, 10), (), id="gap-does-not-bind-a-service-contact",
        ),
        pytest.param(
            sh(2026, 11, 27, 10), service(sh(2026, 11, 23, 10)), True,
            sh(2026, 11, 27, 10), (), id="gap-ignores-earlier-service-contacts",
        ),
        pytest.param(
            sh(2026, 11, 23, 10), (Contact(sh(2026, 11, 27, 10), Channel.SMS),), True,
            sh(2026, 12, 4, 10), (R.ROUTINE_GAP,), id="gap-also-before-a-planned-routine-one",
        ),
    ],
)  # fmt: skip
def test_cap_and_gap(
    start: datetime,
    history: tuple[Contact, ...],
    routine: bool,
    expected_at: datetime,
    expected_codes: tuple[ReasonCode, ...],
) -> None:
    decision = seek(start, start + timedelta(days=14), history=history, routine=routine)
    assert decision.at == expected_at
    assert tuple(r.code for r in decision.reasons) == expected_codes


def test_cap_reason_says_when_it_frees_up() -> None:
    history = service(sh(2026, 11, 26, 10), sh(2026, 11, 26, 15))
    decision = seek(sh(2026, 11, 27, 10), sh(2026, 12, 4), history=history, routine=False)
    cap = decision.reasons[0]
    assert cap.code is R.FREQUENCY_CAP
    assert "2026-11-29 10:00" in cap.detail  # 72 h after the first of the two


def test_cap_is_a_parameter() -> None:
    history = service(sh(2026, 11, 26, 10), sh(2026, 11, 26, 15))
    rules = replace(RULES, max_contacts=3)
    decision = seek(sh(2026, 11, 27, 10), sh(2026, 12, 4), history=history, rules=rules)
    assert decision.at == sh(2026, 11, 27, 10)


# --- preferences, blackouts ----------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "prefs", "expected_at", "expected_codes"),
    [
        pytest.param(
            sh(2026, 11, 27, 10), sh(2026, 11, 30, 18), window(16, 17),
            sh(2026, 11, 27, 16), (R.OUTSIDE_PREFERRED_WINDOW,), id="wait-for-preferred-window",
        ),
        pytest.param(
            sh(2026, 11, 27, 12, 30), sh(2026, 11, 30, 18), window(11, 15),
            sh(2026, 11, 27, 14), (R.OUTSIDE_CONTACT_HOURS,), id="window-minus-lunch",
        ),
        pytest.param(
            sh(2026, 11, 27, 16, 30), sh(2026, 12, 4), window(9, 10),
            sh(2026, 11, 30, 9), (R.OUTSIDE_PREFERRED_WINDOW, R.REST_DAY),
            id="next-morning-is-monday",
        ),
        pytest.param(
            sh(2026, 11, 27, 10), sh(2026, 11, 30, 18), window(17, 8),
            sh(2026, 11, 27, 17), (R.OUTSIDE_PREFERRED_WINDOW,), id="window-across-midnight",
        ),
        pytest.param(
            sh(2026, 11, 27, 8), sh(2026, 11, 30, 18), window(17, 10),
            sh(2026, 11, 27, 9), (R.OUTSIDE_CONTACT_HOURS,), id="morning-part-of-a-midnight-window",
        ),
        pytest.param(
            sh(2026, 11, 27, 10), sh(2026, 11, 30, 18), window(17, 10),
            sh(2026, 11, 27, 17), (R.OUTSIDE_PREFERRED_WINDOW,),
            id="10:00-closes-a-midnight-window",
        ),
        pytest.param(
            sh(2026, 11, 27, 10), sh(2026, 11, 30, 18), window(19, 21),
            sh(2026, 11, 27, 10), (R.OUTSIDE_PREFERRED_WINDOW,), id="never-in-hours-falls-back",
        ),
        pytest.param(
            sh(2026, 11, 27, 10), sh(2026, 11, 30, 18), refusing(Channel.PHONE),
            None, (R.CHANNEL_REFUSED,), id="refused-channel-never",
        ),
        pytest.param(
            sh(2026, 11, 27, 10), sh(2026, 11, 30, 18), refusing(Channel.SMS),
            sh(2026, 11, 27, 10), (), id="another-refused-channel-is-irrelevant",
        ),
        pytest.param(
            sh(2026, 11, 27, 10), sh(2026, 11, 30, 18), Preferences(opted_out=True),
            None, (R.OPTED_OUT,), id="opted-out-never",
        ),
    ],
)  # fmt: skip
def test_preferences(
    start: datetime,
    end: datetime,
    prefs: Preferences,
    expected_at: datetime | None,
    expected_codes: tuple[ReasonCode, ...],
) -> None:
    decision = seek(start, end, prefs=prefs)
    assert decision.at == expected_at
    assert tuple(r.code for r in decision.reasons) == expected_codes


def test_fallback_from_preferred_window_is_recorded_as_such() -> None:
    prefs = window(19, 21)
    decision = seek(sh(2026, 11, 27, 10), sh(2026, 11, 30, 18), prefs=prefs)
    assert "using contact hours" in decision.reasons[0].detail
    # check() still names the preference: the fallback is a recorded exception.
    assert decision.at is not None
    assert codes_at(decision.at, prefs=prefs) == (R.OUTSIDE_PREFERRED_WINDOW,)


def test_non_routine_contact_still_obeys_opt_out_and_refusal() -> None:
    for prefs in (Preferences(opted_out=True), refusing(Channel.PHONE)):
        decision = seek(sh(2026, 11, 27, 10), sh(2026, 11, 30), prefs=prefs, routine=False)
        assert not decision.allowed


BLACKOUT = ((sh(2026, 10, 11), sh(2026, 11, 12)),)  # the month before 双十一


@pytest.mark.parametrize(
    ("routine", "expected_at", "expected_codes"),
    [
        pytest.param(True, sh(2026, 11, 12, 9), (R.BLACKOUT, R.OUTSIDE_CONTACT_HOURS),
                     id="routine-waits"),
        pytest.param(False, sh(2026, 10, 20, 10), (), id="service-contact-goes-ahead"),
    ],
)  # fmt: skip
def test_blackout(
    routine: bool, expected_at: datetime, expected_codes: tuple[ReasonCode, ...]
) -> None:
    decision = seek(sh(2026, 10, 20, 10), sh(2026, 11, 30), routine=routine, blackouts=BLACKOUT)
    assert decision.at == expected_at
    assert tuple(r.code for r in decision.reasons) == expected_codes


def test_moves_are_jumps_not_steps() -> None:
    # Two weeks of lunch breaks, nights and a holiday would be hundreds of minute steps.
    history = service(sh(2026, 9, 29, 10), sh(2026, 9, 30, 9))
    decision = seek(sh(2026, 9, 30, 12, 30), sh(2026, 10, 20), history=history, routine=False)
    assert decision.at == sh(2026, 10, 8, 9)
    assert len(decision.reasons) <= 3


# --- bad input ------------------------------------------------------------------------


def test_naive_datetimes_are_rejected() -> None:
    naive = datetime(2026, 11, 27, 10)
    with pytest.raises(ContactPolicyError):
        codes_at(naive)
    with pytest.raises(ContactPolicyError):
        seek(naive, sh(2026, 11, 30))
    with pytest.raises(ContactPolicyError):
        Contact(naive, Channel.PHONE)
    with pytest.raises(ContactPolicyError):
        seek(sh(2026, 11, 27), sh(2026, 11, 30), blackouts=((naive, sh(2026, 11, 30)),))


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: ContactRules(max_contacts=0), id="cap-of-zero"),
        pytest.param(lambda: ContactRules(cap_window=-H), id="negative-cap-window"),
        pytest.param(lambda: ContactRules(rest_day_hours=((time(16), time(10)),)),
                     id="backwards-hours"),
        pytest.param(lambda: window(9, 9), id="empty-window"),
        pytest.param(
            lambda: replace(refusing(Channel.SMS), preferred_channel=Channel.SMS),
            id="preferred-and-refused",
        ),
        pytest.param(lambda: seek(sh(2026, 11, 30), sh(2026, 11, 27)), id="window-backwards"),
    ],
)  # fmt: skip
def test_contradictions_are_rejected(make: Any) -> None:
    with pytest.raises(ContactPolicyError):
        make()


# --- properties -----------------------------------------------------------------------

YEAR_START = sh(2026, 1, 1)
REST_HOURS = [((time(10), time(16)),), ((time(20), time(0)),), ((time(0), time(0)),)]


@st.composite
def situations(draw: st.DrawFn) -> dict[str, Any]:
    start = YEAR_START + timedelta(minutes=15 * draw(st.integers(0, 350 * 96)))
    end = start + timedelta(minutes=15 * draw(st.integers(0, 14 * 96)))
    history = tuple(
        Contact(
            start + timedelta(minutes=15 * draw(st.integers(-6 * 96, 16 * 96))),
            draw(st.sampled_from(Channel)),
            draw(st.booleans()),
        )
        for _ in range(draw(st.integers(0, 5)))
    )
    preferred = None
    if draw(st.booleans()):
        a, b = draw(st.integers(0, 47)), draw(st.integers(0, 47))
        if a != b:
            preferred = (time(a // 2, 30 * (a % 2)), time(b // 2, 30 * (b % 2)))
    refused = draw(st.frozensets(st.sampled_from(Channel), max_size=2))
    prefs = Preferences(
        preferred_window=preferred,
        refused_channels=refused,
        opted_out=draw(st.integers(0, 9)) == 0,
    )
    rules = ContactRules(
        max_contacts=draw(st.integers(1, 3)),
        cap_window=timedelta(hours=draw(st.integers(0, 96))),
        min_routine_gap=timedelta(hours=draw(st.integers(0, 240))),
        allow_rest_days=draw(st.booleans()),
        rest_day_hours=draw(st.sampled_from(REST_HOURS)),
    )
    blackouts = []
    if draw(st.booleans()):
        b0 = start + timedelta(hours=draw(st.integers(-48, 240)))
        blackouts.append((b0, b0 + timedelta(hours=draw(st.integers(1, 240)))))
    return {
        "window_start": start,
        "window_end": end,
        "channel": draw(st.sampled_from(Channel)),
        "routine": draw(st.booleans()),
        "history": history,
        "prefs": prefs,
        "calendar": MAINLAND,
        "rules": rules,
        "blackouts": tuple(blackouts),
    }


def _day_starts(cal: WorkingCalendar, day: date, s: dict[str, Any]) -> list[datetime]:
    """Every moment on ``day`` at which contact hours or the preferred window open."""
    tz = cal.tz
    rules: ContactRules = s["rules"]
    points = [a for a, _ in cal.working_intervals(day)]
    points += [datetime.combine(day, a, tzinfo=tz) for a, _ in rules.rest_day_hours]
    preferred = s["prefs"].preferred_window
    if preferred is not None:  # a window across midnight also opens at 00:00
        points += [datetime.combine(day, t, tzinfo=tz) for t in (preferred[0], time(0))]
    return points


def critical_moments(s: dict[str, Any], until: datetime) -> list[datetime]:
    """Where an allowed stretch could begin: the window start, contact-hour and preferred
    window openings, blackout ends, and the moments a cap or gap frees up. If none of
    these before ``until`` is allowed, no moment before ``until`` is."""
    start: datetime = s["window_start"]
    rules: ContactRules = s["rules"]
    points = [start]
    day = start.astimezone(SHANGHAI).date()
    while day <= until.astimezone(SHANGHAI).date():
        points += _day_starts(MAINLAND, day, s)
        day += timedelta(days=1)
    points += [end for _, end in s["blackouts"]]
    points += [c.at + rules.cap_window for c in s["history"]]
    points += [c.at + rules.min_routine_gap for c in s["history"]]
    return sorted({p for p in points if start <= p < until})


def _policy_args(s: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in s.items() if k not in ("window_start", "window_end")}


def _fell_back(decision: Decision) -> bool:
    first = decision.reasons[0] if decision.reasons else None
    return (
        first is not None
        and first.code is R.OUTSIDE_PREFERRED_WINDOW
        and ("using contact hours" in first.detail)
    )


def _blocked(at: datetime, s: dict[str, Any], ignore: frozenset[ReasonCode]) -> Sequence[Any]:
    return [r for r in check(at, **_policy_args(s)) if r.code not in ignore]


@given(situations())
def test_earliest_allowed_is_allowed_and_nothing_earlier_is(s: dict[str, Any]) -> None:
    decision = earliest_allowed(**s)
    ignore = frozenset({R.OUTSIDE_PREFERRED_WINDOW}) if _fell_back(decision) else frozenset()
    if decision.at is not None:
        assert s["window_start"] <= decision.at <= s["window_end"]
        assert not _blocked(decision.at, s, ignore)
        earlier = critical_moments(s, until=decision.at)
    elif decision.reasons[-1].code is R.NO_SLOT_IN_WINDOW:
        earlier = critical_moments(s, until=s["window_end"] + timedelta(microseconds=1))
    else:  # opted out or refused channel: never, whatever the moment
        assert {r.code for r in decision.reasons} <= {R.OPTED_OUT, R.CHANNEL_REFUSED}
        assert s["prefs"].opted_out or s["channel"] in s["prefs"].refused_channels
        return
    for moment in earlier:
        assert _blocked(moment, s, ignore), f"{moment} was allowed but skipped"


@given(situations(), st.lists(st.floats(0, 1), max_size=20))
def test_random_earlier_moments_are_not_allowed(s: dict[str, Any], fractions: list[float]) -> None:
    decision = earliest_allowed(**s)
    if decision.at is None:
        return
    ignore = frozenset({R.OUTSIDE_PREFERRED_WINDOW}) if _fell_back(decision) else frozenset()
    span = decision.at - s["window_start"]
    for f in fractions:
        moment = s["window_start"] + span * f
        if moment < decision.at:
            assert _blocked(moment, s, ignore)


@given(situations())
def test_every_move_has_a_reason(s: dict[str, Any]) -> None:
    decision = earliest_allowed(**s)
    if decision.at is not None and decision.at != s["window_start"]:
        assert decision.reasons
