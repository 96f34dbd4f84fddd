from __future__ import annotations

import pytest

from huifang.customers.search_keys import company_key, name_keys, pinyin_query


@pytest.mark.parametrize(
    ("name", "pinyin", "initials"),
    [
        ("王小燕", "wangxiaoyan", "wxy"),
        ("吕布", "lvbu", "lb"),
        ("曾小东", "zengxiaodong", "zxd"),  # 曾 as a surname is zēng, not céng
        ("单雄信", "shanxiongxin", "sxx"),  # 单 as a surname is shàn
        ("解缙", "xiejin", "xj"),
        ("尉迟恭", "yuchigong", "ycg"),  # compound surname
        ("欧阳娜娜", "ouyangnana", "oynn"),
        ("John Smith", "johnsmith", "js"),
        ("Tony王", "tonywang", "tw"),
        ("李　明", "liming", "lm"),  # full-width space
    ],
)
def test_names_get_their_pinyin_and_initials(name: str, pinyin: str, initials: str) -> None:
    assert name_keys(name) == (pinyin, initials)


@pytest.mark.parametrize(
    ("company", "key"),
    [
        ("杭州华盛机械制造有限公司", "华盛机械制造有限公司"),
        ("广东省深圳市南山区腾讯科技有限公司", "腾讯科技有限公司"),
        ("上海市恒信商贸有限公司", "恒信商贸有限公司"),
        ("浙江宁波宏达物流有限公司", "宏达物流有限公司"),
        ("广西壮族自治区南宁市华盛商贸", "华盛商贸"),
        ("华为技术有限公司", "华为技术有限公司"),
        ("北京", "北京"),
    ],
)
def test_companies_are_found_by_their_trade_name(company: str, key: str) -> None:
    assert company_key(company) == key


def test_typed_pinyin_is_read_as_stored() -> None:
    assert pinyin_query("Wang Xiao'yan") == "wangxiaoyan"
    assert pinyin_query("ＷＸＹ") == "wxy"
