from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huifang.domain.health import (
    HealthError,
    HealthInputs,
    HealthParameters,
    HealthWeights,
    health_score,
)

TODAY = date(2025, 3, 10)

HEALTHY = HealthInputs(
    last_contact_at=TODAY - timedelta(days=5),
    satisfaction_scores=(5, 5, 5),
    open_ticket_count=0,
    repeat_complaint_count=0,
    spend_last_12_months=Decimal("200000"),
    spend_previous_12_months=Decimal("100000"),
)

scores_1_to_5 = st.lists(st.integers(min_value=1, max_value=5), max_size=6)
spend = st.decimals(min_value=0, max_value=10_000_000, places=2)
inputs = st.builds(
    HealthInputs,
    last_contact_at=st.none() | st.dates(min_value=date(2015, 1, 1), max_value=date(2026, 1, 1)),
    satisfaction_scores=scores_1_to_5,
    open_ticket_count=st.integers(min_value=0, max_value=20),
    repeat_complaint_count=st.integers(min_value=0, max_value=20),
    spend_last_12_months=spend,
    spend_previous_12_months=spend,
)
weights = (
    st.lists(st.integers(min_value=0, max_value=10), min_size=5, max_size=5)
    .filter(any)
    .map(lambda ws: HealthWeights(*(w / sum(ws) for w in ws)))
)


def component(inp: HealthInputs, name: str) -> float:
    return health_score(inp, TODAY).components[name]


class TestScore:
    def test_a_healthy_customer_scores_high_and_is_not_at_risk(self) -> None:
        result = health_score(HEALTHY, TODAY)
        # Doubled spend gives spend_trend 0.75, everything else is perfect.
        assert result.score == 95
        assert not result.churn_risk

    def test_a_silent_unhappy_customer_with_open_problems_is_a_churn_risk(self) -> None:
        result = health_score(
            HealthInputs(
                last_contact_at=TODAY - timedelta(days=200),
                satisfaction_scores=(2, 1),
                open_ticket_count=2,
                repeat_complaint_count=1,
                spend_last_12_months=Decimal("10000"),
                spend_previous_12_months=Decimal("50000"),
            ),
            TODAY,
        )
        assert result.score < 40
        assert result.churn_risk

    def test_it_reports_every_component_between_0_and_1(self) -> None:
        components = health_score(HEALTHY, TODAY).components
        assert set(components) == {
            "recency",
            "satisfaction",
            "open_tickets",
            "repeat_complaints",
            "spend_trend",
        }

    @pytest.mark.parametrize(
        ("churn_risk_below", "at_risk"),
        [(95, False), (96, True)],
        ids=["score-equal-to-threshold-is-fine", "score-below-threshold-is-at-risk"],
    )
    def test_churn_threshold_is_a_parameter(self, churn_risk_below: int, at_risk: bool) -> None:
        params = HealthParameters(churn_risk_below=churn_risk_below)
        assert health_score(HEALTHY, TODAY, params=params).churn_risk is at_risk

    def test_weights_change_what_matters(self) -> None:
        only_satisfaction = HealthWeights(0, 1, 0, 0, 0)
        unhappy = replace(HEALTHY, satisfaction_scores=(1,))
        assert health_score(unhappy, TODAY, only_satisfaction).score == 0
        assert health_score(HEALTHY, TODAY, only_satisfaction).score == 100

    @given(inputs, weights)
    def test_score_is_always_between_0_and_100(self, inp: HealthInputs, w: HealthWeights) -> None:
        result = health_score(inp, TODAY, w)
        assert 0 <= result.score <= 100
        assert all(0.0 <= c <= 1.0 for c in result.components.values())
        assert result.churn_risk is (result.score < 40)

    @given(inputs, st.integers(min_value=1, max_value=5))
    def test_more_open_tickets_never_raise_the_score(self, inp: HealthInputs, extra: int) -> None:
        more = replace(inp, open_ticket_count=inp.open_ticket_count + extra)
        assert health_score(more, TODAY).score <= health_score(inp, TODAY).score

    @given(inputs, st.integers(min_value=1, max_value=5))
    def test_more_repeat_complaints_never_raise_the_score(
        self, inp: HealthInputs, extra: int
    ) -> None:
        more = replace(inp, repeat_complaint_count=inp.repeat_complaint_count + extra)
        assert health_score(more, TODAY).score <= health_score(inp, TODAY).score

    @given(inputs, st.data())
    def test_higher_satisfaction_never_lowers_the_score(
        self, inp: HealthInputs, data: st.DataObject
    ) -> None:
        happier = tuple(
            data.draw(st.integers(min_value=int(s), max_value=5)) for s in inp.satisfaction_scores
        )
        better = replace(inp, satisfaction_scores=happier)
        assert health_score(better, TODAY).score >= health_score(inp, TODAY).score


