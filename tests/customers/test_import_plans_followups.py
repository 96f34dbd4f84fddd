"""An import hands its customers to the follow-up engine: deliveries are planned at once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from huifang.customers.models import Customer, Product
from huifang.followups.models import FollowUp
from tests.conftest import Org
from tests.customers.builders import run_import, xlsx

TODAY = timezone.localdate()
HEADINGS = ["客户姓名", "公司名称", "手机号码", "产品编码", "购买日期", "订单金额", "交付日期"]


def workbook() -> bytes:
    bought, delivered = TODAY - timedelta(days=6), TODAY - timedelta(days=2)
    return xlsx(
        [
            HEADINGS,
            ["王强", "华盛公司", "13800012345", "HV-001", bought, "38000", delivered.isoformat()],
            ["李四", "恒信", "13900012345", "LF-001", bought, "89", ""],
        ]
    )


def test_a_delivery_in_the_file_is_planned_when_the_import_finishes(
    org: Org, products: dict[str, Product], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = run_import(org.admin, workbook())
    assert job.counts()["created"] == 2
    wang = Customer.objects.get(name="王强")
    order = wang.purchases.get()
    planned = FollowUp.objects.filter(customer=wang, source_ref=f"purchase:{order.pk}")
    assert {f.trigger for f in planned} == {"delivery"}
    li = Customer.objects.get(name="李四")
    assert not FollowUp.objects.filter(customer=li, trigger="delivery").exists()


def test_importing_the_file_again_plans_nothing_twice(
    org: Org, products: dict[str, Product], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run_import(org.admin, workbook())
    first = sorted(FollowUp.objects.values_list("dedupe_key", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        job = run_import(org.admin, workbook())
    assert job.counts()["unchanged"] == 2
    assert sorted(FollowUp.objects.values_list("dedupe_key", flat=True)) == first


def test_a_delivery_added_to_a_customer_on_file_is_planned(
    org: Org, products: dict[str, Product], django_capture_on_commit_callbacks: Any
) -> None:
    bought = TODAY - timedelta(days=6)
    with django_capture_on_commit_callbacks(execute=True):
        run_import(org.admin, xlsx([HEADINGS, ["王强", "华盛公司", "13800012345"]]))
    wang = Customer.objects.get()
    assert not FollowUp.objects.filter(customer=wang, trigger="delivery").exists()
    later = xlsx(
        [
            HEADINGS,
            ["王强", "华盛公司", "138 0001 2345", "HV-001", bought, "38000", TODAY.isoformat()],
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = run_import(org.admin, later)
    assert job.counts()["updated"] == 1
    assert FollowUp.objects.filter(customer=wang, trigger="delivery").exists()
