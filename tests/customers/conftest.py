from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from huifang.customers.models import Product
from huifang.domain.classification import product_class


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Path) -> None:
    """Uploaded import files go to a throwaway folder, never into the data directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def products(db: Any) -> dict[str, Product]:
    """A small catalogue: one product of each price class."""
    rows = [
        ("HV-001", "工业空压机", "KY-75", "38000"),
        ("MC-001", "净水滤芯套装", "RO-F4", "1280"),
        ("LF-001", "清洁消毒剂", "CL-5L", "89"),
    ]
    result = {}
    for sku, name, model, price in rows:
        from decimal import Decimal

        result[sku] = Product.objects.create(
            sku=sku,
            name=name,
            model=model,
            unit_price=Decimal(price),
            product_class=product_class(Decimal(price)).value,
        )
    return result
