"""Imported customers arrive with the tier, flags and segments their orders give them."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from huifang.customers.models import Customer, Product
from huifang.customers.services import customers_reclassify
from tests.conftest import Org
from tests.customers.builders import run_import, xlsx


def test_new_customers_are_classified_from_the_orders_in_the_file(
    org: Org, products: dict[str, Product]
) -> None:
    today = timezone.localdate()
    recent, old = today - timedelta(days=20), today - timedelta(days=1500)
    rows = [
        ["姓名", "手机", "产品", "数量", "购买日期"],
        ["王强", "13800000001", "HV-001", 16, recent],  # ¥608,000 this year
        ["李四", "13900000002", "HV-001", 16, recent],  # the same history
        ["赵五", "13700000003", "HV-001", 3, recent],  # ¥114,000
        ["孙六", "13600000004", "LF-001", 1, old],  # one small order, four years ago
    ]
    run_import(org.admin, xlsx(rows))
    got = {c.name: (c.tier, c.flags, c.segments()) for c in Customer.objects.all()}
    assert got == {
        "王强": ("vip", ["new"], ["high_value"]),
        "李四": ("vip", ["new"], ["high_value"]),
        "赵五": ("key", ["new"], ["high_value"]),
        "孙六": ("normal", ["long_term"], ["churn_risk"]),
    }
    assert customers_reclassify(today=today).changed == 0  # what a full recompute would say
