"""An import finds what the archive holds among thousands of phones, pairs and order
numbers: more than one statement's worth on either database (PostgreSQL takes two
thousand values a statement, SQLite a thousand, or four hundred pairs)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from huifang.customers.imports.matching import (
    customers_with_pairs,
    customers_with_phones,
    existing_orders,
)
from huifang.customers.models import Contact, Customer, Product, Purchase
from tests.conftest import Org

FILLER = 2_500  # keys that sort before, and as many after, the ones on file


def on_file(name: str, company: str, phone: str) -> Customer:
    customer = Customer.objects.create(name=name, company=company)
    Contact.objects.create(customer=customer, name=name, phone=phone)
    return customer


def test_phones_on_file_are_found_among_thousands_and_the_oldest_customer_wins(
    org: Org,
) -> None:
    first = on_file("王强", "华盛", "+8613800000001")
    second = on_file("王强", "恒信", "+8613800000001")  # a duplicate not yet merged
    third = on_file("李四", "", "+8613800000002")
    wanted = [f"+86137{n:08d}" for n in range(FILLER)] + [f"+86139{n:08d}" for n in range(FILLER)]
    wanted += ["+8613800000002", "+8613800000001", "+8613800000001"]

    assert customers_with_phones(wanted) == {
        "+8613800000001": min(first.pk, second.pk),
        "+8613800000002": third.pk,
    }


def test_company_and_name_pairs_on_file_are_found_among_thousands(org: Org) -> None:
    wang = on_file("王强", "华盛", "")
    on_file("王强", "恒信", "")
    wanted = [(f"公司A{n:05d}", "某人") for n in range(FILLER)]
    wanted += [(f"公司Z{n:05d}", "某人") for n in range(FILLER)]
    wanted += [("华盛", "王强"), ("华盛", "李四"), ("恒信", "赵六")]

    assert customers_with_pairs(wanted) == {("华盛", "王强"): wang.pk}


def test_order_numbers_on_file_are_found_among_thousands(
    org: Org, products: dict[str, Product]
) -> None:
    wang = on_file("王强", "华盛", "+8613800000001")
    Purchase.objects.create(
        customer=wang,
        product=products["HV-001"],
        order_no="SO-5",
        amount=Decimal("38000"),
        purchased_on=date(2026, 11, 1),
        delivered_on=date(2026, 11, 3),
    )
    wanted = [f"SO-0{n:05d}" for n in range(FILLER)] + [f"SO-9{n:05d}" for n in range(FILLER)]

    found = existing_orders([*wanted, "SO-5"])

    assert list(found) == ["SO-5"]
    order = found["SO-5"]
    assert (order.customer_id, order.delivered_on, order.first_used_on) == (
        wang.pk,
        date(2026, 11, 3),
        None,
    )
