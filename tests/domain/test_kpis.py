from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huifang.domain.kpis import (
    Benchmark,
    Benchmarks,
    Complaint,
    Csat,
    DurationStats,
    KpiError,
    Nps,
    Verdict,
    churn_risk_count,
    compare,
    contact_rate,
    coverage,
    csat,
    duration_stats,
    first_contact_resolution,
    nps,
    on_time_rate,
    repeat_complaint_rate,
    repeat_complaints,
    resolution_rate,
    sla_compliance,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 3, 10, 10, 0, tzinfo=SHANGHAI)
D = date(2025, 3, 1)

csat_scores = st.lists(st.integers(min_value=1, max_value=5))
nps_scores = st.lists(st.integers(min_value=0, max_value=10))
durations = st.lists(
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=30)), min_size=1
)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


class TestCsat:
    @pytest.mark.parametrize(
        ("scores", "expected"),
        [
            ([5, 4, 3, 2, 1], Csat(share_satisfied=0.4, mean=3.0, count=5)),
            ([5, 5, 5, 5], Csat(share_satisfied=1.0, mean=5.0, count=4)),
            ([4], Csat(share_satisfied=1.0, mean=4.0, count=1)),
            ([3, 3], Csat(share_satisfied=0.0, mean=3.0, count=2)),
            ([4.0, 5.0], Csat(share_satisfied=1.0, mean=4.5, count=2)),
        ],
        ids=["one-of-each", "all-delighted", "four-counts-as-satisfied", "neutral", "float-column"],
    )
    def test_share_and_mean(self, scores: list[float], expected: Csat) -> None:
        assert csat(scores) == expected

    def test_no_answers_is_no_data_not_zero(self) -> None:
        assert csat([]) is None

    @pytest.mark.parametrize(
        "bad", [0, 6, 4.5, True, float("nan")], ids=["zero", "six", "half", "bool", "nan"]
    )
    def test_a_score_off_the_scale_is_named(self, bad: float) -> None:
        with pytest.raises(KpiError, match=rf"CSAT score {bad!r}"):
            csat([5, bad, 4])

    @given(csat_scores)
    def test_share_is_a_share_and_mean_is_on_the_scale(self, scores: list[int]) -> None:
        result = csat(scores)
        if not scores:
            assert result is None
            return
        assert result is not None
        assert 0.0 <= result.share_satisfied <= 1.0
        assert 1.0 <= result.mean <= 5.0
        assert result.count == len(scores)


class TestNps:
    @pytest.mark.parametrize(
        ("scores", "expected"),
        [
            ([10, 9, 8, 7, 6, 0], Nps(score=0.0, promoters=2, passives=2, detractors=2, count=6)),
            ([10, 10], Nps(score=100.0, promoters=2, passives=0, detractors=0, count=2)),
            ([0, 6], Nps(score=-100.0, promoters=0, passives=0, detractors=2, count=2)),
            ([7, 8], Nps(score=0.0, promoters=0, passives=2, detractors=0, count=2)),
            ([9, 9, 9, 1], Nps(score=50.0, promoters=3, passives=0, detractors=1, count=4)),
        ],
        ids=["balanced", "all-promoters", "all-detractors", "passives-only", "three-to-one"],
    )
    def test_score_and_buckets(self, scores: list[int], expected: Nps) -> None:
        assert nps(scores) == expected

    def test_no_answers_is_no_data(self) -> None:
        assert nps([]) is None

    @pytest.mark.parametrize("bad", [-1, 11, 9.5], ids=["minus-one", "eleven", "fraction"])
    def test_a_score_off_the_scale_is_named(self, bad: float) -> None:
        with pytest.raises(KpiError, match=rf"NPS score {bad!r} .* 0–10"):
            nps([bad])

    @given(nps_scores)
    def test_score_stays_within_minus_100_and_100(self, scores: list[int]) -> None:
        result = nps(scores)
        if result is not None:
            assert -100.0 <= result.score <= 100.0
            assert result.promoters + result.passives + result.detractors == result.count

    @given(nps_scores, st.sampled_from([9, 10]))
    def test_adding_a_promoter_never_lowers_it(self, scores: list[int], promoter: int) -> None:
        before = nps(scores)
        after = nps([*scores, promoter])
        assert after is not None
        assert before is None or after.score >= before.score


