from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huifang.domain.classification import (
    ClassificationError,
    CustomerFacts,
    Flag,
    ProductClass,
    ProductClassThresholds,
    PurchaseFact,
    Segment,
    SegmentThresholds,
    Tier,
    TierThresholds,
    customer_flags,
    customer_segments,
    customer_tier,
    product_class,
    spend_windows,
    tier_for_spend,
    trailing_spend,
)

TODAY = date(2025, 3, 10)
LEAP_DAY = date(2024, 2, 29)

money = st.decimals(min_value=0, max_value=10_000_000, places=2)
days_ago = st.integers(min_value=-30, max_value=3 * 365)


def bought(days: int, amount: str, today: date = TODAY) -> PurchaseFact:
    return PurchaseFact(on=today - timedelta(days=days), amount=Decimal(amount))


def yuan(value: str) -> Decimal:
    return Decimal(value)


class TestProductClass:
    @pytest.mark.parametrize(
        ("price", "expected"),
        [
            ("0", ProductClass.LOW_PRICE_FAST_MOVING),
            ("999.99", ProductClass.LOW_PRICE_FAST_MOVING),
            ("1000", ProductClass.MID_PRICE_CONSUMABLE),
            ("5000", ProductClass.MID_PRICE_CONSUMABLE),
            ("10000", ProductClass.MID_PRICE_CONSUMABLE),
            ("10000.00", ProductClass.MID_PRICE_CONSUMABLE),
            ("10000.01", ProductClass.HIGH_VALUE_DURABLE),
            ("250000", ProductClass.HIGH_VALUE_DURABLE),
        ],
        ids=[
            "free-sample-is-low",
            "a-cent-under-1000-is-low",
            "exactly-1000-is-mid",
            "5000-is-mid",
            "exactly-10000-is-mid",
            "exactly-10000.00-is-mid",
            "a-cent-over-10000-is-high",
            "250000-is-high",
        ],
    )
    def test_it_classifies_by_unit_price(self, price: str, expected: ProductClass) -> None:
        assert product_class(yuan(price)) is expected

    def test_it_follows_thresholds_an_administrator_changed(self) -> None:
        thresholds = ProductClassThresholds(high_above=yuan("5000"), low_below=yuan("500"))
        assert product_class(yuan("6000"), thresholds) is ProductClass.HIGH_VALUE_DURABLE
        assert product_class(yuan("600"), thresholds) is ProductClass.MID_PRICE_CONSUMABLE
        assert product_class(yuan("499"), thresholds) is ProductClass.LOW_PRICE_FAST_MOVING

    @pytest.mark.parametrize(
        "price",
        [Decimal("-0.01"), Decimal("NaN"), Decimal("Infinity"), 9999.99, 500],
        ids=["negative", "nan", "infinite", "float", "int"],
    )
    def test_it_rejects_prices_that_are_not_money(self, price: Decimal) -> None:
        with pytest.raises(ClassificationError, match="unit price"):
            product_class(price)

    def test_a_negative_price_says_so(self) -> None:
        with pytest.raises(ClassificationError, match="must not be negative"):
            product_class(yuan("-1"))

    def test_it_rejects_thresholds_in_the_wrong_order(self) -> None:
        with pytest.raises(ClassificationError, match="low_below"):
            ProductClassThresholds(high_above=yuan("1000"), low_below=yuan("10000"))

    @given(money, money)
    def test_a_dearer_product_is_never_in_a_cheaper_class(self, a: Decimal, b: Decimal) -> None:
        rank = list(reversed(ProductClass))  # low, mid, high
        cheap, dear = sorted((a, b))
        assert rank.index(product_class(cheap)) <= rank.index(product_class(dear))


