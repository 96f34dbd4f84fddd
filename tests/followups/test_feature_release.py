"""A feature release reaches every buyer of its products as a follow-up, once."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from huifang.followups.models import FeatureRelease, FollowUp
from huifang.followups.services import PlanningError, release_announce
from tests.conftest import Org
from tests.followups.conftest import buy, local, product, sh


def test_buyers_of_the_product_get_the_release_follow_up(org: Org, make_customer: Any) -> None:
    buyer, other = make_customer(name="买家"), make_customer(name="路人")
    buy(buyer, "high_value_durable", purchased_on=date(2026, 3, 1))
    buy(other, "low_price_fast_moving", purchased_on=date(2026, 3, 1))
    # Announced on the day of the release: a follow-up after it is still ahead.
    with time_machine.travel(sh(2026, 11, 26, 11), tick=False):
        org.client_for(org.admin).post(
            reverse("followups:releases"),
            {"name": "V2.0 远程诊断", "products": [product("high_value_durable").pk],
             "released_at": "2026-11-26T10:00", "note": "支持远程诊断"},
        )  # fmt: skip
    release = FeatureRelease.objects.get()
    assert release.customers_planned == 1
    [followup] = FollowUp.objects.filter(customer=buyer)
    assert (followup.rule_code, followup.purpose) == ("feature_release", "产品升级告知")
    # One working day after the release, by WeChat.
    assert local(followup.due_start) == "2026-11-27 10:00"
    assert not FollowUp.objects.filter(customer=other).exists()


def test_a_release_without_products_is_refused_in_chinese(org: Org) -> None:
    page = (
        org.client_for(org.admin)
        .post(reverse("followups:releases"), {"name": "V2", "released_at": "2026-11-26T10:00"})
        .content.decode()
    )
    assert "请至少选择一个相关产品" in page
    assert not FeatureRelease.objects.exists()


@pytest.mark.django_db
def test_the_service_names_the_missing_products() -> None:
    with pytest.raises(PlanningError, match="at least one product"):
        release_announce(name="V2", product_ids=[], released_at=sh(2026, 11, 26, 10),
                         now=sh(2026, 11, 26, 10))  # fmt: skip