class TestResolution:
    @pytest.mark.parametrize(
        ("flags", "expected"),
        [([True, True, False, True], 0.75), ([False], 0.0), ([], None)],
        ids=["three-of-four", "none-first-time", "no-tickets"],
    )
    def test_first_contact_resolution(self, flags: list[bool], expected: float | None) -> None:
        assert first_contact_resolution(flags) == expected

    @pytest.mark.parametrize(
        ("resolved", "total", "expected"),
        [(9, 10, 0.9), (0, 4, 0.0), (0, 0, None)],
        ids=["nine-of-ten", "none-resolved", "no-tickets"],
    )
    def test_resolution_rate(self, resolved: int, total: int, expected: float | None) -> None:
        assert resolution_rate(resolved, total) == expected

    @pytest.mark.parametrize(
        ("resolved", "total"), [(5, 4), (-1, 3)], ids=["more-than-total", "negative"]
    )
    def test_resolution_rate_rejects_impossible_counts(self, resolved: int, total: int) -> None:
        with pytest.raises(KpiError, match="resolved"):
            resolution_rate(resolved, total)

    @pytest.mark.parametrize(
        ("met", "missed", "expected"),
        [(17, 3, 0.85), (0, 2, 0.0), (0, 0, None)],
        ids=["mostly-met", "all-missed", "nothing-due"],
    )
    def test_sla_compliance(self, met: int, missed: int, expected: float | None) -> None:
        assert sla_compliance(met, missed) == expected

    def test_churn_risk_count(self) -> None:
        assert churn_risk_count([True, False, True]) == 2


class TestDurations:
    @pytest.mark.parametrize(
        ("values", "expected"),
        [
            ([hours(1)], DurationStats(hours(1), hours(1), hours(1), 1)),
            ([hours(1), hours(3)], DurationStats(hours(2), hours(2), hours(3), 2)),
            (
                [hours(3), hours(1), hours(2)],
                DurationStats(hours(2), hours(2), hours(3), 3),
            ),
            (
                [hours(h) for h in range(1, 11)],
                DurationStats(hours(5.5), hours(5.5), hours(9), 10),
            ),
            (
                [hours(1)] * 9 + [hours(100)],
                DurationStats(hours(10.9), hours(1), hours(1), 10),
            ),
        ],
        ids=[
            "single",
            "even-count-median-is-midpoint",
            "unsorted-input",
            "one-to-ten-hours",
            "one-outlier-moves-mean-not-p90",
        ],
    )
    def test_stats(self, values: list[timedelta], expected: DurationStats) -> None:
        assert duration_stats(values) == expected

    def test_nothing_measured_is_no_data(self) -> None:
        assert duration_stats([]) is None

    def test_a_negative_duration_is_refused(self) -> None:
        with pytest.raises(KpiError, match="negative"):
            duration_stats([hours(1), -hours(1)])

    @given(durations)
    def test_median_and_p90_lie_between_min_and_max(self, values: list[timedelta]) -> None:
        stats = duration_stats(values)
        assert stats is not None
        assert min(values) <= stats.median <= stats.p90 <= max(values)
        assert min(values) <= stats.mean <= max(values)
        # p90: at least 90% of cases took at most that long.
        assert 10 * sum(1 for v in values if v <= stats.p90) >= 9 * len(values)


class TestRepeatComplaints:
    def test_same_customer_same_category_within_30_days_repeats(self) -> None:
        complaints = [
            ("c1", "quality_fault", D),
            ("c1", "quality_fault", D + timedelta(days=29)),
            ("c1", "staff_attitude", D + timedelta(days=5)),
            ("c2", "quality_fault", D + timedelta(days=1)),
        ]
        second = Complaint("c1", "quality_fault", D + timedelta(days=29))
        assert repeat_complaints(complaints) == [second]
        assert repeat_complaint_rate(complaints) == 0.25

    @pytest.mark.parametrize(
        ("gap_days", "repeats"),
        [(0, True), (29, True), (30, False), (45, False)],
        ids=["same-day", "29-days", "exactly-30-days", "45-days"],
    )
    def test_window_edge(self, gap_days: int, repeats: bool) -> None:
        complaints = [("c1", "other", D), ("c1", "other", D + timedelta(days=gap_days))]
        assert len(repeat_complaints(complaints)) == (1 if repeats else 0)

    def test_a_chain_counts_each_repeat_and_order_of_input_does_not_matter(self) -> None:
        later, first, middle = (
            ("c1", "x", D + timedelta(days=40)),
            ("c1", "x", D),
            ("c1", "x", D + timedelta(days=20)),
        )
        assert repeat_complaints([later, first, middle]) == [later, middle]

    def test_window_is_a_parameter(self) -> None:
        complaints = [("c1", "x", D), ("c1", "x", D + timedelta(days=45))]
        assert repeat_complaint_rate(complaints, window_days=60) == 0.5

    def test_no_complaints_is_no_data(self) -> None:
        assert repeat_complaint_rate([]) is None

    @given(
        st.lists(
            st.tuples(
                st.sampled_from(["c1", "c2"]),
                st.sampled_from(["a", "b"]),
                st.dates(min_value=D, max_value=D + timedelta(days=120)),
            ),
            max_size=15,
        )
    )
    def test_at_most_all_but_the_first_of_each_pair_repeat(
        self, complaints: list[tuple[str, str, date]]
    ) -> None:
        repeats = repeat_complaints(complaints)
        distinct_pairs = {(c, k) for c, k, _ in complaints}
        assert len(repeats) <= len(complaints) - len(distinct_pairs)
        rate = repeat_complaint_rate(complaints)
        assert rate is None or 0.0 <= rate < 1.0