class TestTrailingSpend:
    @pytest.mark.parametrize(
        ("days", "counted"),
        [(0, True), (1, True), (364, True), (365, False), (400, False), (-1, False)],
        ids=["today", "yesterday", "364-days-ago", "exactly-365-days-ago", "older", "future"],
    )
    def test_window_edges(self, days: int, counted: bool) -> None:
        expected = yuan("100") if counted else yuan("0")
        assert trailing_spend([bought(days, "100")], TODAY) == expected

    def test_on_a_leap_day_the_window_starts_on_2_march_of_the_year_before(self) -> None:
        purchases = [
            PurchaseFact(date(2023, 3, 1), yuan("1")),
            PurchaseFact(date(2023, 3, 2), yuan("10")),
            PurchaseFact(date(2024, 2, 29), yuan("100")),
        ]
        assert trailing_spend(purchases, LEAP_DAY) == yuan("110")

    def test_it_adds_up_exactly_in_decimal(self) -> None:
        purchases = [bought(1, "0.10"), bought(2, "0.20")]
        assert trailing_spend(purchases, TODAY) == yuan("0.30")

    def test_spend_windows_split_this_year_from_last_year(self) -> None:
        purchases = [bought(10, "300"), bought(364, "200"), bought(365, "50"), bought(729, "7")]
        assert spend_windows(purchases, TODAY) == (yuan("500"), yuan("57"))

    @given(st.lists(st.tuples(days_ago, money), max_size=20))
    def test_it_never_exceeds_lifetime_spend(self, rows: list[tuple[int, Decimal]]) -> None:
        purchases = [PurchaseFact(TODAY - timedelta(days=d), a) for d, a in rows]
        assert Decimal(0) <= trailing_spend(purchases, TODAY) <= sum(a for _, a in rows)

    def test_a_negative_purchase_is_refused(self) -> None:
        with pytest.raises(ClassificationError, match="purchase amount"):
            PurchaseFact(TODAY, yuan("-5"))


class TestTier:
    @pytest.mark.parametrize(
        ("spend", "expected"),
        [
            ("0", Tier.NORMAL),
            ("99999.99", Tier.NORMAL),
            ("100000", Tier.KEY),
            ("500000", Tier.KEY),
            ("500000.01", Tier.VIP),
        ],
        ids=["no-spend", "just-under-key", "exactly-100k-is-key", "exactly-500k-is-key", "vip"],
    )
    def test_tier_by_spend(self, spend: str, expected: Tier) -> None:
        assert tier_for_spend(yuan(spend)) is expected

    def test_a_big_order_exactly_a_year_ago_no_longer_makes_a_vip(self) -> None:
        assert customer_tier([bought(364, "600000")], TODAY) is Tier.VIP
        assert customer_tier([bought(365, "600000")], TODAY) is Tier.NORMAL

    def test_spend_adds_up_across_orders(self) -> None:
        purchases = [bought(5, "60000"), bought(200, "40000")]
        assert customer_tier(purchases, TODAY) is Tier.KEY

    def test_it_follows_a_changed_window_and_thresholds(self) -> None:
        thresholds = TierThresholds(
            vip_above=yuan("1000"), key_at_least=yuan("100"), recent_window_days=30
        )
        assert customer_tier([bought(29, "2000")], TODAY, thresholds) is Tier.VIP
        assert customer_tier([bought(30, "2000")], TODAY, thresholds) is Tier.NORMAL

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"vip_above": Decimal("1"), "key_at_least": Decimal("2")},
            {"recent_window_days": 0},
            {"new_customer_days": -1},
            {"low_satisfaction_at_most": 6.0},
            {"vip_above": 500000.0},
        ],
        ids=["key-above-vip", "empty-window", "negative-days", "off-scale", "float-money"],
    )
    def test_it_rejects_nonsense_thresholds(self, kwargs: dict[str, object]) -> None:
        with pytest.raises(ClassificationError):
            TierThresholds(**kwargs)  # type: ignore[arg-type]

    @given(money, money)
    def test_spending_more_never_lowers_the_tier(self, a: Decimal, b: Decimal) -> None:
        rank = [Tier.NORMAL, Tier.KEY, Tier.VIP]
        low, high = sorted((a, b))
        assert rank.index(tier_for_spend(low)) <= rank.index(tier_for_spend(high))


