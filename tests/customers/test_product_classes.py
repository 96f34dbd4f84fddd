"""Products carry a class by unit price (C3), under the thresholds administrators set."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from huifang.audit.selectors import entries_for
from huifang.customers.models import Product
from huifang.customers.services import archive_settings_update
from tests.conftest import Org


def save(org: Org, sku: str, price: str, product: Product | None = None) -> Any:
    url = (
        reverse("customers:product_update", args=[product.pk])
        if product
        else reverse("customers:product_create")
    )
    form = {"sku": sku, "name": "工业空压机", "model": "KY-75", "line": "", "unit_price": price}
    return org.client_for(org.admin).post(url, form)


def test_a_product_gets_the_class_of_its_price(org: Org) -> None:
    for sku, price in (("HV-9", "38000"), ("MC-9", "1000"), ("LF-9", "999.99")):
        assert save(org, sku, price).status_code == 302
    assert dict(Product.objects.values_list("sku", "product_class")) == {
        "HV-9": "high_value_durable",
        "MC-9": "mid_price_consumable",
        "LF-9": "low_price_fast_moving",
    }
    page = org.client_for(org.admin).get(reverse("customers:product_list")).content.decode()
    assert "高价值耐用品" in page and "低价快消品" in page


def test_a_new_price_moves_the_product_and_is_on_record(org: Org) -> None:
    save(org, "HV-9", "38000")
    product = Product.objects.get()
    save(org, "HV-9", "800", product)
    product.refresh_from_db()
    assert product.product_class == "low_price_fast_moving"
    change = entries_for(product).filter(action="update").get()
    assert change.changes["product_class"] == ["high_value_durable", "low_price_fast_moving"]


def test_the_class_follows_the_thresholds_in_force(org: Org) -> None:
    archive_settings_update(actor=org.admin, product_high_above=Decimal("50000"))
    save(org, "HV-9", "38000")
    assert Product.objects.get().product_class == "mid_price_consumable"


def test_it_explains_a_bad_price_or_a_taken_sku(org: Org) -> None:
    save(org, "HV-9", "38000")
    errors = save(org, "HV-9", "-5").context["form"].errors
    assert errors["sku"] == ["已有产品使用这个编码。"]
    assert errors["unit_price"] == ["单价不能为负数。"]


@pytest.mark.parametrize("role", ["agent", "supervisor", "technician"])
def test_only_administrators_keep_the_catalogue(org: Org, role: str) -> None:
    assert (
        org.client_for(getattr(org, role)).get(reverse("customers:product_list")).status_code == 403
    )
