"""Full numbers for the roles that call customers; 138****5678 for everybody else (P1)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from huifang.customers.models import Customer
from huifang.customers.services import ContactData, archive_settings_update, customer_create
from tests.conftest import Org


@pytest.fixture
def customer(org: Org) -> Customer:
    return customer_create(
        actor=org.admin,
        name="王强",
        owner=org.agent,
        contacts=[ContactData(name="王强", phone="+8613800012345", is_primary=True)],
    )


def pages(org: Org, role: str, customer: Customer) -> str:
    client = org.client_for(getattr(org, role))
    detail = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    listing = client.get(reverse("customers:list")).content.decode()
    return detail + listing


@pytest.mark.parametrize("role", ["agent", "supervisor", "admin"])
def test_roles_that_call_customers_see_the_full_number(
    org: Org, customer: Customer, role: str
) -> None:
    shown = pages(org, role, customer)
    assert "13800012345" in shown
    assert "138****2345" not in shown


def test_a_technician_sees_a_masked_number(org: Org, customer: Customer) -> None:
    shown = pages(org, "technician", customer)
    assert "138****2345" in shown
    assert "13800012345" not in shown


def test_administrators_decide_who_sees_full_numbers(org: Org, customer: Customer) -> None:
    archive_settings_update(actor=org.admin, phone_visible_roles=["supervisor", "technician"])
    assert "13800012345" not in pages(org, "agent", customer)
    assert "13800012345" in pages(org, "technician", customer)
