from __future__ import annotations

from datetime import time
from typing import Any

from django.urls import reverse

from huifang.audit.selectors import entries_for
from huifang.customers.models import Customer
from tests.conftest import Org


def post(org: Org, customer: Customer, **fields: Any) -> Any:
    form = {"contact_level": "0", **fields}
    return org.client_for(org.agent).post(
        reverse("customers:preferences", args=[customer.pk]), form
    )


def test_it_stores_the_preferences_the_planner_honours(org: Org) -> None:
    customer = Customer.objects.create(name="王强", team=org.east)
    post(
        org,
        customer,
        preferred_channel="wechat",
        preferred_window_start="09:30",
        preferred_window_end="11:00",
        refused_channels=["sms", "phone"],
        opted_out="on",
        contact_level="-1",
    )
    customer.refresh_from_db()
    assert customer.preferred_channel == "wechat"
    assert (customer.preferred_window_start, customer.preferred_window_end) == (
        time(9, 30),
        time(11),
    )
    assert customer.refused_channels == ["phone", "sms"]
    assert customer.opted_out and customer.contact_level == -1
    change = entries_for(customer).get()
    assert change.changes["opted_out"] == [False, True]
    assert change.changes["preferred_window_start"] == [None, "09:30:00"]


def test_it_explains_a_window_that_makes_no_sense(org: Org) -> None:
    customer = Customer.objects.create(name="王强", team=org.east)
    half = post(org, customer, preferred_window_start="09:30")
    assert half.context["form"].errors["preferred_window_end"] == [
        "请同时填写联系时间的起止，或都不填。"
    ]
    backwards = post(org, customer, preferred_window_start="17:00", preferred_window_end="09:00")
    assert backwards.context["form"].errors["preferred_window_end"] == [
        "结束时间必须晚于开始时间（17:00）。"
    ]


def test_a_channel_cannot_be_preferred_and_refused(org: Org) -> None:
    customer = Customer.objects.create(name="王强", team=org.east)
    response = post(org, customer, preferred_channel="sms", refused_channels=["sms"])
    assert response.context["form"].errors["refused_channels"] == [
        "“短信”不能既是首选渠道又是拒绝的渠道，请二选一。"
    ]
    customer.refresh_from_db()
    assert customer.preferred_channel == ""