class TestComponents:
    @pytest.mark.parametrize(
        ("last_contact", "expected"),
        [
            (None, 0.0),
            (TODAY + timedelta(days=1), 1.0),
            (TODAY, 1.0),
            (TODAY - timedelta(days=30), 1.0),
            (TODAY - timedelta(days=105), 0.5),
            (TODAY - timedelta(days=180), 0.0),
            (TODAY - timedelta(days=1000), 0.0),
        ],
        ids=[
            "never-contacted",
            "tomorrow-by-time-zone-counts-as-today",
            "today",
            "30-days-still-full",
            "halfway-down",
            "180-days-gone",
            "years-ago",
        ],
    )
    def test_recency(self, last_contact: date | None, expected: float) -> None:
        assert component(replace(HEALTHY, last_contact_at=last_contact), "recency") == expected

    def test_recency_over_29_february(self) -> None:
        inp = replace(HEALTHY, last_contact_at=date(2024, 1, 30))
        # 2024-01-30 → 2024-02-29 is 30 days thanks to the leap day: still full marks.
        assert health_score(inp, date(2024, 2, 29)).components["recency"] == 1.0
        assert health_score(inp, date(2024, 3, 1)).components["recency"] < 1.0

    @pytest.mark.parametrize(
        ("scores", "expected"),
        [
            ((), 0.5),
            ((5,), 1.0),
            ((1,), 0.0),
            ((3,), 0.5),
            ((1, 1, 5, 5, 5), 1.0),
            ((5, 5, 1), 2 / 3),
        ],
        ids=[
            "never-answered-is-neutral",
            "delighted",
            "furious",
            "neutral",
            "old-scores-forgotten",
            "recent-bad-answer-counts",
        ],
    )
    def test_satisfaction(self, scores: tuple[int, ...], expected: float) -> None:
        assert component(replace(HEALTHY, satisfaction_scores=scores), "satisfaction") == (
            pytest.approx(expected)
        )

    @pytest.mark.parametrize(
        ("count", "open_tickets", "repeats"),
        [(0, 1.0, 1.0), (1, 2 / 3, 0.5), (2, 1 / 3, 0.0), (3, 0.0, 0.0), (9, 0.0, 0.0)],
        ids=["none", "one", "two", "three", "nine"],
    )
    def test_open_tickets_and_repeat_complaints(
        self, count: int, open_tickets: float, repeats: float
    ) -> None:
        inp = replace(HEALTHY, open_ticket_count=count, repeat_complaint_count=count)
        assert component(inp, "open_tickets") == pytest.approx(open_tickets)
        assert component(inp, "repeat_complaints") == pytest.approx(repeats)

    @pytest.mark.parametrize(
        ("last", "previous", "expected"),
        [
            ("0", "0", 0.5),
            ("5000", "0", 1.0),
            ("0", "5000", 0.0),
            ("5000", "5000", 0.5),
            ("10000", "5000", 0.75),
            ("5000", "10000", 0.25),
        ],
        ids=["no-spend-at-all", "first-year", "stopped", "flat", "doubled", "halved"],
    )
    def test_spend_trend(self, last: str, previous: str, expected: float) -> None:
        inp = replace(
            HEALTHY,
            spend_last_12_months=Decimal(last),
            spend_previous_12_months=Decimal(previous),
        )
        assert component(inp, "spend_trend") == expected


class TestValidation:
    @pytest.mark.parametrize(
        "values",
        [(0.2, 0.2, 0.2, 0.2, 0.1), (0.5, 0.5, 0.5, -0.5, 0.0), (1.0, 0.0, 0.0, 0.0, float("nan"))],
        ids=["sum-0.9", "negative-weight", "nan-weight"],
    )
    def test_bad_weights_are_refused(self, values: tuple[float, ...]) -> None:
        with pytest.raises(HealthError, match="weight"):
            HealthWeights(*values)

    def test_default_weights_add_up_to_one(self) -> None:
        assert sum(HealthWeights().as_dict().values()) == pytest.approx(1.0)

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"satisfaction_scores": (0,)},
            {"satisfaction_scores": (5.5,)},
            {"open_ticket_count": -1},
            {"repeat_complaint_count": 1.5},
            {"spend_last_12_months": Decimal("-1")},
            {"spend_previous_12_months": 100.0},
        ],
        ids=[
            "score-0",
            "score-5.5",
            "negative-tickets",
            "fractional-complaints",
            "negative-spend",
            "float-spend",
        ],
    )
    def test_bad_inputs_are_refused(self, kwargs: dict[str, object]) -> None:
        with pytest.raises(HealthError):
            HealthInputs(**kwargs)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"recency_full_days": 90, "recency_zero_days": 60},
            {"open_tickets_zero_at": 0},
            {"unknown_satisfaction": 1.5},
            {"churn_risk_below": 101},
        ],
        ids=["recency-backwards", "zero-tickets-divisor", "neutral-off-scale", "over-100"],
    )
    def test_bad_parameters_are_refused(self, kwargs: dict[str, object]) -> None:
        with pytest.raises(HealthError):
            HealthParameters(**kwargs)  # type: ignore[arg-type]
