from __future__ import annotations

import re
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from huifang.customers import demo_data
from huifang.domain.classification import ProductClass, product_class

TODAY = date(2026, 11, 26)
MAINLAND_MOBILE = re.compile(r"^\+861[3-9]\d{9}$")


def test_the_same_seed_gives_the_same_customers() -> None:
    first = list(demo_data.customers(1, 50, seed=7, today=TODAY))
    again = list(demo_data.customers(1, 50, seed=7, today=TODAY))
    other = list(demo_data.customers(1, 50, seed=8, today=TODAY))
    assert first == again
    assert [c.name for c in first] != [c.name for c in other]


def test_a_customer_does_not_depend_on_the_chunk_it_was_made_in() -> None:
    chunked = list(demo_data.customers(1, 5, seed=1, today=TODAY)) + list(
        demo_data.customers(6, 5, seed=1, today=TODAY)
    )
    assert chunked == list(demo_data.customers(1, 10, seed=1, today=TODAY))


def test_mobile_numbers_are_valid_and_unique_across_many_customers() -> None:
    numbers = [demo_data.mobile_number(i) for i in range(200_000)]
    assert all(MAINLAND_MOBILE.match(n) for n in numbers)
    assert len(set(numbers)) == len(numbers)


@given(st.integers(min_value=0, max_value=99_999_999))
def test_every_index_gives_a_valid_mainland_mobile(index: int) -> None:
    assert MAINLAND_MOBILE.match(demo_data.mobile_number(index))


def test_products_cover_the_three_price_classes() -> None:
    classes = {product_class(p.unit_price) for p in demo_data.products()}
    assert classes == set(ProductClass)


def test_names_regions_and_dates_look_real() -> None:
    for person in demo_data.customers(1, 300, seed=42, today=TODAY):
        assert 2 <= len(person.name) <= 3
        assert person.company.endswith("有限公司")
        assert person.city in demo_data.REGIONS[person.region]
        for bought in person.purchases:
            assert TODAY - timedelta(days=730) <= bought.purchased_on <= TODAY
            if bought.delivered_on:
                assert bought.purchased_on < bought.delivered_on <= TODAY
            if bought.first_used_on:
                assert bought.delivered_on and bought.delivered_on <= bought.first_used_on
