"""One page per customer (客户360): profile, contacts, preferences, tags, purchases, timeline."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse
from django.utils import timezone

from huifang.accounts.models import User
from huifang.customers.models import Customer, Product, Purchase
from huifang.customers.services import (
    ContactData,
    customer_create,
    customer_preferences_update,
    purchase_create,
)
from huifang.customers.timeline import (
    TimelineEntry,
    customer_timeline,
    register_timeline_provider,
    unregister_timeline_provider,
)
from tests.conftest import Org

SHANGHAI = ZoneInfo("Asia/Shanghai")


def wang(org: Org, products: dict[str, Product]) -> Customer:
    customer = customer_create(
        actor=org.agent,
        name="王强",
        company="杭州华盛机械制造有限公司",
        owner=org.agent,
        tags=["经销商"],
        contacts=[
            ContactData(name="王强", phone="+8613800012345", email="wq@hs.cn", is_primary=True)
        ],
    )
    customer_preferences_update(
        actor=org.agent,
        customer=customer,
        preferred_channel="wechat",
        preferred_window_start=time(9, 30),
        preferred_window_end=time(11),
        refused_channels=["sms"],
    )
    Purchase.objects.create(
        customer=customer,
        product=products["HV-001"],
        order_no="SO-2026-001",
        quantity=2,
        amount=Decimal("76000"),
        purchased_on=date(2026, 10, 8),
        delivered_on=date(2026, 10, 12),
        contract_end_on=date(2027, 10, 8),
    )
    return customer


def test_it_shows_everything_about_the_customer_on_one_page(
    org: Org, products: dict[str, Product]
) -> None:
    customer = wang(org, products)
    page = (
        org.client_for(org.agent)
        .get(reverse("customers:detail", args=[customer.pk]))
        .content.decode()
    )
    for expected in (
        "杭州华盛机械制造有限公司",
        "经销商",
        "13800012345",
        "wq@hs.cn",
        "微信",
        "09:30–11:00",
        "短信",
        "SO-2026-001",
        "76,000.00",
        "高价值耐用品",
    ):
        assert expected in page, expected


@time_machine.travel(datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI), tick=True)
def test_its_timeline_runs_from_the_contract_end_back_to_the_first_purchase(
    org: Org, products: dict[str, Product]
) -> None:
    customer = wang(org, products)
    entries = customer_timeline(customer, org.agent)
    assert [(e.kind, e.title) for e in entries] == [
        ("contract_end", "工业空压机 KY-75 × 2 保修/合同到期"),
        ("change", "王小燕：修改"),
        ("change", "王小燕：新建"),
        ("delivery", "交付 工业空压机 KY-75 × 2"),
        ("purchase", "购买 工业空压机 KY-75 × 2"),
    ]
    assert entries[0].is_upcoming() and not entries[1].is_upcoming()


def test_other_apps_add_their_entries_to_the_timeline(
    org: Org, products: dict[str, Product]
) -> None:
    customer = wang(org, products)

    def followups(seen: Customer, user: User) -> Iterator[TimelineEntry]:
        if user.has_role("agent"):
            yield TimelineEntry(
                at=timezone.now(), kind="followup", title="交付后首次回访", url="/followups/7/"
            )

    register_timeline_provider("followups-test", followups)
    try:
        page = org.client_for(org.agent).get(reverse("customers:detail", args=[customer.pk]))
        assert '<a href="/followups/7/">交付后首次回访</a>' in page.content.decode()
        assert (
            "交付后首次回访"
            not in org.client_for(org.technician)
            .get(reverse("customers:detail", args=[customer.pk]))
            .content.decode()
        )
    finally:
        unregister_timeline_provider("followups-test")


def test_a_recorded_order_names_itself_once_on_the_timeline(
    org: Org, products: dict[str, Product]
) -> None:
    customer = wang(org, products)
    purchase_create(
        actor=org.agent,
        customer=customer,
        product=products["HV-001"],
        order_no="SO-2026-0310",
        quantity=1,
        amount=Decimal("38000"),
        purchased_on=date(2026, 3, 10),
    )
    changes = [e.detail for e in customer_timeline(customer, org.agent) if e.kind == "change"]
    assert "订单 SO-2026-0310" in changes
    assert not [detail for detail in changes if "订单 订单" in detail]