class TestFlags:
    @pytest.mark.parametrize(
        ("first_purchase", "expected"),
        [
            (TODAY, {Flag.NEW}),
            (TODAY - timedelta(days=89), {Flag.NEW}),
            (TODAY - timedelta(days=90), set()),
            (date(2022, 3, 10), set()),
            (date(2022, 3, 9), {Flag.LONG_TERM}),
        ],
        ids=["bought-today", "89-days", "exactly-90-days", "exactly-3-years", "3-years-1-day"],
    )
    def test_new_and_long_term(self, first_purchase: date, expected: set[Flag]) -> None:
        facts = CustomerFacts(purchases=[PurchaseFact(first_purchase, yuan("10")), bought(0, "5")])
        assert customer_flags(facts, TODAY) == expected

    @pytest.mark.parametrize(
        ("today", "long_term"),
        [(date(2023, 2, 28), False), (date(2023, 3, 1), True)],
        ids=["anniversary-28-feb", "day-after"],
    )
    def test_first_purchase_on_29_february(self, today: date, long_term: bool) -> None:
        facts = CustomerFacts(purchases=[PurchaseFact(date(2020, 2, 29), yuan("10"))])
        assert (Flag.LONG_TERM in customer_flags(facts, today)) is long_term

    def test_new_customer_window_across_29_february(self) -> None:
        # 2024-02-29 + 89 days = 2024-05-28: still new; the next day it is not.
        facts = CustomerFacts(purchases=[PurchaseFact(LEAP_DAY, yuan("10"))])
        assert Flag.NEW in customer_flags(facts, date(2024, 5, 28))
        assert Flag.NEW not in customer_flags(facts, date(2024, 5, 29))

    def test_a_customer_without_purchases_is_neither_new_nor_long_term(self) -> None:
        assert customer_flags(CustomerFacts(), TODAY) == frozenset()

    def test_a_future_order_does_not_make_a_customer_new(self) -> None:
        facts = CustomerFacts(purchases=[bought(-3, "10"), bought(400, "10")])
        assert customer_flags(facts, TODAY) == frozenset()

    @pytest.mark.parametrize(
        ("complaints", "flagged"), [(0, False), (1, True), (4, True)], ids=["none", "one", "many"]
    )
    def test_complaint_history(self, complaints: int, flagged: bool) -> None:
        facts = CustomerFacts(complaint_count=complaints)
        assert (Flag.COMPLAINT_HISTORY in customer_flags(facts, TODAY)) is flagged

    @pytest.mark.parametrize(
        ("scores", "low"),
        [
            ((), False),
            ((5, 5, 3), False),
            ((3,), True),
            ((5, 5, 2, 3, 4), True),
            ((1, 1, 1, 4, 4, 4), False),
            ((5, 4, 1), False),
        ],
        ids=[
            "never-answered",
            "recent-mean-4.33",
            "single-3-is-low",
            "recent-mean-3.0-is-low",
            "old-bad-scores-forgotten",
            "one-bad-answer-after-good-ones",
        ],
    )
    def test_low_satisfaction_uses_the_recent_mean(
        self, scores: tuple[float, ...], low: bool
    ) -> None:
        facts = CustomerFacts(satisfaction_scores=scores)
        assert (Flag.LOW_SATISFACTION in customer_flags(facts, TODAY)) is low

    def test_only_the_last_score_when_configured(self) -> None:
        facts = CustomerFacts(satisfaction_scores=(5, 5, 2))
        thresholds = TierThresholds(satisfaction_recent_count=1)
        assert Flag.LOW_SATISFACTION in customer_flags(facts, TODAY, thresholds)

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"satisfaction_scores": (0,)},
            {"satisfaction_scores": (6,)},
            {"complaint_count": -1},
            {"open_ticket_count": True},
        ],
        ids=["score-0", "score-6", "negative-complaints", "bool-count"],
    )
    def test_it_rejects_bad_facts(self, kwargs: dict[str, object]) -> None:
        with pytest.raises(ClassificationError):
            CustomerFacts(**kwargs)  # type: ignore[arg-type]

    @given(st.lists(days_ago, min_size=1, max_size=10))
    def test_nobody_is_both_new_and_long_term(self, ages: list[int]) -> None:
        facts = CustomerFacts(purchases=[bought(d, "1") for d in ages])
        assert not {Flag.NEW, Flag.LONG_TERM} <= customer_flags(facts, TODAY)


