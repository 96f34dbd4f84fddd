"""Importing the same file twice changes nothing the second time (C7)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from huifang.audit.models import AuditEntry
from huifang.customers.models import Contact, Customer, CustomerTag, Product, Purchase
from tests.conftest import Org
from tests.customers.builders import run_import, xlsx

ROWS: list[list[Any]] = [
    ["客户姓名", "公司", "手机", "邮箱", "标签", "产品", "购买日期", "金额", "负责人"],
    [
        "王强",
        "华盛公司",
        "13800000001",
        "wq@hs.cn",
        "经销商",
        "HV-001",
        date(2026, 11, 1),
        38000,
        "agent",
    ],
    ["王强", "华盛公司", "13800000001", "", "重点", "LF-001", "2026-11-02", 89, ""],
    ["李四", "恒信", "１３９０００００００２", "", "", "MC-001", 46350, "", "黄嘉怡"],
    ["", "坏行", "123", "", "", "", "", "", ""],
]


def snapshot() -> dict[str, Any]:
    return {
        "customers": list(Customer.objects.order_by("pk").values()),
        "contacts": list(Contact.objects.order_by("pk").values()),
        "purchases": list(Purchase.objects.order_by("pk").values()),
        "tags": list(CustomerTag.objects.order_by("pk").values()),
        "audit": AuditEntry.objects.count(),
    }


@pytest.mark.parametrize(
    ("policy", "first_counts"),
    [
        ("merge", {"created": 2, "merged": 1, "skipped": 0}),
        ("skip", {"created": 2, "merged": 0, "skipped": 1}),
    ],
)
def test_the_second_import_of_a_file_changes_nothing(
    org: Org, products: dict[str, Product], policy: str, first_counts: dict[str, int]
) -> None:
    first = run_import(org.admin, xlsx(ROWS), policy=policy)
    assert {key: first.counts()[key] for key in first_counts} == first_counts
    assert first.rejected_count == 1
    before = snapshot()
    second = run_import(org.admin, xlsx(ROWS), policy=policy)
    assert snapshot() == before
    assert second.created_count == second.updated_count == second.merged_count == 0
    assert second.rejected_count == 1
    settled = second.unchanged_count if policy == "merge" else second.skipped_count
    assert settled == 3


def test_orders_without_a_number_are_not_added_twice(
    org: Org, products: dict[str, Product]
) -> None:
    run_import(org.admin, xlsx(ROWS))
    run_import(org.admin, xlsx(ROWS))
    assert Purchase.objects.count() == 3
    assert all(p.order_no.startswith("IMP-") for p in Purchase.objects.all())
