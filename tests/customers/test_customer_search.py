"""Finding customers: by name, company, phone in any format, last four digits, pinyin."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from huifang.accounts.models import User
from huifang.customers import selectors
from huifang.customers.models import Customer
from huifang.customers.selectors import CustomerFilters, customer_search
from huifang.customers.services import ContactData, customer_create
from tests.conftest import Org


def add(org: Org, name: str, company: str, phone: str, **fields: Any) -> Customer:
    fields.setdefault("owner", org.agent)
    tier = fields.pop("tier", "normal")
    customer = customer_create(
        actor=org.admin,
        name=name,
        company=company,
        contacts=[ContactData(name=name, phone=phone, is_primary=True)],
        **fields,
    )
    Customer.objects.filter(pk=customer.pk).update(tier=tier)
    return customer


@pytest.fixture
def archive(org: Org) -> dict[str, Customer]:
    return {
        "wang": add(org, "王小燕", "杭州华盛机械制造有限公司", "+8613812345678", tier="vip"),
        "zeng": add(org, "曾小东", "宁波宏达物流有限公司", "+8613912340000"),
        "li": add(org, "李明", "华盛电子商务有限公司", "+8613700005678", region="浙江"),
        "south": add(
            org, "王大力", "广州远航物流有限公司", "+8613612340001", owner=org.other_agent
        ),
    }


def names(user: User, q: str = "", **filters: Any) -> list[str]:
    page = customer_search(user=user, filters=CustomerFilters(q=q, **filters))
    return [c.name for c in page.customers]


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("王", ["王大力", "王小燕"]),
        ("王小燕", ["王小燕"]),
        ("华盛", ["李明", "王小燕"]),  # the trade name, wherever the city stands
        ("杭州华盛", ["王小燕"]),
        ("宏达物流", ["曾小东"]),
        ("wxy", ["王小燕"]),
        ("WXY", ["王小燕"]),
        ("wangxiao", ["王小燕"]),
        ("zxd", ["曾小东"]),
        ("zengxiaodong", ["曾小东"]),
        ("5678", ["李明", "王小燕"]),
        ("１３８ １２３４ ５６７８", ["王小燕"]),
        ("+86 138-1234-5678", ["王小燕"]),
        ("1381234", ["王小燕"]),
        ("0000", ["曾小东"]),
        ("nobody", []),
    ],
)
def test_it_finds_customers_however_they_are_asked_for(
    org: Org, archive: dict[str, Customer], q: str, found: list[str]
) -> None:
    assert names(org.supervisor, q) == found


def test_it_filters_by_tier_region_tag_owner_and_segment(
    org: Org, archive: dict[str, Customer]
) -> None:
    from huifang.customers.services import customer_update

    customer_update(actor=org.admin, customer=archive["zeng"], tags=["经销商"])
    Customer.objects.filter(pk=archive["li"].pk).update(segment_churn_risk=True)
    tag = archive["zeng"].tags.get()
    assert names(org.supervisor, tier="vip") == ["王小燕"]
    assert names(org.supervisor, region="浙江") == ["李明"]
    assert names(org.supervisor, tag=tag.pk) == ["曾小东"]
    assert names(org.supervisor, owner=org.other_agent.pk) == ["王大力"]
    assert names(org.supervisor, segment="churn_risk") == ["李明"]
    assert names(org.supervisor, "华盛", tier="vip") == ["王小燕"]


def test_an_agent_finds_only_customers_of_their_team(
    org: Org, archive: dict[str, Customer]
) -> None:
    assert names(org.agent, "王") == ["王小燕"]
    assert names(org.other_agent, "5678") == []
    assert names(org.other_agent, "王") == ["王大力"]


def test_pages_follow_one_another_without_gaps_or_repeats(
    org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(23):
        add(org, f"客户{i:02d}", "华盛", f"+86138000000{i:02d}")
    everyone = list(Customer.objects.order_by("-id").values_list("id", flat=True))
    seen: list[int] = []
    after = None
    pages = []
    while True:
        page = customer_search(
            user=org.supervisor, filters=CustomerFilters(q="华盛"), after=after, size=10
        )
        pages.append(page)
        seen += [c.pk for c in page.customers]
        if page.next_after is None:
            break
        after = page.next_after
    assert seen == everyone
    assert [len(p.customers) for p in pages] == [10, 10, 3]
    back = customer_search(
        user=org.supervisor,
        filters=CustomerFilters(q="华盛"),
        before=pages[2].previous_before,
        size=10,
    )
    assert [c.pk for c in back.customers] == [c.pk for c in pages[1].customers]


def test_it_stops_counting_at_the_cap(org: Org, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(6):
        add(org, f"客户{i}", "华盛", f"+861380000000{i}")
    monkeypatch.setattr(selectors, "COUNT_CAP", 4)
    page = customer_search(user=org.supervisor, filters=CustomerFilters())
    assert (page.count, page.count_capped) == (4, True)
    response = org.client_for(org.supervisor).get(reverse("customers:list"))
    assert "超过 4 位客户" in response.content.decode()


def test_the_list_page_searches_and_links_to_the_next_page(
    org: Org, archive: dict[str, Customer]
) -> None:
    client = org.client_for(org.supervisor)
    page = client.get(reverse("customers:list"), {"q": "wxy"}).content.decode()
    assert "王小燕" in page and "曾小东" not in page
    assert "1 位客户" in page