class TestFollowUpRates:
    @pytest.mark.parametrize(
        ("due", "reached", "expected"),
        [
            ({"a", "b", "c", "d"}, {"a", "b", "c"}, 0.75),
            ({"a", "b"}, {"a", "b", "x", "y"}, 1.0),
            ({"a"}, set(), 0.0),
            (set(), {"x"}, None),
        ],
        ids=["three-of-four", "extra-contacts-do-not-inflate", "nobody-reached", "nobody-due"],
    )
    def test_coverage(self, due: set[str], reached: set[str], expected: float | None) -> None:
        assert coverage(due, reached) == expected

    @pytest.mark.parametrize(
        ("pairs", "expected"),
        [
            ([(NOW - hours(3), NOW - hours(2))], 1.0),
            ([(NOW - hours(2), NOW - hours(2))], 1.0),
            ([(NOW - hours(1), NOW - hours(2))], 0.0),
            ([(None, NOW - hours(1))], 0.0),
            ([(None, NOW + hours(1))], None),
            (
                [
                    (NOW - hours(3), NOW - hours(2)),
                    (None, NOW - hours(1)),
                    (None, NOW + hours(5)),
                    (NOW - hours(1), NOW + hours(5)),
                ],
                2 / 3,
            ),
        ],
        ids=[
            "done-early",
            "done-exactly-at-due",
            "done-late",
            "open-and-overdue-is-late",
            "open-and-not-yet-due-is-undecided",
            "mixed",
        ],
    )
    def test_on_time_rate(
        self, pairs: list[tuple[datetime | None, datetime]], expected: float | None
    ) -> None:
        assert on_time_rate(pairs, NOW) == expected

    def test_on_time_compares_instants_across_time_zones(self) -> None:
        due = datetime(2025, 3, 10, 9, 0, tzinfo=SHANGHAI)  # 01:00 UTC
        done = datetime(2025, 3, 10, 0, 30, tzinfo=UTC)  # 08:30 in Shanghai
        assert on_time_rate([(done, due)], NOW) == 1.0

    def test_naive_datetimes_are_refused(self) -> None:
        with pytest.raises(KpiError, match="time zone"):
            on_time_rate([(None, datetime(2025, 3, 10, 9, 0))], NOW)

    @pytest.mark.parametrize(
        ("attempts", "reached", "expected"),
        [(10, 7, 0.7), (3, 0, 0.0), (0, 0, None)],
        ids=["seven-of-ten", "nobody-picked-up", "no-attempts"],
    )
    def test_contact_rate(self, attempts: int, reached: int, expected: float | None) -> None:
        assert contact_rate(attempts, reached) == expected

    def test_contact_rate_rejects_more_reached_than_tried(self) -> None:
        with pytest.raises(KpiError, match="reached"):
            contact_rate(2, 3)

    @given(st.sets(st.integers(0, 20)), st.sets(st.integers(0, 20)))
    def test_coverage_is_a_share(self, due: set[int], reached: set[int]) -> None:
        value = coverage(due, reached)
        assert (value is None) == (not due)
        assert value is None or 0.0 <= value <= 1.0


class TestBenchmarks:
    @pytest.mark.parametrize(
        ("value", "benchmark", "expected"),
        [
            (hours(1.5), Benchmarks().first_response, Verdict.MET),
            (hours(2), Benchmarks().first_response, Verdict.MET),
            (hours(2) + timedelta(seconds=1), Benchmarks().first_response, Verdict.MISSED),
            (0.85, Benchmarks().first_contact_resolution, Verdict.MET),
            (0.84, Benchmarks().first_contact_resolution, Verdict.MISSED),
            (4.2, Benchmarks().csat_mean, Verdict.MET),
            (4.19, Benchmarks().csat_mean, Verdict.MISSED),
            (None, Benchmarks().csat_mean, Verdict.NO_DATA),
        ],
        ids=[
            "response-90-min",
            "response-exactly-2h",
            "response-a-second-late",
            "fcr-exactly-85pct",
            "fcr-84pct",
            "csat-exactly-4.2",
            "csat-4.19",
            "no-surveys",
        ],
    )
    def test_s003_defaults(
        self, value: float | timedelta | None, benchmark: Benchmark, expected: Verdict
    ) -> None:
        assert compare(value, benchmark) is expected

    def test_an_administrator_can_raise_the_bar(self) -> None:
        strict = Benchmarks(csat_mean=Benchmark(4.5, higher_is_better=True))
        result = csat([5, 4, 4, 5, 4])
        assert result is not None
        assert compare(result.mean, Benchmarks().csat_mean) is Verdict.MET
        assert compare(result.mean, strict.csat_mean) is Verdict.MISSED
