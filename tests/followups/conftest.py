from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from huifang.customers.models import Customer, Product, ProductClass, Purchase
from huifang.followups.models import FollowUp
from tests.conftest import Org

SHANGHAI = ZoneInfo("Asia/Shanghai")
_numbers = count(1)


def sh(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


PRODUCTS = {
    ProductClass.HIGH_VALUE_DURABLE: ("HV", Decimal("38000"), None),
    ProductClass.MID_PRICE_CONSUMABLE: ("MC", Decimal("1280"), 90),
    ProductClass.LOW_PRICE_FAST_MOVING: ("LF", Decimal("89"), 30),
}


def product(product_class: str) -> Product:
    sku, price, cycle = PRODUCTS[ProductClass(product_class)]
    return Product.objects.get_or_create(
        sku=sku,
        defaults={
            "name": sku,
            "unit_price": price,
            "product_class": product_class,
            "repurchase_cycle_days": cycle,
        },
    )[0]


def buy(
    customer: Customer,
    product_class: str,
    *,
    purchased_on: date,
    delivered_on: date | None = None,
    contract_end_on: date | None = None,
) -> Purchase:
    item = product(product_class)
    return Purchase.objects.create(
        customer=customer,
        product=item,
        order_no=f"T-{next(_numbers)}",
        amount=item.unit_price,
        purchased_on=purchased_on,
        delivered_on=delivered_on,
        contract_end_on=contract_end_on,
    )


@pytest.fixture
def make_customer(org: Org) -> Any:
    def make(tier: str = "normal", **fields: Any) -> Customer:
        defaults: dict[str, Any] = {"name": "张伟", "team": org.east, "owner": org.agent}
        defaults.update(fields)
        return Customer.objects.create(tier=tier, **defaults)

    return make


def plan_of(customer: Customer) -> list[FollowUp]:
    return list(FollowUp.objects.filter(customer=customer).order_by("due_start", "step_index"))


def local(at: datetime | None) -> str | None:
    return at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if at else None


def codes(followup: FollowUp) -> set[str]:
    return {r["code"] for r in followup.reasons}


__all__ = ["buy", "codes", "local", "plan_of", "sh", "time"]
