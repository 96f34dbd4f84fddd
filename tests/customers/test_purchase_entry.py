"""Orders entered by hand on the customer 360 page: checked, scoped, on record, planned."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from huifang.audit.selectors import entries_for
from huifang.customers.models import Customer, Product, Purchase, Tier
from huifang.customers.services import ContactData, customer_create, purchase_create
from huifang.followups.models import FollowUp
from tests.conftest import Org

TODAY = timezone.localdate()


def east_customer(org: Org) -> Customer:
    return customer_create(
        actor=org.admin,
        name="王强",
        company="华盛公司",
        owner=org.agent,
        contacts=[ContactData(name="王强", phone="+8613800012345", is_primary=True)],
    )


def compressor_order(
    org: Org, customer: Customer, products: dict[str, Product], *, days_ago: int
) -> Purchase:
    return purchase_create(
        actor=org.admin,
        customer=customer,
        product=products["HV-001"],
        order_no="SO-1",
        amount=Decimal("38000"),
        purchased_on=TODAY - timedelta(days=days_ago),
    )


def order_form(chosen: Product, **fields: Any) -> dict[str, Any]:
    form = {
        "product": chosen.pk,
        "order_no": "SO-2026-0001",
        "quantity": 1,
        "amount": "38000",
        "purchased_on": (TODAY - timedelta(days=5)).isoformat(),
        "delivered_on": (TODAY - timedelta(days=1)).isoformat(),
        "first_used_on": "",
        "contract_end_on": (TODAY + timedelta(days=365)).isoformat(),
    }
    form.update(fields)
    return form


def test_an_agent_adds_an_order_and_its_delivery_is_planned_at_once(
    org: Org, products: dict[str, Product], django_capture_on_commit_callbacks: Any
) -> None:
    wang = east_customer(org)
    url = reverse("customers:purchase_create", args=[wang.pk])
    client = org.client_for(org.agent)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, order_form(products["HV-001"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:detail", args=[wang.pk])
    order = wang.purchases.get()
    assert (order.order_no, order.amount, order.delivered_on) == (
        "SO-2026-0001",
        Decimal("38000"),
        TODAY - timedelta(days=1),
    )
    followups = FollowUp.objects.filter(customer=wang, source_ref=f"purchase:{order.pk}")
    assert followups.exists(), "the delivery waits for the nightly sweep"
    assert {f.trigger for f in followups} == {"delivery"}
    page = client.get(reverse("customers:detail", args=[wang.pk]))
    assert "SO-2026-0001" in page.content.decode()
    assert "订单 SO-2026-0001 已保存。" in page.content.decode()


def test_the_order_is_on_record_with_who_and_what(
    org: Org, products: dict[str, Product], django_capture_on_commit_callbacks: Any
) -> None:
    wang = east_customer(org)
    url = reverse("customers:purchase_create", args=[wang.pk])
    with django_capture_on_commit_callbacks(execute=True):
        org.client_for(org.agent).post(url, order_form(products["HV-001"]))
    entry = entries_for(wang).get(action="create", note__contains="SO-2026-0001")
    assert entry.actor == org.agent
    before, after = entry.changes["orders"]
    assert before is None
    assert after.startswith("SO-2026-0001 工业空压机 KY-75 × 1 ¥38,000.00")


def test_a_delivery_before_the_purchase_is_refused_in_words_and_nothing_is_saved(
    org: Org, products: dict[str, Product]
) -> None:
    wang = east_customer(org)
    form = order_form(
        products["HV-001"],
        purchased_on="2026-03-10",
        delivered_on="2026-03-01",
        first_used_on="2026-02-20",
        contract_end_on="2026-01-01",
    )
    response = org.client_for(org.agent).post(
        reverse("customers:purchase_create", args=[wang.pk]), form
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["delivered_on"] == ["交付日期不能早于购买日期（2026-03-10）。"]
    assert errors["first_used_on"] == ["首次使用日期不能早于交付或购买日期（2026-03-01）。"]
    assert errors["contract_end_on"] == ["质保/合同到期日不能早于购买日期（2026-03-10）。"]
    assert "交付日期不能早于购买日期" in response.content.decode()
    assert not Purchase.objects.exists()


def test_missing_product_and_dates_in_the_future_are_explained(
    org: Org, products: dict[str, Product]
) -> None:
    wang = east_customer(org)
    # Asked now, not at collection: the run may cross midnight in Shanghai.
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    form = order_form(products["HV-001"], product="", purchased_on=tomorrow, delivered_on="")
    response = org.client_for(org.agent).post(
        reverse("customers:purchase_create", args=[wang.pk]), form
    )
    errors = response.context["form"].errors
    assert errors["product"] == ["请选择所购买的产品。"]
    assert errors["purchased_on"] == ["购买日期不能晚于今天。"]
    form = order_form(products["HV-001"], purchased_on="2026/13/45")
    response = org.client_for(org.agent).post(
        reverse("customers:purchase_create", args=[wang.pk]), form
    )
    assert response.context["form"].errors["purchased_on"] == ["请输入日期，例如 2026-11-20。"]


def test_an_order_number_of_another_customer_is_refused_naming_whose_it_is(
    org: Org, products: dict[str, Product]
) -> None:
    wang = east_customer(org)
    li = customer_create(actor=org.admin, name="李四", company="恒信", owner=org.agent)
    purchase_create(
        actor=org.admin,
        customer=li,
        product=products["MC-001"],
        order_no="SO-2026-0001",
        purchased_on=TODAY,
    )
    response = org.client_for(org.agent).post(
        reverse("customers:purchase_create", args=[wang.pk]), order_form(products["HV-001"])
    )
    assert response.context["form"].errors["order_no"] == [
        f"订单 SO-2026-0001 已属于客户 李四（恒信）（编号 {li.pk}）。"
    ]


def test_blank_number_and_amount_are_filled_in(org: Org, products: dict[str, Product]) -> None:
    wang = east_customer(org)
    form = order_form(products["MC-001"], order_no="", amount="", quantity=3, delivered_on="")
    org.client_for(org.agent).post(reverse("customers:purchase_create", args=[wang.pk]), form)
    order = wang.purchases.get()
    assert order.order_no.startswith(f"HF-{TODAY - timedelta(days=5):%Y%m%d}-")
    assert order.amount == Decimal("3840.00")


def test_editing_an_order_records_before_and_after_and_moves_the_tier(
    org: Org, products: dict[str, Product], django_capture_on_commit_callbacks: Any
) -> None:
    wang = east_customer(org)
    order = compressor_order(org, wang, products, days_ago=30)
    url = reverse("customers:purchase_edit", args=[wang.pk, order.pk])
    assert org.client_for(org.agent).get(url).status_code == 200
    form = order_form(
        products["HV-001"],
        order_no="SO-1",
        quantity=20,
        amount="760000",
        purchased_on=(TODAY - timedelta(days=30)).isoformat(),
        delivered_on=(TODAY - timedelta(days=2)).isoformat(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = org.client_for(org.agent).post(url, form)
    assert response.status_code == 302
    order.refresh_from_db()
    wang.refresh_from_db()
    assert (order.quantity, order.delivered_on) == (20, TODAY - timedelta(days=2))
    assert wang.tier == Tier.VIP
    entry = entries_for(wang).get(action="update", note__contains="SO-1")
    before, after = entry.changes["orders"]
    assert "× 1 ¥38,000.00" in before and "× 20 ¥760,000.00" in after
    assert FollowUp.objects.filter(customer=wang, source_ref=f"purchase:{order.pk}").exists()


def test_saving_an_unchanged_order_records_nothing(org: Org, products: dict[str, Product]) -> None:
    wang = east_customer(org)
    order = compressor_order(org, wang, products, days_ago=5)
    form = order_form(products["HV-001"], order_no="SO-1", delivered_on="", contract_end_on="")
    org.client_for(org.agent).post(
        reverse("customers:purchase_edit", args=[wang.pk, order.pk]), form
    )
    assert not entries_for(wang).filter(action="update").exists()


@pytest.mark.parametrize("name", ["purchase_create", "purchase_edit"])
def test_orders_of_another_team_are_out_of_reach(
    org: Org, products: dict[str, Product], name: str
) -> None:
    wang = east_customer(org)
    order = purchase_create(
        actor=org.admin, customer=wang, product=products["HV-001"], purchased_on=TODAY
    )
    args = [wang.pk] if name == "purchase_create" else [wang.pk, order.pk]
    url = reverse(f"customers:{name}", args=args)
    client = org.client_for(org.other_agent)
    assert client.get(url).status_code == 403
    assert client.post(url, order_form(products["LF-001"], order_no="X")).status_code == 403
    assert org.client_for(org.technician).get(url).status_code == 403
    assert Purchase.objects.count() == 1


def test_an_order_is_edited_only_under_its_own_customer(
    org: Org, products: dict[str, Product]
) -> None:
    wang = east_customer(org)
    li = customer_create(actor=org.admin, name="李四", owner=org.agent)
    order = purchase_create(
        actor=org.admin, customer=li, product=products["HV-001"], purchased_on=TODAY
    )
    url = reverse("customers:purchase_edit", args=[wang.pk, order.pk])
    assert org.client_for(org.agent).get(url).status_code == 404
