"""Tickets appear on the customer 360 timeline for those who may see them."""

from __future__ import annotations

from typing import Any

import pytest

from huifang.customers.timeline import customer_timeline
from tests.tickets.conftest import Desk, sh

pytestmark = pytest.mark.django_db


def test_the_ticket_is_on_the_customers_timeline(desk: Desk, make_customer: Any) -> None:
    customer = make_customer()
    ticket = desk.open(customer, now=sh(2026, 11, 24, 10))
    entries = [e for e in customer_timeline(customer, desk.org.agent) if e.kind == "ticket"]
    assert [e.url for e in entries] == [f"/tickets/{ticket.pk}/"]
    assert ticket.number in entries[0].title
    outsider = [e for e in customer_timeline(customer, desk.org.other_agent) if e.kind == "ticket"]
    assert outsider == []
