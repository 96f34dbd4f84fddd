from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from huifang.audit.models import AuditEntry
from huifang.customers.models import ArchiveSettings, Customer, Product, Purchase
from tests.conftest import Org


def form(**changes: Any) -> dict[str, Any]:
    data = model_to_dict(ArchiveSettings.load())
    data.pop("id", None)
    data.update(changes)
    return data


@pytest.mark.parametrize("role", ["agent", "supervisor", "technician"])
def test_only_administrators_change_the_archive_settings(org: Org, role: str) -> None:
    client = org.client_for(getattr(org, role))
    assert client.get(reverse("customers:settings")).status_code == 403
    assert client.post(reverse("customers:reclassify")).status_code == 403


def test_new_price_limits_reclassify_products_and_are_on_record(
    org: Org, products: dict[str, Product]
) -> None:
    response = org.client_for(org.admin).post(
        reverse("customers:settings"), form(product_high_above="30000")
    )
    assert response.status_code == 302
    assert Product.objects.get(sku="HV-001").product_class == "high_value_durable"
    org.client_for(org.admin).post(reverse("customers:settings"), form(product_high_above="50000"))
    assert Product.objects.get(sku="HV-001").product_class == "mid_price_consumable"
    entry = AuditEntry.objects.filter(action="update").latest("id")
    assert entry.changes == {"product_high_above": ["30000.00", "50000"]}


def test_it_refuses_thresholds_that_contradict_each_other(org: Org) -> None:
    response = org.client_for(org.admin).post(
        reverse("customers:settings"),
        form(key_at_least="600000", product_low_below="20000", spend_drop_percent="0"),
    )
    errors = response.context["form"].errors
    assert errors["key_at_least"] == ["重点客户门槛（¥600,000）不能高于 VIP 门槛（¥500,000）。"]
    assert errors["product_low_below"] == [
        "低价快消品上限（¥20,000）不能高于高价值耐用品下限（¥10,000）。"
    ]
    assert errors["spend_drop_percent"] == ["请填写 1 到 100 之间的百分比。"]
    assert ArchiveSettings.load().key_at_least == Decimal("100000")


def test_the_recompute_button_applies_new_thresholds_to_customers(
    org: Org, products: dict[str, Product]
) -> None:
    customer = Customer.objects.create(name="王强", team=org.east)
    Purchase.objects.create(
        customer=customer,
        product=products["HV-001"],
        order_no="SO-1",
        amount=Decimal("200000"),
        purchased_on=__import__("django.utils.timezone").utils.timezone.localdate(),
    )
    org.client_for(org.admin).post(reverse("customers:settings"), form(key_at_least="300000"))
    org.client_for(org.admin).post(reverse("customers:reclassify"))
    customer.refresh_from_db()
    assert customer.tier == "normal"
    org.client_for(org.admin).post(reverse("customers:settings"), form(key_at_least="150000"))
    org.client_for(org.admin).post(reverse("customers:reclassify"))
    customer.refresh_from_db()
    assert customer.tier == "key"
