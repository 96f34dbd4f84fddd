"""SLA clocks for tickets: due times in working time, pauses, and the state shown to people."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from huifang.domain.calendar import SHANGHAI
from huifang.domain.china_holidays import mainland_calendar
from huifang.domain.sla import Pause, SlaClock, SlaError, SlaState, due_at, evaluate

CAL = mainland_calendar()
H = timedelta(hours=1)
M = timedelta(minutes=1)
ZERO = timedelta(0)
URGENT, MAJOR, GENERAL = 2 * H, 4 * H, 24 * H  # response targets (domain.md T2)


def sh(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    """An aware wall-clock time in Shanghai."""
    return datetime(y, mo, d, h, mi, tzinfo=SHANGHAI)


# 2026-11-24 is an ordinary Tuesday; a major ticket opened at 10:00 is due at 16:00.
TUE = (2026, 11, 24)
WED = (2026, 11, 25)


class TestDueAt:
    @pytest.mark.parametrize(
        ("opened", "target", "due"),
        [
            pytest.param(sh(2026, 11, 27, 17, 30), MAJOR, sh(2026, 11, 30, 14, 30), id="major-fri"),
            pytest.param(sh(2026, 9, 30, 16), MAJOR, sh(2026, 10, 8, 11), id="major-national-day"),
            pytest.param(sh(2026, 11, 27, 10), GENERAL, sh(2026, 12, 2, 15), id="general-weekend"),
            pytest.param(sh(*TUE, 11), URGENT, sh(*TUE, 15), id="urgent-across-lunch"),
            pytest.param(sh(*TUE, 12, 30), URGENT, sh(*TUE, 16), id="urgent-opened-at-lunch"),
            pytest.param(sh(*TUE, 16), URGENT, sh(*TUE, 18), id="urgent-due-at-closing"),
            pytest.param(sh(2026, 11, 28, 10), MAJOR, sh(2026, 11, 30, 15), id="opened-saturday"),
            pytest.param(
                datetime(2026, 11, 27, 9, 30, tzinfo=UTC),
                MAJOR,
                sh(2026, 11, 30, 14, 30),
                id="opened-in-utc",
            ),
        ],
    )
    def test_without_pauses(self, opened: datetime, target: timedelta, due: datetime) -> None:
        assert due_at(CAL, opened, target) == due

    @pytest.mark.parametrize(
        ("pauses", "due"),
        [
            pytest.param([], sh(*TUE, 16), id="no-pause"),
            pytest.param([Pause(sh(*TUE, 18, 30), sh(*WED, 8, 30))], sh(*TUE, 16), id="overnight"),
            pytest.param([Pause(sh(*TUE, 12), sh(*TUE, 14))], sh(*TUE, 16), id="over-lunch"),
            pytest.param([Pause(sh(*TUE, 14), sh(*TUE, 18))], sh(*WED, 11), id="working-afternoon"),
            pytest.param([Pause(sh(*TUE, 11), sh(*TUE, 15))], sh(*TUE, 18), id="11-to-15-is-2h"),
            pytest.param(
                [Pause(sh(*TUE, 10, 30), sh(*TUE, 11)), Pause(sh(*TUE, 15), sh(*TUE, 15, 30))],
                sh(*TUE, 17),
                id="two-half-hours",
            ),
            pytest.param([Pause(sh(*TUE, 16), sh(*TUE, 17))], sh(*TUE, 16), id="starts-at-due"),
            pytest.param([Pause(sh(*WED, 9), sh(*WED, 10))], sh(*TUE, 16), id="after-due"),
            pytest.param([Pause(sh(*TUE, 16, 30))], sh(*TUE, 16), id="open-but-after-due"),
        ],
    )
    def test_pauses_move_the_due_time_by_their_working_time(
        self, pauses: list[Pause], due: datetime
    ) -> None:
        assert due_at(CAL, sh(*TUE, 10), MAJOR, pauses) == due

    def test_an_open_pause_before_the_due_time_leaves_it_unknown(self) -> None:
        with pytest.raises(SlaError, match="paused"):
            due_at(CAL, sh(*TUE, 10), MAJOR, [Pause(sh(*TUE, 11))])

    def test_an_open_pause_can_be_assumed_to_end_now(self) -> None:
        # 1 h worked before the pause, 3 h left from 15:00: 15:00–18:00.
        due = due_at(CAL, sh(*TUE, 10), MAJOR, [Pause(sh(*TUE, 11))], now=sh(*TUE, 15))
        assert due == sh(*TUE, 18)

    def test_due_time_is_in_shanghai_whatever_the_input_zone(self) -> None:
        due = due_at(CAL, datetime(2026, 11, 24, 2, tzinfo=UTC), MAJOR)
        assert due.tzinfo is SHANGHAI
        assert due == sh(*TUE, 16)


def clock(
    now: datetime,
    *,
    fulfilled_at: datetime | None = None,
    pauses: Sequence[Pause] = (),
    target: timedelta = MAJOR,
) -> SlaClock:
    """A major ticket opened on Tuesday 10:00 (due 16:00 without pauses)."""
    return evaluate(
        CAL,
        opened_at=sh(*TUE, 10),
        target=target,
        now=now,
        fulfilled_at=fulfilled_at,
        pauses=pauses,
    )


class TestEvaluate:
    @pytest.mark.parametrize(
        ("now", "state", "elapsed"),
        [
            pytest.param(sh(*TUE, 10), SlaState.ON_TRACK, ZERO, id="just-opened"),
            pytest.param(sh(*TUE, 11), SlaState.ON_TRACK, H, id="one-hour-in"),
            pytest.param(sh(*TUE, 13), SlaState.ON_TRACK, 2 * H, id="lunch-does-not-count"),
            pytest.param(sh(*TUE, 14, 59), SlaState.ON_TRACK, 179 * M, id="just-below-75pct"),
            pytest.param(sh(*TUE, 15), SlaState.AT_RISK, 3 * H, id="75pct-is-at-risk"),
            pytest.param(sh(*TUE, 15, 59), SlaState.AT_RISK, 239 * M, id="last-minute"),
            pytest.param(sh(*TUE, 16), SlaState.BREACHED, MAJOR, id="due-instant-is-breached"),
            pytest.param(sh(*TUE, 22), SlaState.BREACHED, 6 * H, id="breached-at-night"),
            pytest.param(sh(*WED, 10), SlaState.BREACHED, 7 * H, id="breached-next-day"),
        ],
    )
    def test_running_clock(self, now: datetime, state: SlaState, elapsed: timedelta) -> None:
        result = clock(now)
        assert (result.state, result.elapsed, result.remaining) == (state, elapsed, MAJOR - elapsed)
        assert result.due_at == sh(*TUE, 16)
        assert result.paused == ZERO

    @pytest.mark.parametrize(
        ("fulfilled_at", "state", "elapsed"),
        [
            pytest.param(sh(*TUE, 10, 20), SlaState.MET, 20 * M, id="quick-response"),
            pytest.param(sh(*TUE, 16), SlaState.MET, MAJOR, id="exactly-at-due"),
            pytest.param(sh(*TUE, 16, 1), SlaState.MISSED, MAJOR + M, id="one-minute-late"),
            pytest.param(sh(*WED, 9, 30), SlaState.MISSED, 6 * H + 30 * M, id="next-morning"),
        ],
    )
    def test_fulfilled_clock(
        self, fulfilled_at: datetime, state: SlaState, elapsed: timedelta
    ) -> None:
        result = clock(sh(2026, 12, 31, 12), fulfilled_at=fulfilled_at)
        assert (result.state, result.elapsed, result.remaining) == (state, elapsed, MAJOR - elapsed)

    def test_a_fulfilment_after_now_has_not_happened_yet(self) -> None:
        assert clock(sh(*TUE, 11), fulfilled_at=sh(*TUE, 12)).state is SlaState.ON_TRACK

    def test_while_paused_the_clock_stops_and_due_assumes_resuming_now(self) -> None:
        # Waiting on the customer since 13:00: 10–12 counted, 14–17 paused.
        result = clock(sh(*TUE, 17), pauses=[Pause(sh(*TUE, 13))])
        assert result.state is SlaState.PAUSED
        assert (result.elapsed, result.paused, result.remaining) == (2 * H, 3 * H, 2 * H)
        assert result.due_at == sh(*WED, 10)  # 17–18 today, then 09–10 tomorrow

    def test_a_long_pause_keeps_pushing_the_due_time(self) -> None:
        pauses = [Pause(sh(*TUE, 13))]
        assert clock(sh(*WED, 17), pauses=pauses).due_at == sh(2026, 11, 26, 10)

    def test_a_ticket_breached_before_its_pause_stays_breached(self) -> None:
        result = clock(sh(*WED, 10), pauses=[Pause(sh(*TUE, 17))])
        assert result.state is SlaState.BREACHED
        assert result.due_at == sh(*TUE, 16)

    def test_after_the_pause_the_clock_runs_again(self) -> None:
        # Paused over the working afternoon (4 h): due moves from Tue 16:00 to Wed 11:00.
        pauses = [Pause(sh(*TUE, 14), sh(*TUE, 18))]
        at_nine = clock(sh(*WED, 9), pauses=pauses)
        assert (at_nine.state, at_nine.elapsed, at_nine.paused) == (SlaState.ON_TRACK, 2 * H, 4 * H)
        assert at_nine.due_at == sh(*WED, 11)
        assert clock(sh(*WED, 10), pauses=pauses).state is SlaState.AT_RISK
        assert clock(sh(*WED, 11), pauses=pauses).state is SlaState.BREACHED

    def test_a_pause_recorded_for_later_is_ignored_when_looking_at_an_earlier_moment(self) -> None:
        pauses = [Pause(sh(*TUE, 14), sh(*TUE, 18))]
        assert clock(sh(*TUE, 11), pauses=pauses) == clock(sh(*TUE, 11))
        assert clock(sh(*TUE, 15), pauses=pauses).state is SlaState.PAUSED

    def test_fulfilled_while_paused_is_met(self) -> None:
        result = clock(sh(*WED, 12), fulfilled_at=sh(*TUE, 17), pauses=[Pause(sh(*TUE, 11))])
        assert (result.state, result.elapsed, result.paused) == (SlaState.MET, H, 4 * H)

    @pytest.mark.parametrize(
        ("ratio", "state"),
        [
            pytest.param(0.5, SlaState.AT_RISK, id="half"),
            pytest.param(0.9, SlaState.ON_TRACK, id="ninety-pct"),
            pytest.param(1.0, SlaState.ON_TRACK, id="never-at-risk"),
        ],
    )
    def test_at_risk_ratio_is_configurable(self, ratio: float, state: SlaState) -> None:
        result = evaluate(
            CAL, opened_at=sh(*TUE, 10), target=MAJOR, now=sh(*TUE, 15), at_risk_ratio=ratio
        )
        assert result.state is state


class TestValidation:
    NAIVE = datetime(2026, 11, 24, 10)

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            pytest.param(
                {"opened_at": NAIVE}, "opened_at must be time-zone aware", id="naive-open"
            ),
            pytest.param({"now": NAIVE}, "now must be time-zone aware", id="naive-now"),
            pytest.param({"fulfilled_at": NAIVE}, "fulfilled_at must be", id="naive-fulfilled"),
            pytest.param({"target": ZERO}, "positive", id="zero-target"),
            pytest.param({"target": -H}, "positive", id="negative-target"),
            pytest.param({"at_risk_ratio": 0.0}, "at_risk_ratio", id="ratio-zero"),
            pytest.param({"at_risk_ratio": 1.5}, "at_risk_ratio", id="ratio-above-one"),
            pytest.param({"now": sh(*TUE, 9)}, "before the ticket was opened", id="now-too-early"),
            pytest.param(
                {"fulfilled_at": sh(*TUE, 9)}, "before the ticket was opened", id="fulfilled-early"
            ),
            pytest.param(
                {"pauses": [Pause(sh(*TUE, 9), sh(*TUE, 11))]},
                "pause starts .* before the ticket was opened",
                id="pause-before-opening",
            ),
            pytest.param(
                {"pauses": [Pause(sh(*TUE, 11), sh(*TUE, 14)), Pause(sh(*TUE, 13), sh(*TUE, 15))]},
                "pauses overlap",
                id="overlapping",
            ),
            pytest.param(
                {"pauses": [Pause(sh(*TUE, 14), sh(*TUE, 15)), Pause(sh(*TUE, 11), sh(*TUE, 12))]},
                "time order",
                id="unsorted",
            ),
            pytest.param(
                {"pauses": [Pause(sh(*TUE, 11)), Pause(sh(*TUE, 14), sh(*TUE, 15))]},
                "only the last pause may still be open",
                id="open-pause-not-last",
            ),
        ],
    )
    def test_evaluate_explains_bad_input(self, kwargs: dict[str, object], message: str) -> None:
        arguments: dict[str, object] = {
            "opened_at": sh(*TUE, 10),
            "target": MAJOR,
            "now": sh(*TUE, 12),
        } | kwargs
        with pytest.raises(SlaError, match=message):
            evaluate(CAL, **arguments)  # type: ignore[arg-type]

    def test_a_pause_cannot_end_before_it_starts(self) -> None:
        with pytest.raises(SlaError, match="cannot end"):
            Pause(sh(*TUE, 14), sh(*TUE, 13))

    def test_due_at_validates_too(self) -> None:
        with pytest.raises(SlaError, match="aware"):
            due_at(CAL, self.NAIVE, MAJOR)
        with pytest.raises(SlaError, match="overlap"):
            due_at(
                CAL,
                sh(*TUE, 10),
                MAJOR,
                [Pause(sh(*TUE, 11), sh(*TUE, 14)), Pause(sh(*TUE, 13), sh(*TUE, 15))],
            )

    def test_sla_errors_are_value_errors(self) -> None:
        assert issubclass(SlaError, ValueError)


# -- properties ------------------------------------------------------------------------

moments = st.datetimes(
    min_value=datetime(2026, 1, 1),
    max_value=datetime(2026, 12, 31),
    timezones=st.sampled_from([UTC, SHANGHAI]),
)
targets = st.integers(1, 60 * 48).map(lambda minutes: minutes * M)  # up to 48 working hours
real_spans = st.integers(0, 10 * 24 * 60 * 60).map(lambda s: timedelta(seconds=s))  # ≤ 10 days


class TestProperties:
    @given(opened=moments, target=targets, offset=real_spans)
    def test_a_pause_outside_working_time_changes_nothing(
        self, opened: datetime, target: timedelta, offset: timedelta
    ) -> None:
        quiet = opened + offset
        assume(not CAL.is_working_time(quiet))
        pause = Pause(quiet, CAL.next_working_moment(quiet))  # night, lunch, weekend, holiday
        assert due_at(CAL, opened, target, [pause]) == due_at(CAL, opened, target)

    @given(opened=moments, target=targets, fraction=st.floats(0, 1), length=real_spans)
    def test_a_pause_of_working_time_w_moves_due_by_exactly_w(
        self, opened: datetime, target: timedelta, fraction: float, length: timedelta
    ) -> None:
        before = due_at(CAL, opened, target)
        start = opened + (before - opened) * fraction
        assume(start < before)
        pause = Pause(start, start + length)
        after = due_at(CAL, opened, target, [pause])
        assert CAL.working_time_between(before, after) == CAL.working_time_between(
            pause.start, pause.start + length
        )

    @given(opened=moments, target=targets, span=real_spans)
    def test_elapsed_plus_remaining_is_the_target(
        self, opened: datetime, target: timedelta, span: timedelta
    ) -> None:
        result = evaluate(CAL, opened_at=opened, target=target, now=opened + span)
        assert result.elapsed + result.remaining == target
        assert result.elapsed == CAL.working_time_between(opened, opened + span)
        assert (result.state is SlaState.BREACHED) is (result.remaining <= ZERO)

    @given(opened=moments, target=targets, a=real_spans, b=real_spans)
    def test_the_clock_never_runs_backwards(
        self, opened: datetime, target: timedelta, a: timedelta, b: timedelta
    ) -> None:
        early, late = sorted([a, b])
        first = evaluate(CAL, opened_at=opened, target=target, now=opened + early)
        second = evaluate(CAL, opened_at=opened, target=target, now=opened + late)
        assert first.elapsed <= second.elapsed
        order = [SlaState.ON_TRACK, SlaState.AT_RISK, SlaState.BREACHED]
        assert order.index(first.state) <= order.index(second.state)

    @given(opened=moments, target=targets, span=real_spans)
    def test_met_exactly_when_fulfilled_by_the_due_time(
        self, opened: datetime, target: timedelta, span: timedelta
    ) -> None:
        fulfilled = opened + span
        result = evaluate(
            CAL, opened_at=opened, target=target, now=fulfilled, fulfilled_at=fulfilled
        )
        expected = SlaState.MET if fulfilled <= due_at(CAL, opened, target) else SlaState.MISSED
        assert result.state is expected

    @given(opened=moments, target=targets, offset=real_spans, length=real_spans, span=real_spans)
    def test_elapsed_never_counts_paused_time(
        self,
        opened: datetime,
        target: timedelta,
        offset: timedelta,
        length: timedelta,
        span: timedelta,
    ) -> None:
        pause = Pause(opened + offset, opened + offset + length)
        now = opened + span
        result = evaluate(CAL, opened_at=opened, target=target, now=now, pauses=[pause])
        assert result.elapsed + result.paused == CAL.working_time_between(opened, now)
        assert result.due_at == due_at(CAL, opened, target, [pause], now=now)
