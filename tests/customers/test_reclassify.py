"""Tier, flags and segments (C4) recomputed in bulk from the data."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from huifang.audit.models import AuditEntry
from huifang.customers.classify import ExtraFacts, register_fact_source, unregister_fact_source
from huifang.customers.models import Customer, Product, Purchase
from huifang.customers.services import archive_settings_update, customers_reclassify
from tests.conftest import Org

TODAY = date(2026, 11, 26)


def buy(customer: Customer, product: Product, amount: str, days_ago: int) -> None:
    Purchase.objects.create(
        customer=customer,
        product=product,
        order_no=f"SO-{customer.pk}-{days_ago}-{amount}",
        amount=Decimal(amount),
        purchased_on=TODAY - timedelta(days=days_ago),
    )


@pytest.fixture
def customers(org: Org, products: dict[str, Product]) -> dict[str, Customer]:
    hv = products["HV-001"]
    people = {
        key: Customer.objects.create(name=key, team=org.east)
        for key in ("big", "mid", "gone", "new")
    }
    buy(people["big"], hv, "600000", 200)
    buy(people["mid"], hv, "150000", 100)
    buy(people["mid"], hv, "100000", 500)
    buy(people["gone"], hv, "5000", 1500)
    buy(people["new"], hv, "1000", 10)
    buy(people["new"], hv, "1000", 5)
    return people


def state(customer: Customer) -> tuple[str, list[str], list[str]]:
    customer.refresh_from_db()
    return customer.tier, customer.flags, customer.segments()


def test_it_classifies_every_customer_from_their_purchases(customers: dict[str, Customer]) -> None:
    result = customers_reclassify(today=TODAY, chunk=2)
    assert (result.customers, result.changed) == (4, 4)
    assert state(customers["big"]) == ("vip", [], ["high_value"])
    assert state(customers["mid"]) == ("key", [], ["high_value"])
    assert state(customers["gone"]) == ("normal", ["long_term"], ["churn_risk"])
    assert state(customers["new"]) == ("normal", ["new"], ["potential"])


def test_a_second_run_writes_nothing(customers: dict[str, Customer]) -> None:
    customers_reclassify(today=TODAY)
    stamp = Customer.objects.get(pk=customers["big"].pk).classified_on
    again = customers_reclassify(today=TODAY + timedelta(days=1))
    assert again.changed == 0
    assert Customer.objects.get(pk=customers["big"].pk).classified_on == stamp


def test_new_thresholds_move_customers_and_tier_moves_are_on_record(
    org: Org, customers: dict[str, Customer]
) -> None:
    customers_reclassify(today=TODAY)
    archive_settings_update(actor=org.admin, vip_above=Decimal("100000"))
    result = customers_reclassify(today=TODAY, actor=org.admin)
    assert result.tier_changes == 1
    assert state(customers["mid"])[0] == "vip"
    entries = AuditEntry.objects.filter(action="reclassify", target_id=customers["mid"].pk)
    assert [(e.who, e.changes) for e in entries.order_by("id")] == [
        ("系统", {"tier": ["normal", "key"]}),
        ("管理员", {"tier": ["key", "vip"]}),
    ]


def test_complaints_from_other_apps_and_the_ticket_side_count(
    customers: dict[str, Customer],
) -> None:
    def tickets(ids: Sequence[int], today: date) -> Mapping[int, ExtraFacts]:
        return {customers["big"].pk: ExtraFacts(complaint_count=2, satisfaction_scores=(2.0, 1.0))}

    Customer.objects.filter(pk=customers["mid"].pk).update(last_complaint_at=timezone.now())
    register_fact_source(tickets)
    try:
        customers_reclassify(today=TODAY)
    finally:
        unregister_fact_source(tickets)
    assert state(customers["big"]) == (
        "vip",
        ["complaint_history", "low_satisfaction"],
        ["high_value", "churn_risk"],
    )
    assert state(customers["mid"])[1] == ["complaint_history"]


def test_the_command_reports_what_it_did(customers: dict[str, Customer]) -> None:
    out = io.StringIO()
    call_command("recompute_tiers", "--today", TODAY.isoformat(), "--no-progress", stdout=out)
    assert "Classified 4 customers on 2026-11-26: 4 changed (2 changed tier)" in out.getvalue()