class TestSegments:
    @pytest.mark.parametrize(
        ("facts", "expected"),
        [
            (CustomerFacts(), set()),
            (CustomerFacts(purchases=[bought(10, "600000")]), {Segment.HIGH_VALUE}),
            (CustomerFacts(purchases=[bought(10, "100000")]), {Segment.HIGH_VALUE}),
            (
                CustomerFacts(purchases=[bought(10, "2000"), bought(40, "1000")]),
                {Segment.POTENTIAL},
            ),
            (CustomerFacts(purchases=[bought(10, "2000")]), set()),
            (
                CustomerFacts(purchases=[bought(10, "1200"), bought(400, "1000")]),
                {Segment.POTENTIAL},
            ),
            (CustomerFacts(purchases=[bought(10, "1100"), bought(400, "1000")]), set()),
            (CustomerFacts(purchases=[bought(365, "5000")]), {Segment.CHURN_RISK}),
            (
                CustomerFacts(purchases=[bought(10, "400"), bought(400, "1000")]),
                {Segment.CHURN_RISK},
            ),
            (
                CustomerFacts(purchases=[bought(10, "900")], satisfaction_scores=(2,)),
                {Segment.CHURN_RISK},
            ),
            (
                CustomerFacts(purchases=[bought(10, "900")], complaint_count=2),
                {Segment.CHURN_RISK},
            ),
            (
                CustomerFacts(purchases=[bought(10, "900")], complaint_count=1),
                set(),
            ),
            (
                CustomerFacts(purchases=[bought(10, "600000")], satisfaction_scores=(1, 2)),
                {Segment.HIGH_VALUE, Segment.CHURN_RISK},
            ),
            (
                CustomerFacts(purchases=[bought(10, "300000"), bought(400, "100000")]),
                {Segment.HIGH_VALUE},
            ),
        ],
        ids=[
            "prospect-without-purchases",
            "vip-is-high-value",
            "key-is-high-value",
            "new-customer-buying-again-is-potential",
            "new-customer-with-one-order-is-not-yet",
            "spend-up-20pct-is-potential",
            "spend-up-10pct-is-not",
            "nothing-bought-for-a-year-is-churn-risk",
            "spend-down-60pct-is-churn-risk",
            "unhappy-customer-is-churn-risk",
            "two-complaints-is-churn-risk",
            "one-complaint-is-not",
            "unhappy-vip-is-both",
            "growing-key-account-is-high-value-not-potential",
        ],
    )
    def test_rules(self, facts: CustomerFacts, expected: set[Segment]) -> None:
        assert customer_segments(facts, TODAY) == expected

    def test_inactivity_window_is_a_parameter(self) -> None:
        facts = CustomerFacts(purchases=[bought(100, "500"), bought(500, "500")])
        assert customer_segments(facts, TODAY) == frozenset()
        quick = SegmentThresholds(inactive_days=90)
        assert customer_segments(facts, TODAY, segments=quick) == {Segment.CHURN_RISK}

    def test_high_value_can_be_limited_to_vip(self) -> None:
        facts = CustomerFacts(purchases=[bought(10, "200000")])
        vip_only = SegmentThresholds(high_value_tiers=frozenset({Tier.VIP}))
        assert Segment.HIGH_VALUE not in customer_segments(facts, TODAY, segments=vip_only)

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"spend_drop_at_least": Decimal("0")},
            {"spend_drop_at_least": Decimal("1.5")},
            {"rising_growth_at_least": Decimal("-0.1")},
            {"inactive_days": 0},
            {"high_value_tiers": frozenset({"gold"})},
        ],
        ids=["no-drop", "drop-over-100pct", "negative-growth", "zero-days", "unknown-tier"],
    )
    def test_it_rejects_nonsense_thresholds(self, kwargs: dict[str, object]) -> None:
        with pytest.raises(ClassificationError):
            SegmentThresholds(**kwargs)  # type: ignore[arg-type]

    @given(
        st.lists(st.tuples(days_ago, money), max_size=8),
        st.integers(min_value=0, max_value=5),
        st.lists(st.integers(min_value=1, max_value=5), max_size=5),
    )
    def test_high_value_and_potential_never_overlap(
        self, rows: list[tuple[int, Decimal]], complaints: int, scores: list[int]
    ) -> None:
        facts = CustomerFacts(
            purchases=[bought(d, str(a)) for d, a in rows],
            complaint_count=complaints,
            satisfaction_scores=scores,
        )
        segments = customer_segments(facts, TODAY)
        assert not {Segment.HIGH_VALUE, Segment.POTENTIAL} <= segments
        if complaints >= 2:
            assert Segment.CHURN_RISK in segments
