from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from huifang.customers.phones import (
    PhoneError,
    display_phone,
    last_four,
    mask_phone,
    normalize_phone,
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13812345678", "+8613812345678"),
        ("１３８１２３４５６７８", "+8613812345678"),
        ("１３８ １２３４ ５６７８", "+8613812345678"),
        ("138-1234-5678", "+8613812345678"),
        ("138.1234.5678", "+8613812345678"),
        ("+86 138 1234 5678", "+8613812345678"),
        ("＋８６－１３８－１２３４－５６７８", "+8613812345678"),
        ("(0086)13812345678", "+8613812345678"),
        ("86-13812345678", "+8613812345678"),
        ("010-88886666", "+861088886666"),
        ("+86 10 8888 6666", "+861088886666"),
        ("(020) 8888 6666", "+862088886666"),
        ("0755-8666 8888 转 8001", "+8675586668888;ext=8001"),
        ("0755 86668888 分机 12", "+8675586668888;ext=12"),
        ("400-800-8888", "+864008008888"),
        ("+1 415 555 2671", "+14155552671"),
    ],
)
def test_it_normalises_what_people_type_to_e164(typed: str, stored: str) -> None:
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1381234567", "“1381234567”是 10 位数字，大陆手机号应为 11 位。"),
        ("138123456789", "“138123456789”是 12 位数字，大陆手机号应为 11 位。"),
        ("12012345678", "“12012345678”不是在用的大陆手机号，请检查前几位。"),
        (
            "hello",
            "“hello”不是有效的电话号码：请填写 11 位手机号，"
            "或带区号的固定电话（如 010-88886666）。",
        ),
        ("  ", "电话号码为空。"),
    ],
)
def test_it_says_in_chinese_what_is_wrong(typed: str, message: str) -> None:
    with pytest.raises(PhoneError) as caught:
        normalize_phone(typed)
    assert str(caught.value) == message


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_its_fast_path_agrees_with_phonenumbers_on_every_mobile_number(digits: str) -> None:
    try:
        parsed = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:  # e.g. 179…: read as a country code
        parsed = None
    if parsed is not None and phonenumbers.is_valid_number(parsed):
        assert normalize_phone(digits) == phonenumbers.format_number(
            parsed, phonenumbers.PhoneNumberFormat.E164
        )
    else:
        with pytest.raises(PhoneError):
            normalize_phone(digits)


@pytest.mark.parametrize(
    ("stored", "shown", "masked"),
    [
        ("+8613812345678", "13812345678", "138****5678"),
        ("+861088886666", "010-88886666", "010****6666"),
        ("+8675586668888;ext=8001", "0755-86668888 转 8001", "075*****8888 转 8001"),
        ("+864008008888", "400-800-8888", "400***8888"),
        ("+14155552671", "+1 4155552671", "+1 415***2671"),
        ("", "", ""),
    ],
)
def test_it_shows_and_masks_numbers_as_people_write_them(
    stored: str, shown: str, masked: str
) -> None:
    assert display_phone(stored) == shown
    assert mask_phone(stored) == masked


def test_the_last_four_digits_are_those_of_the_number_not_the_extension() -> None:
    assert last_four("+8675586668888;ext=8001") == "8888"
    assert last_four("+8613812345678") == "5678"
